"""Assembly of 答辩 sets for the 综合评审: disjoint, seeded, exact points per function.

Each set holds, for every function of the review blueprint, that function's number of questions,
each worth exactly the structure's points_each. Sets share no question; a set holds no two
questions that are each other's enemies; questions used in recent sessions (the ledger) are left
out. The draw is a seeded shuffle of each function's pool, so the same seed gives the same sets.
"""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import yaml

from .bank.defence import DEFENCE_DIR, DefenceQuestion
from .errors import DataError, InfeasibleError, Problem
from .form import MANIFEST_VERSION
from .review_blueprint import ReviewBlueprint
from .yaml_safe import load_yaml_file


class ReviewKind:
    """The kind of a 答辩 set: stands in for Kind where forms are recorded or listed (ledger,
    batch summary), which read kind.value and kind.label."""

    value = "review"
    label = "综合评审"

    def __repr__(self) -> str:
        return "REVIEW_KIND"


REVIEW_KIND = ReviewKind()


def set_code(level: str, seed: int, number: int, prefix: str = "") -> str:
    """Return the code of the number-th 答辩 set (from 1): R<level>-<seed>-<nn>."""
    return f"{prefix}R{level}-{seed}-{number:02d}"


@dataclass(frozen=True)
class DefenceEntry:
    number: int
    id: str
    function: str
    code: str  # skill-requirement codes joined by "、"
    points: float


@dataclass(frozen=True)
class MaterialElement:
    material: str  # 技术总结/论文 | 业绩材料
    element: str
    points: Fraction
    standard: str


@dataclass(frozen=True)
class DefenceSet:
    code: str
    level: str
    title: str
    seed: int
    bank_hash: str
    blueprint_hash: str
    created: str
    duration_minutes: int
    panel_size: int
    parts: tuple[tuple[str, str, int], ...]  # (code, name, points)
    entries: tuple[DefenceEntry, ...]
    session: str = ""
    direction: None = None
    kind: ReviewKind = field(default=REVIEW_KIND, compare=False)

    def ids(self) -> list[str]:
        return [e.id for e in self.entries]

    def to_manifest(self) -> dict:
        """Return the manifest of the set (the JSON the panel documents are rendered from)."""
        funcs: dict = {}
        for e in self.entries:
            f = funcs.setdefault(e.function, {"count": 0, "points": 0})
            f["count"] += 1
            f["points"] += e.points
        return {
            "manifest_version": MANIFEST_VERSION, "form": self.code, "session": self.session,
            "title": self.title, "level": self.level, "direction": None, "kind": "review",
            "structure": None, "seed": self.seed, "bank_hash": self.bank_hash,
            "blueprint_hash": self.blueprint_hash, "created": self.created,
            "duration_minutes": self.duration_minutes, "panel_size": self.panel_size,
            "parts": [{"code": c, "name": n, "points": p} for c, n, p in self.parts],
            "items": [{"number": e.number, "id": e.id, "type": "defence", "function": e.function,
                       "code": e.code, "points": e.points} for e in self.entries],
            "totals": {"functions": funcs, "points": sum(e.points for e in self.entries)},
        }


def defence_bank_hash(questions: list[DefenceQuestion], materials: list[MaterialElement]) -> str:
    """Return a short content hash of the defence questions and the 申报材料 rubric."""
    blob = json.dumps([q.to_dict() for q in sorted(questions, key=lambda q: q.id)]
                      + [[m.material, m.element, str(m.points), m.standard] for m in materials],
                      ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def load_materials_rubric(path: str | Path | None = None, total: int | None = None) -> list[MaterialElement]:
    """Return the 申报材料 review rubric (question_bank/defence/materials.yaml by default).

    Raises DataError naming every malformed element, or when the points do not add up to total.
    """
    path = Path(path or DEFENCE_DIR / "materials.yaml")
    title = "申报材料评分细则有误"
    try:
        raw = load_yaml_file(path)
    except OSError:
        raise DataError([Problem("找不到申报材料评分细则文件", file=str(path))], title) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(f"不是合法的 YAML：{exc}", file=str(path))], title) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("materials"), list):
        raise DataError([Problem("应为包含 materials 列表的映射", file=str(path))], title)
    out, problems = [], []
    for i, m in enumerate(raw["materials"], 1):
        name = str(m.get("material") or "").strip() if isinstance(m, dict) else ""
        elements = m.get("elements") if isinstance(m, dict) else None
        if not name or not isinstance(elements, list):
            problems.append(Problem("每类材料应有 material（名称）和 elements（评审要素列表）", file=str(path), row=i))
            continue
        for k, e in enumerate(elements, 1):
            try:
                pts = Fraction(str(e["points"]))
                if pts <= 0 or not str(e["element"]).strip() or not str(e["standard"]).strip():
                    raise ValueError
            except (KeyError, TypeError, ValueError):
                problems.append(Problem(f"「{name}」第 {k} 个评审要素应有 element、正数 points 和 standard",
                                        file=str(path), row=i, column="elements"))
                continue
            out.append(MaterialElement(name, str(e["element"]).strip(), pts, str(e["standard"]).strip()))
    got = sum((e.points for e in out), Fraction(0))
    if not problems and total is not None and got != total:
        problems.append(Problem(f"评审要素配分合计 {float(got):g} 分，应等于申报材料审阅部分的 {total} 分", file=str(path)))
    if problems:
        raise DataError(problems, title)
    return out


