"""`bank stats --level/--direction`: the gap list and capacity of what a bank is for, the
combinations it serves at all, capacity under every paper structure, and a note when most items
carry the default difficulty (issue 21)."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace

from ..blueprint import all_blueprints, combination_label
from ..errors import InputError
from ..rules import DEFAULT_DIFFICULTY_SHARE, DEFAULT_LABEL
from ..standard import BASIC_FUNCTIONS, Kind, Standard, parse_direction, parse_level
from ..structure import list_structures
from .models import Bank
from .stats import (
    BankStats,
    bank_stats,
    confirmed_capacity,
    stats_text,
    theory_capacity,
)


@dataclass(frozen=True)
class StructureCapacity:
    """The theory capacity of one level/direction under one paper structure (disjoint forms by
    counting, or confirmed by assembling them under --exact)."""

    combination: str  # its label, e.g. 四级 创意策划
    forms: int
    binding: str  # the cell that limits it, in authors' terms


@dataclass(frozen=True, kw_only=True)
class ScopedStats:
    stats: BankStats  # gap list and capacity narrowed to the scope
    scope: tuple[tuple[str, str | None], ...]  # the (level, direction) combinations reported
    serves: tuple[str, ...]  # labels of the combinations with at least one theory or skill form
    structures: dict[str, tuple[StructureCapacity, ...]]  # structure name -> theory capacity per combination
    default_difficulty: tuple[int, int]  # (items at difficulty 3 without p, objective items)
    exact: bool = False  # the capacities were confirmed by assembling the forms

    @property
    def difficulty_note(self) -> str:
        plain, total = self.default_difficulty
        if total and plain / total > DEFAULT_DIFFICULTY_SHARE:
            return (f"{plain}/{total} 道客观题难度为默认值 3 且无通过率数据：组卷的难度目标只是名义上满足，"
                    "请按实际填写难度，或考后录入通过率。")
        return ""


def scope_combinations(std: Standard, level: object | None, direction: object | None) -> list[tuple[str, str | None]]:
    """Return the (level, direction) columns a --level/--direction choice covers; raise InputError if none."""
    combos = std.valid_combinations()
    if level in (None, ""):
        if direction not in (None, ""):
            raise InputError("指定职业方向（--direction）时须同时指定等级（--level）。")
        return combos
    lv = parse_level(level)
    d = parse_direction(direction, std) if direction not in (None, "") else None
    out = [(cl, cd) for cl, cd in combos if cl == lv and (d is None or cd in (None, d))]
    if d is not None and lv not in std.direction(d).levels:
        raise InputError(f"{std.level(lv).label} 没有「{std.direction(d).name}」职业方向。")
    return out


def scoped_stats(bank: Bank, std: Standard, level: object | None = None, direction: object | None = None,
                 exact: bool = False) -> ScopedStats:
    """Return the stats narrowed to a level (and direction). Raises InputError for an impossible choice."""
    combos = scope_combinations(std, level, direction)
    full = bank_stats(bank, std, exact=exact)
    keys = {f"{lv}{d or ''}" for lv, d in combos}
    serving = {c.key.split("/")[0] for c in full.capacity if c.forms > 0}
    serves = tuple(combination_label(std, lv, d) for lv, d in std.valid_combinations() if f"{lv}{d or ''}" in serving)
    allowed: set[tuple[str | None, str, str]] = set()  # (level, function, kind)
    for lv, d in combos:
        for kind in (Kind.THEORY, Kind.SKILL):
            for fn in std.examined_functions(kind, lv, d):
                allowed.add((lv, fn.name, kind.value))
    gaps = tuple(u for u in full.uncovered
                 if u.function in BASIC_FUNCTIONS or (u.level, u.function, u.kind.value) in allowed)
    capacity = tuple(c for c in full.capacity if c.key.split("/")[0] in keys)
    # the default structure's theory figures are full.capacity's (already confirmed under --exact)
    default = {(bp, c.key): c for bp, c in zip(all_blueprints(std, Kind.THEORY),
                                               (c for c in full.capacity if c.key.endswith("/theory")))}
    structures: dict[str, tuple[StructureCapacity, ...]] = {}
    for name in list_structures():
        rows = []
        for bp in all_blueprints(std, Kind.THEORY, name):
            key = f"{bp.level}{bp.direction or ''}"
            if key in keys:
                known = default.get((bp, f"{key}/theory"))
                if known is not None:
                    forms, binding = known.forms, known.binding
                else:
                    forms, binding = theory_capacity(bank, bp, std)
                    if exact:
                        forms, binding = confirmed_capacity(bank, bp, std, forms, binding)
                rows.append(StructureCapacity(combination_label(std, bp.level, bp.direction), forms, binding))
        structures[name] = tuple(rows)
    plain = sum(1 for it in bank.items if it.difficulty == DEFAULT_LABEL and it.p_value is None)
    return ScopedStats(stats=replace(full, uncovered=gaps, capacity=capacity), scope=tuple(combos), serves=serves,
                       structures=structures, default_difficulty=(plain, len(bank.items)), exact=exact)


def scoped_text(s: ScopedStats, std: Standard, scoped: bool) -> str:
    """Return the stats report: served combinations first, then the usual report, then every structure."""
    head = ["本题库可组卷的组合（至少能组 1 套理论或技能试卷）：" + ("、".join(s.serves) if s.serves else "无")]
    if scoped:
        head.append("统计范围：" + "、".join(combination_label(std, lv, d) for lv, d in s.scope)
                    + "（缺口清单和组卷容量只列该范围：其职业功能及基本要求）")
    if s.difficulty_note:
        head.append("难度：" + s.difficulty_note)
    how = "逐一试组卷确认" if s.exact else "按各单元格题量计数；加 --exact 逐一试组卷确认"
    tail = ["", f"各试卷结构下的理论组卷容量（互不重复的套数，{how}）："]
    for name, rows in s.structures.items():
        for r in rows:
            tail.append(f"  {name:<12} {r.combination:<12} {r.forms} 套    受限于 {r.binding}")
    return "\n".join(head) + "\n\n" + stats_text(s.stats, std) + "\n".join(tail) + "\n"


def scoped_json(s: ScopedStats) -> str:
    """Return the stats as JSON, with serves, scope, per-structure capacity and the difficulty note."""
    d = s.stats.to_dict()
    d["serves"] = list(s.serves)
    d["scope"] = [f"{lv}{dd or ''}" for lv, dd in s.scope]
    d["capacity_by_structure"] = {name: {r.combination: r.forms for r in rows} for name, rows in s.structures.items()}
    d["default_difficulty"] = {"items": s.default_difficulty[0], "of": s.default_difficulty[1],
                               "note": s.difficulty_note}
    return json.dumps(d, ensure_ascii=False, indent=2) + "\n"
