"""Item types and paper structures (试卷结构): which sections a theory paper has, how many items
of what point value, and how long it lasts."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import yaml

from .errors import DataError, InputError, Problem
from .rules import full_marks, minimum_minutes
from .standard import PACKAGE_ROOT, Kind
from .yaml_safe import load_yaml_file

STRUCTURES_DIR = PACKAGE_ROOT / "blueprints" / "structures"
REVIEW_STRUCTURES_DIR = PACKAGE_ROOT / "blueprints" / "review"


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


def plain_number(value: Fraction | float | int, digits: int | None = None) -> int | float:
    """Return a number as JSON and cells show it: an int when whole (3, not 3.0), else a float,
    rounded to `digits` first when given. The one number formatter besides points_text."""
    x = float(value)
    if digits is not None:
        x = round(x, digits)
    return int(x) if x.is_integer() else x


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


def read_structure_file(name_or_path: str | Path | None, folder: Path, what: str) -> tuple[object, str]:
    """Return (the YAML content, its path) of a named structure (folder/NAME.yaml) or a YAML file.

    `what` names the kind of structure in messages (试卷结构, 综合评审结构). Raises InputError for
    an unknown name or a missing file, DataError for a file that is not YAML.
    """
    value = str(name_or_path or "standard")
    path = Path(value)
    if not (path.suffix in (".yaml", ".yml") and path.exists()):
        candidate = folder / f"{value}.yaml"
        if not candidate.exists():
            if path.suffix in (".yaml", ".yml"):
                raise InputError(f"找不到{what}文件 {value}。")
            names = "、".join(sorted(p.stem for p in folder.glob("*.yaml")))
            raise InputError(f"没有名为「{value}」的{what}：可用 {names}，或给出结构文件路径。")
        path = candidate
    try:
        return load_yaml_file(path), str(path)
    except yaml.YAMLError as exc:
        raise DataError([Problem(f"不是合法的 YAML：{exc}", file=str(path))], title=f"{what}文件有误") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([Problem(f"无法读取：{exc}", file=str(path))], title=f"{what}文件有误") from None


def load_structure(name_or_path: str | Path | None = None) -> PaperStructure:
    """Return a named structure (blueprints/structures/NAME.yaml) or one read from a YAML file.

    Raises InputError for an unknown name and DataError for a malformed file.
    """
    raw, path = read_structure_file(name_or_path, STRUCTURES_DIR, "试卷结构")
    return parse_structure(raw, path)


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
    least = minimum_minutes(Kind.THEORY)
    try:
        duration = int(raw.get("duration_minutes", least))
    except (TypeError, ValueError):
        problems.append(Problem("duration_minutes 应为整数（分钟）", file=path, column="duration_minutes"))
        duration = least
    if duration < least:
        problems.append(Problem(f"考试时间 {duration} 分钟少于标准规定的 {least} 分钟", file=path, column="duration_minutes"))
    order = {t: i for i, t in enumerate(THEORY_TYPES)}
    sections.sort(key=lambda s: order[s.type])
    st = PaperStructure(str(raw.get("name") or Path(path).stem), str(raw.get("title") or raw.get("name") or ""),
                        duration, tuple(sections))
    if not problems and st.total_points != full_marks():
        problems.append(Problem(f"各题型分值合计为 {points_text(st.total_points)} 分，应为 {full_marks()} 分", file=path))
    if problems:
        raise DataError(problems, title="试卷结构文件有误")
    return st


# ---- 综合评审 (二级/一级) --------------------------------------------------------------------------
REVIEW_PART_NAMES = {"materials": "申报材料审阅", "defence": "答辩"}


@dataclass(frozen=True)
class ReviewPart:
    code: str  # materials | defence
    name: str
    points: int


@dataclass(frozen=True, kw_only=True)
class ReviewStructure:
    """The 综合评审 paper: its parts and points, the 答辩 questions, duration and panel size."""

    name: str
    title: str
    duration_minutes: int
    panel_size: int
    parts: tuple[ReviewPart, ...]
    questions: int
    points_each: int

    def part(self, code: str) -> ReviewPart | None:
        return next((p for p in self.parts if p.code == code), None)


def load_review_structure(name_or_path: str | Path | None = None, min_duration: int = 20,
                          min_panel: int = 3) -> ReviewStructure:
    """Return a named 综合评审 structure (blueprints/review/NAME.yaml) or one read from a YAML file.

    Raises InputError for an unknown name and DataError for a malformed file.
    """
    raw, path = read_structure_file(name_or_path, REVIEW_STRUCTURES_DIR, "综合评审结构")
    return parse_review_structure(raw, path, min_duration, min_panel)


def _int(raw: dict, key: str, default: int, where: str, problems: list[Problem], path: str) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(Problem(f"{where}{key} 应为整数", file=path, column=key))
        return default
    return value


def parse_review_structure(raw: object, path: str = "", min_duration: int = 20, min_panel: int = 3) -> ReviewStructure:
    """Return a ReviewStructure from its YAML mapping; raise DataError with every problem (parts
    not materials + defence, points not adding up to 100, questions × points_each not the 答辩
    points, a duration under min_duration, a panel even or under min_panel)."""
    title = "综合评审结构文件有误"
    if not isinstance(raw, dict) or not isinstance(raw.get("parts"), list):
        raise DataError([Problem("应为包含 parts 列表的映射（见 blueprints/review/standard.yaml）", file=path)], title)
    problems: list[Problem] = []
    parts: list[ReviewPart] = []
    for i, p in enumerate(raw["parts"], 1):
        where = f"parts 第 {i} 项："
        if not isinstance(p, dict) or p.get("code") not in REVIEW_PART_NAMES:
            problems.append(Problem(f"{where}code 应为 materials（申报材料审阅）或 defence（答辩）", file=path, column="code"))
            continue
        pts = _int(p, "points", 0, where, problems, path)
        if pts <= 0:
            problems.append(Problem(f"{where}points 应为正整数", file=path, column="points"))
        parts.append(ReviewPart(p["code"], str(p.get("name") or REVIEW_PART_NAMES[p["code"]]), pts))
    if sorted(p.code for p in parts) != ["defence", "materials"] and not problems:
        problems.append(Problem("parts 应恰好包含 materials 与 defence 各一项", file=path, column="parts"))
    defence = raw.get("defence") or {}
    if not isinstance(defence, dict):
        defence = {}
        problems.append(Problem("defence 应为映射（questions、points_each）", file=path, column="defence"))
    questions = _int(defence, "questions", 4, "defence.", problems, path)
    each = _int(defence, "points_each", 15, "defence.", problems, path)
    duration = _int(raw, "duration_minutes", 30, "", problems, path)
    panel = _int(raw, "panel_size", 5, "", problems, path)
    st = ReviewStructure(name=str(raw.get("name") or Path(path).stem), title=str(raw.get("title") or ""),
                         duration_minutes=duration, panel_size=panel, parts=tuple(parts), questions=questions,
                         points_each=each)
    if not problems:
        total = sum(p.points for p in st.parts)
        if total != 100:
            problems.append(Problem(f"各部分分值合计为 {total} 分，应为 100 分", file=path, column="parts"))
        dp = st.part("defence")
        if st.questions <= 0 or st.points_each <= 0:
            problems.append(Problem("答辩题数和每题分值应为正整数", file=path, column="defence"))
        elif dp and st.questions * st.points_each != dp.points:
            problems.append(Problem(f"答辩 {st.questions} 题 × {st.points_each} 分 = {st.questions * st.points_each} 分，"
                                    f"应等于答辩部分的 {dp.points} 分", file=path, column="defence"))
        problems += [Problem(m, file=path, column=c)
                     for c, m in review_session_problems(duration, panel, min_duration, min_panel)]
    if problems:
        raise DataError(problems, title)
    return st


def review_session_problems(duration: int, panel: int, min_duration: int = 20, min_panel: int = 3) -> list[tuple[str, str]]:
    """Return (field, message) for a 综合评审 duration under min_duration minutes and a panel that
    is even or smaller than min_panel (standard 1.9.3–1.9.4)."""
    out = []
    if duration < min_duration:
        out.append(("duration_minutes", f"综合评审时间 {duration} 分钟少于标准规定的 {min_duration} 分钟"))
    if panel < min_panel or panel % 2 == 0:
        out.append(("panel_size", f"评审组 {panel} 人不符合标准：应不少于 {min_panel} 人且为单数"))
    return out
