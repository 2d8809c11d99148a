"""Return what the 题库 page shows: the bank by level → function → requirement with counts per
type (the coverage heat map), its status counts, and search. Counting only; the bank and the
standard decide everything."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..bank.models import Bank, Item, Status, Task
from ..standard import BASIC_FUNCTIONS, Standard
from ..structure import THEORY_TYPES, ItemType

BASIC = "basic"  # the tab of 职业道德/基础知识 items, which serve every level
TYPES = (*THEORY_TYPES, ItemType.TASK)


@dataclass(frozen=True)
class RequirementRow:
    code: str
    text: str  # the knowledge requirement (or, for a skill-only code, the skill requirement)
    skill_text: str
    counts: tuple[int | None, ...]  # per TYPES; None where the type cannot carry this code

    @property
    def total(self) -> int:
        return sum(c or 0 for c in self.counts)


@dataclass(frozen=True)
class FunctionNode:
    name: str
    number: int | None
    rows: tuple[RequirementRow, ...]

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(r.counts[i] or 0 for r in self.rows) for i in range(len(TYPES)))

    @property
    def gaps(self) -> int:
        """Return the number of requirements no active item or task carries."""
        return sum(1 for r in self.rows if r.total == 0)


def _records(bank: Bank) -> list[Item | Task]:
    return [*bank.items, *bank.tasks]


def status_counts(bank: Bank) -> dict[str, int]:
    """Return {status label: number of items and tasks} for every status that occurs."""
    c = Counter(x.status for x in _records(bank))
    return {s.label: c[s] for s in Status if c[s]}


def type_counts(bank: Bank) -> dict[str, int]:
    """Return {type label: number of active items and tasks}."""
    c = Counter(x.type for x in _records(bank) if x.active)
    return {t.label: c[t] for t in TYPES}


def _usage(bank: Bank) -> Counter:
    counts: Counter = Counter()
    for x in _records(bank):
        if not x.active:
            continue
        for code in (x.codes if isinstance(x, Task) else (x.code,)):
            counts[(x.level or BASIC, x.function, code, x.type)] += 1
    return counts


def bank_tree(bank: Bank, standard: Standard, level: str) -> list[FunctionNode]:
    """Return the level's functions (or, for level "basic", 职业道德 and 基础知识) with one row per
    requirement and the number of active items of each type carrying its code."""
    usage = _usage(bank)
    nodes: list[FunctionNode] = []
    if level == BASIC:
        for name in BASIC_FUNCTIONS:
            codes = standard.knowledge_codes(standard.levels[0].code, name)
            rows = [RequirementRow(code, text, "", tuple(usage[(BASIC, name, code, t)] if t in THEORY_TYPES else None
                                                         for t in TYPES)) for code, text in codes.items()]
            nodes.append(FunctionNode(name, None, tuple(rows)))
        return nodes
    for fn in standard.functions_at(level):
        knowledge = {r.code: r.text for r in fn.knowledge()}
        skills = {r.code: r.text for r in fn.skills()}
        rows = []
        for code in dict.fromkeys([*knowledge, *skills]):
            counts = tuple((usage[(level, fn.name, code, t)] if (code in skills if t is ItemType.TASK else code in knowledge)
                            else None) for t in TYPES)
            rows.append(RequirementRow(code, knowledge.get(code) or skills.get(code, ""), skills.get(code, ""), counts))
        nodes.append(FunctionNode(fn.name, fn.number, tuple(rows)))
    return nodes


def heat_class(count: int | None) -> str:
    """Return the CSS class of a heat-map cell: na (type not applicable), h0 (a gap) … h4 (ten or more)."""
    if count is None:
        return "na"
    for cls, bound in (("h0", 0), ("h1", 2), ("h2", 5), ("h3", 9)):
        if count <= bound:
            return cls
    return "h4"


def _text(x: Item | Task) -> str:
    if isinstance(x, Task):
        return " ".join([x.title, x.task, *x.quality, *(r.element for r in x.rubric)])
    return " ".join([x.stem, *(t for _, t in x.options), x.explanation])


def search(bank: Bank, query: str, limit: int = 200) -> tuple[list[Item | Task], int]:
    """Return (up to limit matches, number of matches) for a query matching an id or code (exact
    or as a prefix, any case) or a piece of the text (stem, options, explanation; a task's title,
    task, quality and rubric). Matches by id or code come first."""
    q = query.strip()
    if not q:
        return [], 0
    ql = q.lower()
    by_tag = [x for x in _records(bank) if x.id.lower().startswith(ql)
              or any(c.startswith(q) for c in (x.codes if isinstance(x, Task) else (x.code,)))]
    seen = {x.id for x in by_tag}
    by_text = [x for x in _records(bank) if x.id not in seen and ql in _text(x).lower()]
    found = by_tag + by_text
    return found[:limit], len(found)
