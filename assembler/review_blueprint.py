"""Blueprints of the 综合评审 (二级/一级): parts and points, 答辩 questions per function.

Default (blueprints/review/standard.yaml, parsed by structure.load_review_structure): 申报材料审阅
40 + 答辩 60, four 答辩 questions of 15 points, 30 minutes, a panel of 5; the levels, the minimum
duration and panel size and the pass mark come from the standard's assessment (1.9). The 答辩
questions are spread over the level's functions in proportion to the skill weight table by the
largest-remainder method (ties to the earlier function in the standard's order), so a function's
答辩 points are its questions × points_each.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from fractions import Fraction

from .blueprint import largest_remainder
from .errors import InputError
from .standard import Kind, Standard, parse_review_level
from .structure import (
    ReviewPart,
    ReviewStructure,
    load_review_structure,
    review_session_problems,
)

__all__ = ["ReviewBlueprint", "ReviewFunction", "ReviewPart", "ReviewStructure", "build_review_blueprint",
           "is_review_kind", "review_blueprint_text", "load_review_structure"]


@dataclass(frozen=True, kw_only=True)
class ReviewFunction:
    name: str
    number: int
    weight: int
    questions: int
    points: int
    skill_codes: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ReviewBlueprint:
    level: str
    title: str
    structure: ReviewStructure
    duration_minutes: int
    panel_size: int
    functions: tuple[ReviewFunction, ...]
    total_points: int = 100
    pass_mark: int = 60

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


def build_review_blueprint(standard: Standard, level: object, structure: str | ReviewStructure | None = None,
                           duration_minutes: int | None = None, panel_size: int | None = None) -> ReviewBlueprint:
    """Return the 综合评审 blueprint of 二级 or 一级.

    Raises InputError for another level, a duration under the standard's minimum (20 minutes) or
    a panel that is even or smaller than its minimum (3); DataError for a malformed structure file.
    """
    a = standard.assessment
    lv = parse_review_level(level, standard)
    st = (structure if isinstance(structure, ReviewStructure)
          else load_review_structure(structure, a.review_minutes, a.review_panel_min))
    duration = st.duration_minutes if duration_minutes is None else int(duration_minutes)
    panel = st.panel_size if panel_size is None else int(panel_size)
    bad = review_session_problems(duration, panel, a.review_minutes, a.review_panel_min)
    if bad:
        raise InputError("；".join(m for _, m in bad) + "。")
    weighted = [(f, dict(standard.weights(Kind.SKILL, lv, None))[f.name])
                for f in standard.examined_functions(Kind.SKILL, lv, None)]
    counts = largest_remainder(Fraction(st.questions), [w for _, w in weighted], Fraction(1))
    fns = tuple(ReviewFunction(name=f.name, number=f.number, weight=w, questions=int(n), points=int(n) * st.points_each,
                               skill_codes=tuple(r.code for r in f.skills()))
                for (f, w), n in zip(weighted, counts))
    title = f"{standard.name}（{standard.level(lv).label}）综合评审"
    return ReviewBlueprint(level=lv, title=title, structure=st, duration_minutes=duration, panel_size=panel,
                           functions=fns, total_points=a.full_marks, pass_mark=a.pass_mark)


def review_blueprint_text(bp: ReviewBlueprint) -> str:
    """Return the blueprint as a plain-text table (Chinese)."""
    lines = [bp.title, f"时间 {bp.duration_minutes} 分钟；评审组 {bp.panel_size} 人；满分 {bp.total_points} 分，{bp.pass_mark} 分合格",
             "", "部分\t分值"]
    lines += [f"{p.name}\t{p.points}" for p in bp.structure.parts]
    lines += ["", f"答辩题分配（每题 {bp.structure.points_each} 分，按技能要求权重）", "职业功能\t权重\t题数\t分值"]
    lines += [f"{f.number}. {f.name}\t{f.weight}%\t{f.questions}\t{f.points}" for f in bp.functions]
    return "\n".join(lines) + "\n"