def assemble_defence_sets(questions: list[DefenceQuestion], bp: ReviewBlueprint, forms: int, seed: int, *,
                          bank_hash: str, excluded: frozenset = frozenset(), created: str | None = None,
                          session: str = "", code_prefix: str = "") -> list[DefenceSet]:
    """Return `forms` disjoint 答辩 sets meeting the blueprint exactly.

    Raises InfeasibleError naming every function whose pool is too small.
    """
    each = bp.structure.points_each
    by_id = {q.id: q for q in questions}
    rng = random.Random(seed)
    short, drawn = [], {}
    for f in bp.functions:
        pool = sorted((q for q in questions if q.active and q.level == bp.level and q.function == f.name
                       and q.points == each and q.id not in excluded), key=lambda q: q.id)
        rng.shuffle(pool)
        sets: list[list[DefenceQuestion]] = []
        left = list(pool)
        for _ in range(forms):
            chosen: list[DefenceQuestion] = []
            for q in list(left):
                if len(chosen) == f.questions:
                    break
                if any(q.id in c.enemies or c.id in q.enemies for c in chosen):
                    continue
                chosen.append(q)
                left.remove(q)
            sets.append(chosen)
        if any(len(s) < f.questions for s in sets):
            short.append(f"「{f.name}」需要 {forms} 套 × {f.questions} 题（每题 {each} 分），"
                         f"可用 {len(pool)} 题" + (f"（已排除近期用过的 {sum(1 for q in questions if q.id in excluded and q.function == f.name)} 题）" if excluded else ""))
        drawn[f.name] = sets
    if short:
        raise InfeasibleError(f"{bp.title}：答辩题不足，无法组成 {forms} 套互不重复的答辩题：" + "；".join(short) + "。请补充答辩题或减少套数。")
    when = created or datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    parts = tuple((p.code, p.name, p.points) for p in bp.structure.parts)
    out = []
    for k in range(forms):
        entries, n = [], 0
        for f in bp.functions:
            for q in sorted(drawn[f.name][k], key=lambda q: q.id):
                n += 1
                entries.append(DefenceEntry(n, q.id, q.function, "、".join(q.codes), float(by_id[q.id].points)))
        code = set_code(bp.level, seed, k + 1, code_prefix)
        out.append(DefenceSet(code, bp.level, bp.title, seed, bank_hash, bp.hash, when, bp.duration_minutes,
                              bp.panel_size, parts, tuple(entries), session))
    return out


def review_capacity(questions: list[DefenceQuestion], bp: ReviewBlueprint) -> tuple[int, str]:
    """Return (sets, binding function): how many disjoint 答辩 sets the questions support under the
    blueprint, confirmed by assembling them (enemies can lower the count below the quotient)."""
    each = bp.structure.points_each
    quotients = []
    for f in bp.functions:
        pool = sum(1 for q in questions if q.active and q.level == bp.level and q.function == f.name and q.points == each)
        quotients.append((pool // f.questions, f"{f.name}（每套 {f.questions} 题，每题 {each} 分，可用 {pool} 题）"))
    forms, binding = min(quotients) if quotients else (0, "—")
    while forms > 0:
        try:
            assemble_defence_sets(questions, bp, forms, 1, bank_hash="", created="2000-01-01T00:00:00Z")
            return forms, binding
        except InfeasibleError:
            binding = f"按题数可组 {forms} 套，互斥题使实际组卷不成立"
            forms -= 1
    return 0, binding
