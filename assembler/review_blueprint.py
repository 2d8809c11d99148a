"""Blueprints of the 综合评审 (二级/一级): parts and points, 答辩 questions per function.

Default (blueprints/review/standard.yaml): 申报材料审阅 40 + 答辩 60, four 答辩 questions of
15 points, 30 minutes, a panel of 5. The 答辩 questions are spread over the level's functions in
proportion to the skill weight table by the largest-remainder method (ties to the earlier
function in the standard's order), so a function's 答辩 points are its questions × points_each.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import yaml

from .blueprint import largest_remainder
from .errors import DataError, InputError, Problem
from .standard import PACKAGE_ROOT, Kind, Standard, parse_level
from .yaml_safe import load_yaml

REVIEW_DIR = PACKAGE_ROOT / "blueprints" / "review"
REVIEW_LEVELS = ("2", "1")
MIN_DURATION = 20
MIN_PANEL = 3


@dataclass(frozen=True)
class ReviewPart:
    code: str  # materials | defence
    name: str
    points: int


@dataclass(frozen=True)
class ReviewStructure:
    name: str
    title: str
    duration_minutes: int
    panel_size: int
    parts: tuple[ReviewPart, ...]
    questions: int
    points_each: int

    def part(self, code: str) -> ReviewPart | None:
        return next((p for p in self.parts if p.code == code), None)


@dataclass(frozen=True)
class ReviewFunction:
    name: str
    number: int
    weight: int
    questions: int
    points: int
    skill_codes: tuple[str, ...]


@dataclass(frozen=True)
class ReviewBlueprint:
    level: str
    title: str
    structure: ReviewStructure
    duration_minutes: int
    panel_size: int
    functions: tuple[ReviewFunction, ...]
    total_points: int = 100

    def function(self, name: str) -> ReviewFunction | None:
        return next((f for f in self.functions if f.name == name), None)

    def to_dict(self) -> dict:
        """Return the JSON contract of a 综合评审 blueprint."""
        return {
            "level": self.level, "direction": None, "kind": "review",
            "structure": self.structure.name, "title": self.title,
            "total_points": self.total_points, "duration_minutes": self.duration_minutes,
            "panel_size": self.panel_size,
            "parts": [{"code": p.code, "name": p.name, "points": p.points} for p in self.structure.parts],
            "functions": [{"name": f.name, "weight": f.weight, "questions": f.questions,
                           "points": f.points, "skill_codes": list(f.skill_codes)} for f in self.functions],
        }

    @property
    def hash(self) -> str:
        """Return a short content hash of the blueprint (recorded in every form)."""
        blob = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def is_review_kind(value: object) -> bool:
    """Return whether a --kind value names the 综合评审."""
    return str(value).strip().lower() in ("review", "综合评审", "评审")


def _int(raw: dict, key: str, default: int, where: str, problems: list[Problem], path: str) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(Problem(f"{where}{key} 应为整数", file=path, column=key))
        return default
    return value


def parse_review_structure(raw: object, path: str = "") -> ReviewStructure:
    """Return a ReviewStructure from its YAML mapping; raise DataError with every problem."""
    title = "综合评审结构文件有误"
    if not isinstance(raw, dict) or not isinstance(raw.get("parts"), list):
        raise DataError([Problem("应为包含 parts 列表的映射（见 blueprints/review/standard.yaml）", file=path)], title)
    problems: list[Problem] = []
    parts: list[ReviewPart] = []
    for i, p in enumerate(raw["parts"], 1):
        where = f"parts 第 {i} 项："
        if not isinstance(p, dict) or p.get("code") not in ("materials", "defence"):
            problems.append(Problem(f"{where}code 应为 materials（申报材料审阅）或 defence（答辩）", file=path, column="code"))
            continue
        pts = _int(p, "points", 0, where, problems, path)
        if pts <= 0:
            problems.append(Problem(f"{where}points 应为正整数", file=path, column="points"))
        parts.append(ReviewPart(p["code"], str(p.get("name") or {"materials": "申报材料审阅", "defence": "答辩"}[p["code"]]), pts))
    codes = [p.code for p in parts]
    if sorted(codes) != ["defence", "materials"] and not problems:
        problems.append(Problem("parts 应恰好包含 materials 与 defence 各一项", file=path, column="parts"))
    defence = raw.get("defence") or {}
    if not isinstance(defence, dict):
        defence = {}
        problems.append(Problem("defence 应为映射（questions、points_each）", file=path, column="defence"))
    questions = _int(defence, "questions", 4, "defence.", problems, path)
    each = _int(defence, "points_each", 15, "defence.", problems, path)
    duration = _int(raw, "duration_minutes", 30, "", problems, path)
    panel = _int(raw, "panel_size", 5, "", problems, path)
    st = ReviewStructure(str(raw.get("name") or Path(path).stem), str(raw.get("title") or ""),
                         duration, panel, tuple(parts), questions, each)
    if not problems:
        problems += _structure_problems(st, path)
    if problems:
        raise DataError(problems, title)
    return st


def _structure_problems(st: ReviewStructure, path: str) -> list[Problem]:
    out = []
    total = sum(p.points for p in st.parts)
    if total != 100:
        out.append(Problem(f"各部分分值合计为 {total} 分，应为 100 分", file=path, column="parts"))
    dp = st.part("defence")
    if st.questions <= 0 or st.points_each <= 0:
        out.append(Problem("答辩题数和每题分值应为正整数", file=path, column="defence"))
    elif dp and st.questions * st.points_each != dp.points:
        out.append(Problem(f"答辩 {st.questions} 题 × {st.points_each} 分 = {st.questions * st.points_each} 分，"
                           f"应等于答辩部分的 {dp.points} 分", file=path, column="defence"))
    out += [Problem(m, file=path, column=c) for c, m in _duration_panel_messages(st.duration_minutes, st.panel_size)]
    return out


def _duration_panel_messages(duration: int, panel: int) -> list[tuple[str, str]]:
    out = []
    if duration < MIN_DURATION:
        out.append(("duration_minutes", f"综合评审时间 {duration} 分钟少于标准规定的 {MIN_DURATION} 分钟"))
    if panel < MIN_PANEL or panel % 2 == 0:
        out.append(("panel_size", f"评审组 {panel} 人不符合标准：应不少于 {MIN_PANEL} 人且为单数"))
    return out


def load_review_structure(name_or_path: str | Path | None = None) -> ReviewStructure:
    """Return a named 综合评审 structure (blueprints/review/NAME.yaml) or one read from a YAML file.

    Raises InputError for an unknown name and DataError for a malformed file.
    """
    value = str(name_or_path or "standard")
    path = Path(value)
    if not (path.suffix in (".yaml", ".yml") and path.exists()):
        candidate = REVIEW_DIR / f"{value}.yaml"
        if not candidate.exists():
            names = "、".join(sorted(p.stem for p in REVIEW_DIR.glob("*.yaml")))
            raise InputError(f"没有名为「{value}」的综合评审结构：可用 {names}，或给出结构文件路径。")
        path = candidate
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError([Problem(f"不是合法的 YAML：{exc}", file=str(path))], "综合评审结构文件有误") from None
    return parse_review_structure(raw, str(path))


def build_review_blueprint(standard: Standard, level: object, structure: str | ReviewStructure | None = None,
                           duration_minutes: int | None = None, panel_size: int | None = None) -> ReviewBlueprint:
    """Return the 综合评审 blueprint of 二级 or 一级.

    Raises InputError for another level, a duration under 20 minutes or a panel that is even or
    smaller than 3; DataError for a malformed structure file.
    """
    lv = parse_level(level)
    if lv not in REVIEW_LEVELS:
        raise InputError(f"综合评审只适用于二级、一级，{standard.level(lv).name}不进行综合评审。")
    st = structure if isinstance(structure, ReviewStructure) else load_review_structure(structure)
    duration = st.duration_minutes if duration_minutes is None else int(duration_minutes)
    panel = st.panel_size if panel_size is None else int(panel_size)
    bad = _duration_panel_messages(duration, panel)
    if bad:
        raise InputError("；".join(m for _, m in bad) + "。")
    weighted = [(f, dict(standard.weights(Kind.SKILL, lv, None))[f.name])
                for f in standard.examined_functions(Kind.SKILL, lv, None)]
    counts = largest_remainder(Fraction(st.questions), [w for _, w in weighted], Fraction(1))
    fns = tuple(ReviewFunction(f.name, f.number, w, int(n), int(n) * st.points_each,
                               tuple(r.code for r in f.skills()))
                for (f, w), n in zip(weighted, counts))
    title = f"{standard.name}（{standard.level(lv).label}）综合评审"
    return ReviewBlueprint(lv, title, st, duration, panel, fns)


def review_blueprint_text(bp: ReviewBlueprint) -> str:
    """Return the blueprint as a plain-text table (Chinese)."""
    lines = [bp.title, f"时间 {bp.duration_minutes} 分钟；评审组 {bp.panel_size} 人；满分 {bp.total_points} 分，60 分合格",
             "", "部分\t分值"]
    lines += [f"{p.name}\t{p.points}" for p in bp.structure.parts]
    lines += ["", f"答辩题分配（每题 {bp.structure.points_each} 分，按技能要求权重）", "职业功能\t权重\t题数\t分值"]
    lines += [f"{f.number}. {f.name}\t{f.weight}%\t{f.questions}\t{f.points}" for f in bp.functions]
    return "\n".join(lines) + "\n"
