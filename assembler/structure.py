"""Item types and paper structures (试卷结构): which sections a theory paper has, how many items
of what point value, and how long it lasts."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import yaml

from .errors import DataError, InputError, Problem
from .standard import PACKAGE_ROOT
from .yaml_safe import load_yaml

STRUCTURES_DIR = PACKAGE_ROOT / "blueprints" / "structures"


class ItemType(str, enum.Enum):
    JUDGE = "judge"
    SINGLE = "single"
    MULTIPLE = "multiple"
    TASK = "task"

    @property
    def label(self) -> str:
        return {"judge": "判断题", "single": "单项选择题", "multiple": "多项选择题", "task": "操作题"}[self.value]

    @property
    def short(self) -> str:
        return {"judge": "判断题", "single": "单选题", "multiple": "多选题", "task": "操作题"}[self.value]


THEORY_TYPES = (ItemType.JUDGE, ItemType.SINGLE, ItemType.MULTIPLE)


def points_text(value: Fraction | float | int) -> str:
    """Return a point value as people write it: 1, 0.5, 2.5."""
    f = Fraction(value).limit_denominator(100)
    return str(f.numerator) if f.denominator == 1 else f"{float(f):g}"


@dataclass(frozen=True)
class Section:
    type: ItemType
    count: int
    points: Fraction  # per item

    @property
    def total(self) -> Fraction:
        return self.count * self.points


@dataclass(frozen=True)
class PaperStructure:
    name: str
    title: str
    duration_minutes: int
    sections: tuple[Section, ...]

    @property
    def total_points(self) -> Fraction:
        return sum((s.total for s in self.sections), Fraction(0))

    def section(self, t: ItemType) -> Section | None:
        return next((s for s in self.sections if s.type is t), None)

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "duration_minutes": self.duration_minutes,
                "sections": [{"type": s.type.value, "count": s.count, "points": float(s.points)}
                             for s in self.sections]}


def list_structures() -> list[str]:
    """Return the names of the structures shipped in blueprints/structures/."""
    return sorted(p.stem for p in STRUCTURES_DIR.glob("*.yaml"))


def load_structure(name_or_path: str | Path | None = None) -> PaperStructure:
    """Return a named structure (blueprints/structures/NAME.yaml) or one read from a YAML file.

    Raises InputError for an unknown name and DataError for a malformed file.
    """
    value = str(name_or_path or "standard")
    path = Path(value)
    if not (path.suffix in (".yaml", ".yml") and path.exists()):
        candidate = STRUCTURES_DIR / f"{value}.yaml"
        if not candidate.exists():
            if path.suffix in (".yaml", ".yml"):
                raise InputError(f"找不到试卷结构文件 {value}。")
            raise InputError(f"没有名为「{value}」的试卷结构：可用 {'、'.join(list_structures())}，或给出结构文件路径。")
        path = candidate
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError([Problem(f"不是合法的 YAML：{exc}", file=str(path))], title="试卷结构文件有误") from None
    return parse_structure(raw, str(path))


def parse_structure(raw: object, path: str = "") -> PaperStructure:
    """Return a PaperStructure from its YAML mapping; raise DataError with every problem."""
    problems: list[Problem] = []
    if not isinstance(raw, dict) or not isinstance(raw.get("sections"), list):
        raise DataError([Problem("应为包含 sections 列表的映射（见 blueprints/structures/standard.yaml）", file=path)],
                        title="试卷结构文件有误")
    sections: list[Section] = []
    seen: set[ItemType] = set()
    for i, s in enumerate(raw["sections"], 1):
        where = f"sections 第 {i} 项"
        try:
            t = ItemType(str(s.get("type")))
            if t is ItemType.TASK:
                raise ValueError
        except (ValueError, AttributeError):
            problems.append(Problem(f"{where}：题型应为 judge/single/multiple", file=path, column="type"))
            continue
        if t in seen:
            problems.append(Problem(f"{where}：题型 {t.value} 重复", file=path, column="type"))
        seen.add(t)
        try:
            count = int(s.get("count"))
            pts = Fraction(str(s.get("points"))).limit_denominator(100)
            if count <= 0 or pts <= 0 or count != s.get("count"):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(Problem(f"{where}：count 应为正整数、points 应为正数", file=path, column="count/points"))
            continue
        sections.append(Section(t, count, pts))
    try:
        duration = int(raw.get("duration_minutes", 90))
    except (TypeError, ValueError):
        problems.append(Problem("duration_minutes 应为整数（分钟）", file=path, column="duration_minutes"))
        duration = 90
    if duration < 90:
        problems.append(Problem(f"考试时间 {duration} 分钟少于标准规定的 90 分钟", file=path, column="duration_minutes"))
    order = {t: i for i, t in enumerate(THEORY_TYPES)}
    sections.sort(key=lambda s: order[s.type])
    st = PaperStructure(str(raw.get("name") or Path(path).stem), str(raw.get("title") or raw.get("name") or ""),
                        duration, tuple(sections))
    if not problems and st.total_points != 100:
        problems.append(Problem(f"各题型分值合计为 {points_text(st.total_points)} 分，应为 100 分", file=path))
    if problems:
        raise DataError(problems, title="试卷结构文件有误")
    return st
