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

from .bank.defence import (
    DefenceQuestion,
    MaterialElement,
)
from .errors import InfeasibleError
from .form import MANIFEST_VERSION
from .review_blueprint import ReviewBlueprint


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


@dataclass(frozen=True, kw_only=True)
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


DRAW_STEPS = 200_000  # search steps before a function's draw is given up as infeasible


def _draw(pool: list[DefenceQuestion], forms: int, k: int) -> list[list[DefenceQuestion]] | None:
    """Return `forms` disjoint groups of k questions from pool, no two enemies in a group, or None.

    Depth-first in pool order, so the first answer is the greedy one whenever greedy succeeds;
    backtracks when enemies make greedy fail, and gives up after DRAW_STEPS steps.
    """
    if len(pool) < forms * k:
        return None
    sets: list[list[DefenceQuestion]] = [[] for _ in range(forms)]
    used: set[str] = set()
    steps = 0

    def fill(i: int, start: int) -> bool:
        nonlocal steps
        if i == forms:
            return True
        if len(sets[i]) == k:
            return fill(i + 1, 0)
        for j in range(start, len(pool)):
            q = pool[j]
            if q.id in used or any(q.id in c.enemies or c.id in q.enemies for c in sets[i]):
                continue
            steps += 1
            if steps > DRAW_STEPS:
                return False
            sets[i].append(q)
            used.add(q.id)
            if fill(i, j + 1):
                return True
            sets[i].pop()
            used.discard(q.id)
        return False

    return sets if fill(0, 0) else None


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
        sets = _draw(pool, forms, f.questions)
        if sets is None:
            left_out = sum(1 for q in questions if q.id in excluded and q.function == f.name)
            short.append(f"「{f.name}」需要 {forms} 套 × {f.questions} 题（每题 {each} 分），可用 {len(pool)} 题"
                         + (f"（已排除近期用过的 {left_out} 题）" if excluded else "")
                         + ("" if len(pool) < forms * f.questions else "，但互斥题使其无法分成互不重复的各套"))
            continue
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
        out.append(DefenceSet(code=code, level=bp.level, title=bp.title, seed=seed, bank_hash=bank_hash,
                              blueprint_hash=bp.hash, created=when, duration_minutes=bp.duration_minutes,
                              panel_size=bp.panel_size, parts=parts, entries=tuple(entries), session=session))
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
