"""Blueprints (鉴定要素细目表 / 双向细目表) built from the standard's weight tables.

Default work-content split: a row's points are shared over its work contents in proportion to
their number of knowledge requirements (theory) or skill requirements (skill). For 职业道德 the
shares are 2.1.1 (one) and 2.1.2 (its four rules); for 基础知识, 2.2.1–2.2.6 by their numbered
sub-items. Shares are rounded to 0.5 point by the largest-remainder method, so they add up to
the row's weight exactly. A structure file may override the split (see `split` in README).

The 双向细目表 (function × item type) is an integer program solved exactly by HiGHS: every
function's points equal its weight, every type's count equals the structure, and the total
absolute deviation from the proportional share (function weight × type count / 100), each
type weighted by 1 / its count, is minimal.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from math import floor, lcm
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from .errors import InputError
from .standard import BASIC_FUNCTIONS, Kind, Standard, parse_kind, resolve_choice
from .structure import (
    ItemType,
    PaperStructure,
    load_structure,
    plain_number,
    points_text,
)

SPLIT_UNIT = Fraction(1, 2)


@dataclass(frozen=True)
class WorkContentShare:
    code: str
    name: str
    points: Fraction
    requirements: tuple[str, ...]  # requirement codes an item/task of this share may carry


@dataclass(frozen=True)
class Cell:
    type: ItemType
    count: int
    points: Fraction  # count × the section's point value


@dataclass(frozen=True)
class BlueprintRow:
    name: str
    weight: int
    number: int | None  # the function's number at this level; None for 职业道德/基础知识
    work_contents: tuple[WorkContentShare, ...]
    cells: tuple[Cell, ...] = ()

    @property
    def is_basic(self) -> bool:
        return self.number is None

    def cell(self, t: ItemType) -> Cell:
        return next((c for c in self.cells if c.type is t), Cell(t, 0, Fraction(0)))

    @property
    def count(self) -> int:
        return sum(c.count for c in self.cells)


@dataclass(frozen=True, kw_only=True)
class Blueprint:
    level: str
    direction: str | None
    kind: Kind
    structure: PaperStructure | None
    total_points: int
    duration_minutes: int
    rows: tuple[BlueprintRow, ...]
    title: str  # e.g. 全媒体运营师（四级/中级工）创意策划方向

    def row(self, name: str) -> BlueprintRow | None:
        return next((r for r in self.rows if r.name == name), None)

    def to_dict(self) -> dict:
        """Return the JSON contract of a blueprint."""
        out: dict[str, Any] = {
            "level": self.level, "direction": self.direction, "kind": self.kind.value,
            "structure": self.structure.name if self.structure else None,
            "total_points": self.total_points, "duration_minutes": self.duration_minutes,
            "title": self.title,
            "functions": [],
        }
        for r in self.rows:
            fn = {"name": r.name, "weight": r.weight,
                  "work_contents": [{"code": w.code, "name": w.name, "points": plain_number(w.points)}
                                    for w in r.work_contents]}
            if self.kind is Kind.THEORY:
                fn["cells"] = {c.type.value: {"count": c.count, "points": plain_number(c.points)} for c in r.cells}
            out["functions"].append(fn)
        if self.structure is not None:
            out["sections"] = [{"type": s.type.value, "count": s.count, "points": plain_number(s.points)}
                               for s in self.structure.sections]
        return out

    @property
    def hash(self) -> str:
        """Return a short content hash of the blueprint (recorded in every form)."""
        blob = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def largest_remainder(total: Fraction, shares: list[int], unit: Fraction = SPLIT_UNIT) -> list[Fraction]:
    """Return total split in proportion to shares, in multiples of unit, summing exactly to total.

    Ties in the remainders go to the earlier share.
    """
    units = int(total / unit)
    s = sum(shares)
    if s == 0:
        shares, s = [1] * len(shares), len(shares)
    exact = [Fraction(units * x, s) for x in shares]
    base = [floor(e) for e in exact]
    left = units - sum(base)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - base[i]), i))
    for i in order[:left]:
        base[i] += 1
    return [b * unit for b in base]


def _basic_shares(standard: Standard, name: str) -> list[tuple[str, str, int, tuple[str, ...]]]:
    sec = standard.basic_section(name)
    if sec is None:
        raise InputError(f"职业标准中没有基本要求部分「{name}」")
    return [(it.code, it.name, max(1, len(it.subitems)), it.codes()) for it in sec.items]


def _function_shares(fn, kind: Kind) -> list[tuple[str, str, int, tuple[str, ...]]]:
    out = []
    for wc in fn.work_contents:
        reqs = wc.knowledge if kind is Kind.THEORY else wc.skills
        out.append((wc.code, wc.name, len(reqs), tuple(r.code for r in reqs)))
    return out


def _check_split(override: dict, row: str, shares, weight: int) -> dict[str, Fraction]:
    codes = [c for c, *_ in shares]
    if not isinstance(override, dict):
        raise InputError(f"「{row}」的分值拆分应为「工作内容代码: 分值」的映射。")
    try:
        pts = {str(k): Fraction(str(v)) for k, v in override.items()}
        if any(v < 0 for v in pts.values()):
            raise ValueError
    except (ValueError, TypeError, OverflowError, ZeroDivisionError):
        raise InputError(f"「{row}」的工作内容分值应为不小于 0 的数字。") from None
    unknown = sorted(set(pts) - set(codes))
    if unknown:
        raise InputError(f"「{row}」的分值拆分含有不存在的工作内容 {'、'.join(unknown)}；可用 {'、'.join(codes)}。")
    total = sum(pts.values(), Fraction(0))
    if total != weight:
        raise InputError(f"「{row}」的工作内容分值合计 {points_text(total)} 分，应等于权重 {weight} 分。")
    return {c: pts.get(c, Fraction(0)) for c in codes}


def build_blueprint(standard: Standard, level: object, direction: object | None, kind: object,
                    structure: str | PaperStructure | None = None,
                    split: dict | None = None) -> Blueprint:
    """Return the blueprint for a level, direction and kind.

    `split` optionally overrides the work-content split: {row name: {work-content code: points}}.
    Raises InputError for an impossible choice or a structure that cannot meet the weights.
    """
    kind = parse_kind(kind) if not isinstance(kind, Kind) else kind
    lv, d = resolve_choice(standard, level, direction)
    st = None
    if kind is Kind.THEORY:
        st = structure if isinstance(structure, PaperStructure) else load_structure(structure)
    split = split or {}
    if not isinstance(split, dict):
        raise InputError("分值拆分应为「职业功能: {工作内容代码: 分值}」的映射。")
    names = [name for name, _ in standard.weights(kind, lv, d)]
    unknown = [str(k) for k in split if k not in names]
    if unknown:
        raise InputError(f"分值拆分含有本蓝图没有的职业功能 {'、'.join(unknown)}；可用 {'、'.join(names)}。")
    rows: list[BlueprintRow] = []
    def order(entry):  # the standard's order: basics first, then functions by number
        fn = standard.function(lv, entry[0])
        return (1, fn.number) if fn else (0, BASIC_FUNCTIONS.index(entry[0]))

    for name, weight in sorted(standard.weights(kind, lv, d), key=order):
        fn = standard.function(lv, name)
        shares = _basic_shares(standard, name) if name in BASIC_FUNCTIONS else _function_shares(fn, kind)
        if name in split:
            chosen = _check_split(split[name], name, shares, weight)
            pts = [chosen[c] for c, *_ in shares]
        else:
            pts = largest_remainder(Fraction(weight), [n for _, _, n, _ in shares])
        wcs = tuple(WorkContentShare(c, n, p, reqs) for (c, n, _, reqs), p in zip(shares, pts))
        rows.append(BlueprintRow(name, weight, fn.number if fn else None, wcs))
    if st is not None:
        rows = _with_cells(rows, st)
    level_obj = standard.level(lv)
    title = f"{standard.name}（{level_obj.label}）"
    if d:
        title += f"{standard.direction(d).name}方向"
    duration = st.duration_minutes if st else standard.assessment.skill_minutes
    return Blueprint(level=lv, direction=d, kind=kind, structure=st, total_points=standard.assessment.full_marks,
                     duration_minutes=duration, rows=tuple(rows), title=title)


def _representable(weight: Fraction, values: list[Fraction]) -> bool:
    scale = lcm(*(v.denominator for v in values + [weight]))
    target = int(weight * scale)
    vals = [int(v * scale) for v in values]
    reach = [False] * (target + 1)
    reach[0] = True
    for i in range(1, target + 1):
        reach[i] = any(i >= v and reach[i - v] for v in vals)
    return reach[target]


def _with_cells(rows: list[BlueprintRow], st: PaperStructure) -> list[BlueprintRow]:
    """Return the rows with their cells (items of each type per function) for the structure.

    Raises InputError when a weight cannot be made of the structure's item points or the counts cannot
    meet every weight."""
    sections = list(st.sections)
    values = [s.points for s in sections]
    bad = [r for r in rows if not _representable(Fraction(r.weight), values)]
    if bad:
        vals = "、".join(f"{s.type.label} {points_text(s.points)} 分" for s in sections)
        raise InputError("；".join(f"「{r.name}」的权重 {r.weight} 分无法由试卷结构「{st.name}」的题分（{vals}）凑成"
                                  for r in bad) + "。请调整试卷结构的每题分值。")
    x = _cell_counts(tuple(int(r.weight) for r in rows), tuple((s.points, s.count) for s in sections))
    if x is None:
        raise InputError(f"试卷结构「{st.name}」的题量无法同时满足各职业功能的权重：请增加题量或调整每题分值。")
    nt = len(sections)
    out = []
    for fi, r in enumerate(rows):
        cells = tuple(Cell(s.type, x[fi * nt + ti], x[fi * nt + ti] * s.points) for ti, s in enumerate(sections))
        out.append(BlueprintRow(r.name, r.weight, r.number, r.work_contents, cells))
    return out


@lru_cache(maxsize=256)
def _cell_counts(weights: tuple[int, ...], sections: tuple[tuple[Fraction, int], ...]) -> tuple[int, ...] | None:
    """Return the items per (function, section) cell, row by row, that meet every function's weight
    and every section's count while staying closest to the proportional ideal; None if no split
    exists. A pure function of the weights and the sections, so solved once per process."""
    values = [p for p, _ in sections]
    nf, nt = len(weights), len(sections)
    nx = nf * nt
    # variables: x (nx, integer) then d+ (nx) then d- (nx)
    nvar = 3 * nx
    total_w = sum(weights)
    c = np.zeros(nvar)
    A: list[np.ndarray] = []
    lo: list[float] = []
    hi: list[float] = []
    scale = lcm(*(v.denominator for v in values))
    for fi, weight in enumerate(weights):  # points per function
        a = np.zeros(nvar)
        for ti, (points, _) in enumerate(sections):
            a[fi * nt + ti] = float(points * scale)
        A.append(a)
        lo.append(weight * scale)
        hi.append(weight * scale)
    for ti, (_, count) in enumerate(sections):  # count per type
        a = np.zeros(nvar)
        for fi in range(nf):
            a[fi * nt + ti] = 1
        A.append(a)
        lo.append(count)
        hi.append(count)
    for fi, weight in enumerate(weights):  # x - ideal = d+ - d-
        for ti, (_, count) in enumerate(sections):
            k = fi * nt + ti
            a = np.zeros(nvar)
            a[k], a[nx + k], a[2 * nx + k] = 1, -1, 1
            ideal = count * weight / total_w
            A.append(a)
            lo.append(ideal)
            hi.append(ideal)
            c[nx + k] = c[2 * nx + k] = 1.0 / count
    integrality = np.concatenate([np.ones(nx), np.zeros(2 * nx)])
    res = milp(c, constraints=LinearConstraint(np.array(A), lo, hi), integrality=integrality,
               bounds=Bounds(0, np.inf))
    if res.status != 0 or res.x is None:
        return None
    return tuple(int(v) for v in np.rint(res.x[:nx]))


def all_blueprints(standard: Standard, kind: Kind, structure: str | None = None) -> list[Blueprint]:
    """Return the blueprint of every valid level/direction for one kind."""
    return [build_blueprint(standard, lv, d, kind, structure) for lv, d in standard.valid_combinations()]


def combination_label(standard: Standard, level: str, direction: str | None) -> str:
    """Return e.g. 四级 创意策划 or 二级."""
    name = standard.level(level).name
    return f"{name} {standard.direction(direction).name}" if direction else name


def work_content_quota(row: BlueprintRow, n_items: int) -> list[tuple[int, int]]:
    """Return (min, max) items per work content of a row holding n_items items.

    Each work content gets its proportional share (n_items × its points ÷ the row's weight)
    rounded down or up; when the row has at least as many items as work contents, every work
    content with points gets at least one.
    """
    shares = [Fraction(n_items) * w.points / row.weight if row.weight else Fraction(0) for w in row.work_contents]
    lo = [floor(s) for s in shares]
    hi = [floor(s) if s.denominator == 1 else floor(s) + 1 for s in shares]
    with_points = [i for i, w in enumerate(row.work_contents) if w.points > 0]
    if n_items >= len(with_points):
        for i in with_points:
            lo[i] = max(lo[i], 1)
            hi[i] = max(hi[i], 1)
    while sum(lo) > n_items:  # only possible through the "at least one" rule; give way on the largest
        i = max(range(len(lo)), key=lambda k: (lo[k] - shares[k], lo[k]))
        lo[i] -= 1
    return list(zip(lo, hi))
