"""答辩题 (defence questions) of the 综合评审: the record type, its YAML form and its checks.

A file under question_bank/defence/ holds `defence: [ … ]`. Each question carries 评分要点 rows
whose points add up to the question's points, so a second panel member scores it the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from ..errors import DataError, Problem
from ..standard import PACKAGE_ROOT, Standard
from ..yaml_safe import load_yaml
from .models import Origin, Status

DEFENCE_DIR = PACKAGE_ROOT / "question_bank" / "defence"
DEFENCE_LEVELS = ("2", "1")
FIELDS = ("id", "type", "level", "function", "code", "question", "points", "rubric", "follow_ups",
          "enemies", "status", "source")


@dataclass(frozen=True)
class ScoringPoint:
    point: str  # 评分要点
    points: Fraction


@dataclass(frozen=True)
class DefenceQuestion:
    id: str
    level: str
    function: str
    codes: tuple[str, ...]  # skill-requirement codes
    question: str
    points: Fraction
    rubric: tuple[ScoringPoint, ...]
    follow_ups: tuple[str, ...] = ()  # 追问
    enemies: tuple[str, ...] = ()
    status: Status = Status.ACTIVE
    source: str = ""
    origin: Origin | None = None

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE

    def to_dict(self) -> dict:
        """Return the YAML mapping of the question (the inverse of parse_defence)."""
        d = {"id": self.id, "type": "defence", "level": int(self.level), "function": self.function,
             "code": list(self.codes), "question": self.question, "points": _num(self.points),
             "rubric": [{"point": r.point, "points": _num(r.points)} for r in self.rubric]}
        if self.follow_ups:
            d["follow_ups"] = list(self.follow_ups)
        if self.enemies:
            d["enemies"] = list(self.enemies)
        if self.status is not Status.ACTIVE:
            d["status"] = self.status.value
        if self.source:
            d["source"] = self.source
        return d


def _num(f: Fraction) -> int | float:
    return int(f) if f.denominator == 1 else float(f)


def _points(value: object) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        f = Fraction(str(value)).limit_denominator(100)
    except (ValueError, ZeroDivisionError):
        return None
    return f if f > 0 else None


def _texts(value: object) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return None


def parse_defence(raw: object, standard: Standard, origin: Origin) -> tuple[DefenceQuestion | None, list[Problem]]:  # noqa: C901
    """Return the question read from one YAML mapping and every problem found in it."""
    where: dict[str, Any] = dict(file=origin.file, row=origin.row)
    if not isinstance(raw, dict):
        return None, [Problem("答辩题应为映射（id、level、function、code、question、points、rubric …）", **where)]
    problems: list[Problem] = []

    def bad(msg: str, column: str) -> None:
        problems.append(Problem(msg, column=column, **where))

    unknown = sorted(set(map(str, raw)) - set(FIELDS))
    if unknown:
        bad(f"未知字段 {'、'.join(unknown)}", unknown[0])
    qid = str(raw.get("id") or "").strip()
    if not qid:
        bad("缺少题号 id", "id")
    if raw.get("type", "defence") != "defence":
        bad("type 应为 defence（答辩题）", "type")
    level = str(raw.get("level", "")).strip()
    if level not in DEFENCE_LEVELS:
        bad(f"等级「{level}」无效：答辩题只用于二级（2）、一级（1）", "level")
    function = str(raw.get("function") or "").strip()
    fn = standard.function(level, function) if level in DEFENCE_LEVELS else None
    if level in DEFENCE_LEVELS and fn is None:
        names = "、".join(f.name for f in standard.functions_at(level))
        bad(f"职业功能「{function}」不属于{standard.level(level).name}：可用 {names}", "function")
    codes = _texts(raw.get("code"))
    if not codes:
        bad("缺少技能要求代码 code（如 2.3.1）", "code")
        codes = ()
    elif fn is not None:
        allowed = standard.skill_codes(level, function)
        wrong = [c for c in codes if c not in allowed]
        if wrong:
            bad(f"技能要求代码 {'、'.join(wrong)} 不属于{standard.level(level).name}「{function}」；"
                f"可用 {'、'.join(allowed)}", "code")
    question = str(raw.get("question") or "").strip()
    if not question:
        bad("缺少题目 question", "question")
    points = _points(raw.get("points"))
    if points is None:
        bad("分值 points 应为正数", "points")
    rubric: list[ScoringPoint] = []
    rows = raw.get("rubric")
    if not isinstance(rows, list) or not rows:
        bad("缺少评分要点 rubric（每行 point 与 points）", "rubric")
    else:
        for i, r in enumerate(rows, 1):
            rp = _points(r.get("points")) if isinstance(r, dict) else None
            text = str(r.get("point") or "").strip() if isinstance(r, dict) else ""
            if not text or rp is None:
                bad(f"评分要点第 {i} 行应有 point（要点）和正数 points（分值）", "rubric")
                continue
            rubric.append(ScoringPoint(text, rp))
        total = sum((r.points for r in rubric), Fraction(0))
        if points is not None and len(rubric) == len(rows) and total != points:
            bad(f"评分要点分值合计 {_num(total)} 分，应等于本题分值 {_num(points)} 分", "rubric")
    follow_ups = _texts(raw.get("follow_ups"))
    if follow_ups is None:
        bad("追问 follow_ups 应为文字列表", "follow_ups")
    enemies = _texts(raw.get("enemies"))
    if enemies is None:
        bad("互斥题 enemies 应为题号列表", "enemies")
    try:
        status = Status(str(raw.get("status", "active")))
    except ValueError:
        bad("状态 status 应为 active（启用）或 retired（停用）", "status")
        status = Status.ACTIVE
    if problems:
        return None, problems
    assert points is not None and follow_ups is not None and enemies is not None  # else a problem was added
    return DefenceQuestion(qid, level, function, codes, question, points, tuple(rubric), follow_ups, enemies,
                           status, str(raw.get("source") or ""), origin), []


def read_defence_file(path: str | Path, standard: Standard) -> tuple[list[DefenceQuestion], list[Problem]]:
    """Return the questions of one YAML file and every problem found in it."""
    path = Path(path)
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return [], [Problem(f"不是合法的 YAML：{exc}", file=str(path))]
    if not isinstance(raw, dict) or not isinstance(raw.get("defence"), list):
        return [], [Problem("答辩题文件应为包含 defence 列表的映射", file=str(path))]
    out, problems = [], []
    for i, entry in enumerate(raw["defence"], 1):
        q, found = parse_defence(entry, standard, Origin(str(path), row=i))
        problems += found
        if q is not None:
            out.append(q)
    return out, problems


def read_defence_bank(paths: list[str | Path] | None, standard: Standard) -> tuple[list[DefenceQuestion], list[Problem]]:
    """Return the questions of the given files/folders (default question_bank/defence/) and every
    problem: per-question ones, duplicate ids and enemies that name no question."""
    files: list[Path] = []
    for p in (paths or [DEFENCE_DIR]):
        p = Path(p)
        files += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    questions, problems = [], []
    for f in files:
        if f.name == "materials.yaml":  # the 申报材料 rubric, read by load_materials_rubric
            continue
        qs, found = read_defence_file(f, standard)
        questions += qs
        problems += found
    seen: dict[str, DefenceQuestion] = {}
    for q in questions:
        here = q.origin or Origin("")
        if q.id in seen:
            problems.append(Problem(f"题号 {q.id} 重复（另见 {(seen[q.id].origin or here).describe()}）",
                                    file=here.file, row=here.row, column="id"))
        seen.setdefault(q.id, q)
    for q in questions:
        missing = [e for e in q.enemies if e not in seen]
        if missing:
            here = q.origin or Origin("")
            problems.append(Problem(f"互斥题 {'、'.join(missing)} 不存在", file=here.file, row=here.row,
                                    column="enemies"))
    return questions, problems


def load_defence_bank(paths: list[str | Path] | None, standard: Standard) -> list[DefenceQuestion]:
    """Return the questions; raise DataError listing every problem when any is an error."""
    questions, problems = read_defence_bank(paths, standard)
    if any(p.severity == "error" for p in problems):
        raise DataError(problems, title="答辩题库有误")
    return questions


def dump_defence(questions: list[DefenceQuestion]) -> str:
    """Return the YAML text of a defence file holding the questions."""
    return yaml.safe_dump({"defence": [q.to_dict() for q in questions]}, allow_unicode=True, sort_keys=False,
                          width=100)


def defence_capacity(questions: list[DefenceQuestion]) -> dict[str, int]:
    """Return {"2/review": n, "1/review": n}: active 答辩题 per level (the bank-stats capacity keys)."""
    return {f"{lv}/review": sum(1 for q in questions if q.active and q.level == lv) for lv in DEFENCE_LEVELS}
