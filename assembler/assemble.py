"""Assemble forms that meet a blueprint exactly: one integer program over N parallel forms.

Hard constraints per theory form: every 双向细目表 cell has its count; every work content gets
its proportional quota (see blueprint.work_content_quota); no item twice; no two enemies;
retired and excluded items never used; difficulty meets the target; 40–60% of judge items are √.
Across forms: every pair shares at most R items. Skill forms: each function's tasks' 配分 sum to
its weight exactly. The seed sets the random objective (tie-breaking), the option permutations
and the paper order, so the same seed and bank give the same forms.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from math import ceil, floor

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from .bank.models import LETTERS, TRUE_MARK, Bank, Item, Status, Task, item_serves
from .blueprint import Blueprint, combination_label, work_content_quota
from .errors import InfeasibleError, InputError
from .exact_sets import disjoint_exact_sets
from .form import Form, FormEntry
from .rules import (
    DEFAULT_P_TOLERANCE,
    DEFAULT_TARGET_MEAN,
    DEFAULT_TARGET_TOLERANCE,
    JUDGE_TRUE_SHARE,
    MAX_EQUAL_RUN,
    SINGLE_LETTERS,
    difficulty_band,
    label_p,
    ratio_band_tolerance,
)
from .standard import Kind, Standard, work_content_of
from .structure import ItemType


def item_p(item) -> float:
    """Return an item's observed facility p, or the p its difficulty label stands for (rules.LABEL_P)."""
    p = getattr(item, "p_value", None)
    return float(p) if p is not None else label_p(item.difficulty)


@dataclass(frozen=True)
class DifficultyTarget:
    """A mean label with a tolerance, an 易:中:难 ratio (易 = 1–2, 中 = 3, 难 = 4–5), or, with
    scale "p", a mean facility p with a tolerance (observed p where known, LABEL_P otherwise)."""

    mean: float = DEFAULT_TARGET_MEAN
    tolerance: float = DEFAULT_TARGET_TOLERANCE
    ratio: tuple[int, ...] | None = None  # easy:medium:hard, three parts
    scale: str = "label"  # "label" (difficulty 1–5) or "p" (facility 0–1)

    @property
    def uses_p(self) -> bool:
        return self.scale == "p" and not self.ratio

    def value(self, item) -> float:
        """Return what the target averages for one item: its p (scale p) or its label."""
        return item_p(item) if self.uses_p else float(item.difficulty)

    def describe(self) -> str:
        if self.ratio:
            return f"易:中:难 = {self.ratio[0]}:{self.ratio[1]}:{self.ratio[2]}"
        if self.uses_p:
            return f"平均通过率 p = {self.mean:g} ± {self.tolerance:g}"
        return f"平均难度 {self.mean:g} ± {self.tolerance:g}"

    def bands(self, n: int) -> list[tuple[int, int]]:
        """Return (min, max) counts of easy, medium and hard items in a form of n items (ratio targets only)."""
        assert self.ratio is not None, "bands() is for ratio targets"
        total = sum(self.ratio)
        tol = ratio_band_tolerance(n)
        out = []
        for part in self.ratio:
            ideal = n * part / total
            out.append((max(0, floor(ideal) - tol), min(n, ceil(ideal) + tol)))
        return out


def parse_difficulty(text: str | None) -> DifficultyTarget:
    """Return a target from "3", "3.2±0.2", "3.2:0.2", a ratio "3:5:2", or an observed-facility
    target "p=0.65±0.05" (tolerance 0.05 when left out). Raises InputError."""
    if text is None or str(text).strip() == "":
        return DifficultyTarget()
    s = str(text).strip().replace("：", ":").replace("+-", "±").replace("＝", "=").replace(" ", "")
    if s[:2].lower() == "p=":
        try:
            m, _, t = s[2:].partition("±")
            mean, tol = float(m), float(t) if t else DEFAULT_P_TOLERANCE
            if not (0 < mean < 1) or not (0 <= tol < 0.5):
                raise ValueError
            return DifficultyTarget(mean, tol, scale="p")
        except ValueError:
            raise InputError(f"难度目标「{text}」无效：通过率目标写作 p=0.65±0.05（p 在 0 与 1 之间）。") from None
    parts = s.split(":")
    try:
        if len(parts) == 3:
            ratio = tuple(int(p) for p in parts)
            if min(ratio) < 0 or sum(ratio) == 0:
                raise ValueError
            return DifficultyTarget(ratio=ratio)
        if "±" in s:
            m, t = s.split("±")
        elif len(parts) == 2:
            m, t = parts
        else:
            m, t = s, str(DEFAULT_TARGET_TOLERANCE)
        mean, tol = float(m), float(t)
        if not (1 <= mean <= 5) or not 0 <= tol <= 4:  # (NaN and inf fail this too)
            raise ValueError
        return DifficultyTarget(mean, tol)
    except ValueError:
        raise InputError(f"难度目标「{text}」无效：填平均难度（如 3 或 3.2±0.2）、易:中:难比例（如 3:5:2），"
                         "或平均通过率（如 p=0.65±0.05）。") from None


@dataclass(frozen=True)
class AssemblyOptions:
    max_overlap: int | None = None  # None: 0, and if the bank cannot, say the smallest that works
    difficulty: DifficultyTarget = field(default_factory=DifficultyTarget)
    excluded: frozenset = frozenset()  # item ids to leave out (e.g. used in recent sessions)
    excluded_reason: str = "近期考试已用"
    created: str | None = None  # pin the creation time (ISO 8601) for reproducible outputs
    session: str = ""
    code_prefix: str = ""
    time_limit: float = 300.0
    balance_answers: bool = True


def assemble_forms(bank: Bank, blueprint: Blueprint, n_forms: int, seed: int,
                   options: AssemblyOptions | None = None, standard: Standard | None = None) -> list[Form]:
    """Return n_forms forms meeting the blueprint exactly, reproducible from the seed.

    Raises InfeasibleError naming every short cell when the bank is too small, or the smallest
    overlap that would work when the forms cannot be disjoint; InputError for bad options.
    """
    from .seal import seal_form
    from .standard import load_standard

    opts = options or AssemblyOptions()
    std = standard or load_standard()
    if n_forms < 1:
        raise InputError("套数（--forms）至少为 1。")
    if opts.max_overlap is not None and opts.max_overlap < 0:
        raise InputError("最大重复题数（--max-overlap）不能为负数。")
    if blueprint.kind is Kind.THEORY:
        problem: _Problem = _TheoryProblem(bank, blueprint, std, opts)
    else:
        problem = _SkillProblem(bank, blueprint, std, opts)
    chosen = problem.solve(n_forms, seed)
    created = opts.created or datetime.now(UTC).replace(microsecond=0).isoformat()
    forms = []
    for f, picks in enumerate(chosen):
        rng = np.random.default_rng([seed, f, 7])
        entries = problem.entries(picks, rng)
        code = form_code(blueprint, seed, f, opts.code_prefix)
        forms.append(seal_form(Form(code, blueprint.level, blueprint.direction, blueprint.kind,
                          blueprint.structure.name if blueprint.structure else None, blueprint.title, seed,
                          bank.hash, blueprint.hash, created, problem.duration(entries), tuple(entries), opts.session,
                          {"assembly": {**assembly_record(opts, n_forms),
                                        **observed_p_record(opts.difficulty, picks)}}), bank))
    return forms


def assembly_record(opts: AssemblyOptions, n_forms: int) -> dict:
    """Return the assembly parameters a reviewer needs to re-check a form (stored in its manifest)."""
    d = opts.difficulty
    target: dict[str, object] = {"ratio": list(d.ratio)} if d.ratio else {"mean": d.mean, "tolerance": d.tolerance}
    if d.uses_p:
        target["scale"] = "p"
    return {"forms": n_forms, "max_overlap": opts.max_overlap or 0, "difficulty_target": target,
            "excluded_items": len(opts.excluded)}


def target_from_record(record: dict | None) -> DifficultyTarget:
    """Return the difficulty target stored in a manifest's assembly record (default 3 ± 0.3)."""
    t = (record or {}).get("difficulty_target") or {}
    if t.get("ratio"):
        return DifficultyTarget(ratio=tuple(int(x) for x in t["ratio"]))
    if t.get("scale") == "p":
        return DifficultyTarget(float(t["mean"]), float(t.get("tolerance", DEFAULT_P_TOLERANCE)), scale="p")
    return DifficultyTarget(float(t.get("mean", DEFAULT_TARGET_MEAN)),
                            float(t.get("tolerance", DEFAULT_TARGET_TOLERANCE)))


def observed_p_record(target: DifficultyTarget, picks) -> dict:
    """Return, for a facility-p target, how many of a form's items had an observed p and the form's mean p."""
    if not target.uses_p or not picks:
        return {}
    return {"observed_p_items": sum(1 for x in picks if getattr(x, "p_value", None) is not None),
            "mean_p": round(sum(item_p(x) for x in picks) / len(picks), 4)}


def form_code(bp: Blueprint, seed: int, index: int, prefix: str = "") -> str:
    """Return e.g. 4A-T-42-01: level+direction, T(heory)/S(kill), seed, form number."""
    kind = "T" if bp.kind is Kind.THEORY else "S"
    code = f"{bp.level}{bp.direction or ''}-{kind}-{seed}-{index + 1:02d}"
    return f"{prefix}-{code}" if prefix else code


# ---- the shared integer program -------------------------------------------------------------------
DIAGNOSIS_SECONDS = 30.0  # time budget for finding the smallest workable overlap in an error message


class _Timeout(Exception):
    """The solver hit its time limit without finding a solution."""


class _Model:
    """Sparse constraint rows over binary variables x[f, i] (and y for pairwise overlap)."""

    def __init__(self, nvar: int):
        self.nvar = nvar
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def add(self, cols, vals, lo: float, hi: float) -> None:
        r = len(self.lo)
        cols = list(cols)
        if isinstance(vals, (int, float)):
            vals = [vals] * len(cols)
        self.rows += [r] * len(cols)
        self.cols += cols
        self.vals += list(vals)
        self.lo.append(lo)
        self.hi.append(hi)

    def solve(self, c: np.ndarray, integrality: np.ndarray, time_limit: float, upper: np.ndarray | None = None):
        if not self.lo:
            A = coo_matrix((1, self.nvar))
            cons = LinearConstraint(A, [0], [0])
        else:
            A = coo_matrix((self.vals, (self.rows, self.cols)), shape=(len(self.lo), self.nvar)).tocsr()
            cons = LinearConstraint(A, self.lo, self.hi)
        return milp(c, constraints=cons, integrality=integrality,
                    bounds=Bounds(0, upper if upper is not None else 1),
                    options={"time_limit": time_limit, "mip_rel_gap": 0.05, "presolve": True})


class _Problem(ABC):
    """Common machinery: pool, overlap handling, solving and diagnosing; a subclass per paper kind."""

    counting_is_exact = True  # shortages() is a true necessary condition, so it may refuse before solving

    def __init__(self, bank: Bank, bp: Blueprint, std: Standard, opts: AssemblyOptions):
        self.bank, self.bp, self.std, self.opts = bank, bp, std, opts
        self.label = combination_label(std, bp.level, bp.direction)
        self.rows = {r.name: r for r in bp.rows}
        records = self.records()
        self.all_records = records
        self.pool = [x for x in records if x.active and x.id not in opts.excluded]
        self.index = {x.id: i for i, x in enumerate(self.pool)}

    @abstractmethod
    def records(self) -> list:
        """Return the bank records this blueprint may draw from (items or tasks)."""

    @abstractmethod
    def form_size(self) -> int:
        """Return the number of records in one form (an upper bound for skill papers)."""

    @abstractmethod
    def centre_target(self) -> float | None:
        """Return the difficulty sum a form aims at, or None when there is no single centre."""

    @abstractmethod
    def form_constraints(self, model: _Model, off: int, with_difficulty: bool = True) -> None:
        """Add one form's rows to the model; its variables start at column `off`."""

    @abstractmethod
    def cell_supply(self) -> list[tuple[int, int]]:
        """Return (needed per form, available) for every blueprint cell."""

    @abstractmethod
    def shortages(self, n_forms: int) -> list[str]:
        """Return a Chinese line for every count the pool cannot supply to n_forms disjoint forms."""

    @abstractmethod
    def single_form_diagnosis(self, seed: int) -> str:
        """Return why not even one form can be built (a Chinese sentence)."""

    @abstractmethod
    def entries(self, picks: list, rng: np.random.Generator) -> list[FormEntry]:
        """Return the form entries, in paper order, for the picked records."""

    @abstractmethod
    def duration(self, entries) -> int:
        """Return the paper's duration in minutes."""

    def solve(self, n_forms: int, seed: int) -> list[list]:
        overlap = self.opts.max_overlap
        effective = 0 if overlap is None else overlap
        if not self.counting_is_exact:
            return self._solve_then_explain(n_forms, seed, effective)
        shortages = self.shortages(1)
        if shortages:
            raise InfeasibleError(self.shortage_message(shortages, 1))
        if n_forms > 1 and effective == 0:
            shortages = self.shortages(n_forms)
            if shortages:
                smallest = self._smallest_overlap(n_forms, seed)
                raise InfeasibleError(self.shortage_message(shortages, n_forms) + self._overlap_hint(smallest, n_forms))
        try:
            res = self._run(n_forms, effective, seed)
        except _Timeout:
            raise InfeasibleError(f"{self.label} {self.bp.kind.label}：在 {self.opts.time_limit:g} 秒内未能求解，"
                                  "请减少套数或放宽重复限制（--max-overlap）。") from None
        if res is None:
            if n_forms > 1:
                smallest = self._smallest_overlap(n_forms, seed, start=effective + 1)
                raise InfeasibleError(
                    f"{self.label} {self.bp.kind.label}：题库无法组出 {n_forms} 套两两重复不超过 {effective} 题的试卷。"
                    + self.tight_cells_text(n_forms) + self._overlap_hint(smallest, n_forms))
            raise InfeasibleError(self.single_form_diagnosis(seed))
        return res

    def _solve_then_explain(self, n_forms: int, seed: int, effective: int) -> list[list]:
        """Run the exact model first; counting only explains a failure (it can undercount)."""
        try:
            res = self._run(n_forms, effective, seed)
        except _Timeout:
            raise InfeasibleError(f"{self.label} {self.bp.kind.label}：在 {self.opts.time_limit:g} 秒内未能求解，"
                                  "请减少套数或放宽重复限制（--max-overlap）。") from None
        if res is not None:
            return res
        shortages = self.shortages(1)
        if shortages:
            raise InfeasibleError(self.shortage_message(shortages, 1))
        if n_forms > 1:
            smallest = self._smallest_overlap(n_forms, seed, start=effective + 1)
            shortages = self.shortages(n_forms) if effective == 0 else []
            head = (self.shortage_message(shortages, n_forms) if shortages else
                    f"{self.label} {self.bp.kind.label}：题库无法组出 {n_forms} 套两两重复不超过 {effective} 题的试卷。")
            raise InfeasibleError(head + self._overlap_hint(smallest, n_forms))
        raise InfeasibleError(self.single_form_diagnosis(seed))

    def _overlap_hint(self, smallest: tuple[int, int | None, bool] | None, n_forms: int) -> str:
        if smallest is None:
            return f"\n即使允许重复，题库也无法组出 {n_forms} 套试卷，请补充题目。"
        lo, hi, exact = smallest
        if exact:
            return f"\n最少需要允许每两套试卷重复 {lo} 题（--max-overlap {lo}），或补充题目。"
        if hi is not None:
            return (f"\n需要允许每两套试卷重复 {lo}～{hi} 题（--max-overlap {hi} 可行；更小的值在限定时间内未能判定），"
                    "或补充题目。")
        return f"\n至少需要允许每两套试卷重复 {lo} 题（确切值在限定时间内未能求出），或补充题目。"

    def _smallest_overlap(self, n_forms: int, seed: int, start: int = 1,
                          budget: float = DIAGNOSIS_SECONDS) -> tuple[int, int | None, bool] | None:
        """Return (smallest overlap, feasible upper value, exact?) for n_forms, or None if even
        unlimited overlap fails. Binary search on feasibility runs from a counting lower bound,
        within a time budget; when the budget runs out the answer is a bound, said as such."""
        import time

        deadline = time.monotonic() + budget
        size = self.form_size()
        try:
            if self._run(n_forms, size, seed, feasibility=True, time_limit=budget) is None:
                return None
        except _Timeout:
            return (max(start, self.overlap_lower_bound(n_forms)), None, False)
        lo, hi = max(start, self.overlap_lower_bound(n_forms)), size
        known_hi: int | None = None
        while lo < hi:
            mid = (lo + hi) // 2
            left = deadline - time.monotonic()
            if left <= 0:
                return (lo, known_hi, False)
            try:
                ok = self._run(n_forms, mid, seed, feasibility=True, time_limit=min(left, 15.0)) is not None
            except _Timeout:
                return (lo, known_hi, False)
            if ok:
                hi = known_hi = mid
            else:
                lo = mid + 1
        return (hi, hi, True)

    def overlap_lower_bound(self, n_forms: int) -> int:
        """Return a bound no feasible overlap can beat: the items each cell lacks must be shared
        by some pair, and the busiest of the C(n, 2) pairs shares at least their average."""
        pairs = n_forms * (n_forms - 1) // 2
        lacking = sum(max(0, n_forms * need - have) for need, have in self.cell_supply())
        return -(-lacking // pairs) if pairs else 0

    def _run(self, n_forms: int, overlap: int, seed: int, with_difficulty: bool = True,
             feasibility: bool = False, time_limit: float | None = None) -> list[list] | None:
        """Return the chosen records per form, or None if infeasible. Raises _Timeout when the
        time limit passes with no solution."""
        P = len(self.pool)
        pairs = [(f, g) for f in range(n_forms) for g in range(f + 1, n_forms)] if overlap > 0 else []
        nx = n_forms * P
        ny = len(pairs) * P
        centre = self.centre_target() if with_difficulty else None
        nvar = nx + ny + (2 * n_forms if centre is not None else 0)
        model = _Model(nvar)
        for f in range(n_forms):
            self.form_constraints(model, f * P, with_difficulty)
            if centre is not None:  # Σ difficulty − target = s⁺ − s⁻, and s± are penalised below
                sp = nx + ny + 2 * f
                model.add([f * P + i for i in range(P)] + [sp, sp + 1],
                          [self.opts.difficulty.value(x) for x in self.pool] + [-1.0, 1.0], centre, centre)
        if n_forms > 1:
            if overlap == 0:
                for i in range(P):
                    model.add([f * P + i for f in range(n_forms)], 1, 0, 1)
            elif overlap < self.form_size():
                for k, (f, g) in enumerate(pairs):
                    base = nx + k * P
                    for i in range(P):
                        model.add([f * P + i, g * P + i, base + i], [1, 1, -1], -1, 1)
                    model.add(range(base, base + P), 1, 0, overlap)
        rng = np.random.default_rng([seed, 1])
        c = np.zeros(nvar)
        if not feasibility:
            c[:nx] = -rng.random(nx)
        integrality = np.ones(nvar)
        upper = np.ones(nvar)
        if centre is not None:
            # a unit of summed p is worth about six label units (p spans 0.2–0.9 for labels 5–1)
            c[nx + ny:] = 0 if feasibility else (3.0 if self.opts.difficulty.uses_p else 0.5)
            integrality[nx + ny:] = 0
            upper[nx + ny:] = np.inf
        res = model.solve(c, integrality, time_limit or self.opts.time_limit, upper)
        if res.status == 1 and res.x is None:
            raise _Timeout()
        if res.x is None or res.status not in (0, 1):
            return None
        x = np.rint(res.x[:nx]).reshape(n_forms, P)
        return [[self.pool[i] for i in np.flatnonzero(x[f] > 0.5)] for f in range(n_forms)]

    def tight_cells(self, n_forms: int) -> list[tuple[int, str]]:
        """Return (spare items, description) of the cells that limit n disjoint forms (none by default)."""
        return []

    def tight_cells_text(self, n_forms: int, limit: int = 5) -> str:
        """Return the few cells with the least to spare for n forms, as lines after a heading ("" if none)."""
        cells = sorted(self.tight_cells(n_forms))[:limit]
        if not cells:
            return ""
        return "\n各单元格题量虽够，以下最紧（其中的题还要同时满足工作内容、互斥、难度和判断题答案比例）：\n" + \
            "\n".join(text for _, text in cells)

    def shortage_message(self, lines: list[str], n_forms: int) -> str:
        head = f"题库不足，无法组出 {n_forms} 套{self.bp.kind.label}试卷（{self.bp.title}）：" if n_forms > 1 else \
            f"题库不足，无法组出{self.bp.kind.label}试卷（{self.bp.title}）："
        return head + "\n" + "\n".join(lines)

    def _availability(self, match) -> tuple[int, int, int]:
        """Return (usable, retired, excluded) counts of records matching a predicate."""
        usable = retired = excluded = 0
        for x in self.all_records:
            if not match(x):
                continue
            if x.status is Status.DRAFT:
                continue  # drafts are not tagged for assembly; they are no one's supply
            if x.status is not Status.ACTIVE:  # retired, or held for review after item analysis
                retired += 1
            elif x.id in self.opts.excluded:
                excluded += 1
            else:
                usable += 1
        return usable, retired, excluded

    def _note(self, retired: int, excluded: int) -> str:
        notes = []
        if retired:
            notes.append(f"另有 {retired} 题已停用")
        if excluded:
            notes.append(f"{excluded} 题因{self.opts.excluded_reason}而排除")
        return f"（{'，'.join(notes)}）" if notes else ""


class _TheoryProblem(_Problem):
    def centre_target(self) -> float | None:
        d = self.opts.difficulty
        return None if d.ratio else d.mean * self.form_size()

    def records(self):
        return [it for it in self.bank.items if item_serves(it, self.bp.level) and it.function in self.rows
                and it.type is not ItemType.TASK]

    def form_size(self) -> int:
        return sum(r.count for r in self.bp.rows)

    def form_constraints(self, model: _Model, off: int, with_difficulty: bool = True) -> None:
        for idx, vals, lo, hi in self._form_rows(with_difficulty):
            model.add([off + i for i in idx], vals, lo, hi)

    def _form_rows(self, with_difficulty: bool) -> list[tuple[list[int], object, float, float]]:
        """Return one form's constraint rows over pool indices (built once, offset per form)."""
        memo = self.__dict__.setdefault("_rows_memo", {})
        if with_difficulty not in memo:
            memo[with_difficulty] = self._build_form_rows(with_difficulty)
        return memo[with_difficulty]

    def _build_form_rows(self, with_difficulty: bool) -> list[tuple[list[int], object, float, float]]:
        rows: list[tuple[list[int], object, float, float]] = []
        cells, wcs = defaultdict(list), defaultdict(list)
        for i, it in enumerate(self.pool):
            cells[(it.function, it.type)].append(i)
            wcs[(it.function, work_content_of(it.code, it.function))].append(i)
        for r in self.bp.rows:
            for c in r.cells:
                rows.append((cells.get((r.name, c.type), []), 1, c.count, c.count))
            for w, (lo, hi) in zip(r.work_contents, work_content_quota(r, r.count)):
                rows.append((wcs.get((r.name, w.code), []), 1, lo, hi))
        n = self.form_size()
        P = len(self.pool)
        if with_difficulty:
            d = self.opts.difficulty
            if d.ratio:
                groups = [[i for i in range(P) if difficulty_band(self.pool[i].difficulty) == band]
                          for band in range(3)]
                rows += [(idx, 1, lo, hi) for idx, (lo, hi) in zip(groups, d.bands(n))]
            else:
                rows.append((list(range(P)), [d.value(x) for x in self.pool],
                             n * (d.mean - d.tolerance), n * (d.mean + d.tolerance)))
        ns = sum(r.cell(ItemType.SINGLE).count for r in self.bp.rows)
        if ns and self.opts.balance_answers:  # options that cannot be shuffled keep their letter
            cap = SINGLE_LETTERS.cap(ns)
            for letter in "ABCD":
                fixed = [i for i, it in enumerate(self.pool)
                         if it.type is ItemType.SINGLE and not it.shuffle and it.answer == letter]
                if len(fixed) > cap:
                    rows.append((fixed, 1, 0, cap))
        nj = sum(r.cell(ItemType.JUDGE).count for r in self.bp.rows)
        if nj and self.opts.balance_answers:
            true_idx = [i for i, it in enumerate(self.pool) if it.type is ItemType.JUDGE and it.answer == TRUE_MARK]
            rows.append((true_idx, 1, *JUDGE_TRUE_SHARE.count_range(nj)))
        for i, it in enumerate(self.pool):
            for e in it.enemies:
                j = self.index.get(e)
                if j is not None and (j > i or (j < i and it.id not in self.pool[j].enemies)):
                    rows.append(([i, j], 1, 0, 1))
        return rows

    def cell_supply(self) -> list[tuple[int, int]]:
        have = Counter((x.function, x.type) for x in self.pool)
        return [(c.count, have[(r.name, c.type)]) for r in self.bp.rows for c in r.cells if c.count]

    def shortages(self, n_forms: int) -> list[str]:
        lines = []
        for r in self.bp.rows:
            for c in r.cells:
                if not c.count:
                    continue
                need = c.count * n_forms
                usable, retired, excluded = self._availability(lambda x: x.function == r.name and x.type is c.type)  # noqa: B023 (called at once)
                if usable < need:
                    lines.append(f"{self.label} · {r.name} · {c.type.label}：需要 {need} 题，可用 {usable} 题"
                                 + self._note(retired, excluded))
            for w, (lo, _) in zip(r.work_contents, work_content_quota(r, r.count)):
                need = lo * n_forms
                usable, retired, excluded = self._availability(
                    lambda x: x.function == r.name and work_content_of(x.code, x.function) == w.code)  # noqa: B023 (called at once)
                if lo and usable < need:
                    lines.append(f"{self.label} · {r.name} · {w.code} {w.name}：需要 {need} 题，可用 {usable} 题"
                                 + self._note(retired, excluded))
        nj = sum(r.cell(ItemType.JUDGE).count for r in self.bp.rows)
        if nj and self.opts.balance_answers:
            trues = sum(1 for x in self.pool if x.type is ItemType.JUDGE and x.answer == TRUE_MARK)
            falses = sum(1 for x in self.pool if x.type is ItemType.JUDGE and x.answer != TRUE_MARK)
            least_true, most_true = JUDGE_TRUE_SHARE.count_range(nj)
            if trues < least_true * n_forms:
                lines.append(f"{self.label} · 判断题（答案为“√”）：需要 {least_true * n_forms} 题，可用 {trues} 题")
            if falses < (nj - most_true) * n_forms:
                lines.append(f"{self.label} · 判断题（答案为“×”）：需要 {(nj - most_true) * n_forms} 题，可用 {falses} 题")
        return lines

    def tight_cells(self, n_forms: int) -> list[tuple[int, str]]:
        out = []
        for r in self.bp.rows:
            for c in r.cells:
                if c.count:
                    usable = self._availability(lambda x: x.function == r.name and x.type is c.type)[0]  # noqa: B023 (called at once)
                    out.append((usable - c.count * n_forms,
                                f"{self.label} · {r.name} · {c.type.label}：需要 {c.count * n_forms} 题，可用 {usable} 题"))
            for w, (lo, _) in zip(r.work_contents, work_content_quota(r, r.count)):
                if lo:
                    usable = self._availability(
                        lambda x: x.function == r.name and work_content_of(x.code, x.function) == w.code)[0]  # noqa: B023 (called at once)
                    out.append((usable - lo * n_forms,
                                f"{self.label} · {r.name} · {w.code} {w.name}：需要 {lo * n_forms} 题，可用 {usable} 题"))
        return out

    def single_form_diagnosis(self, seed: int) -> str:
        try:
            relaxed = self._run(1, 0, seed, with_difficulty=False, time_limit=DIAGNOSIS_SECONDS)
        except _Timeout:
            relaxed = None
        if relaxed is not None:
            d = self.opts.difficulty
            ds = [d.value(x) for x in self.pool]
            what = "平均通过率" if d.uses_p else "平均难度"
            return (f"{self.label} {self.bp.kind.label}：题库无法满足难度目标（{d.describe()}）。"
                    f"可用题目的{what}为 {np.mean(ds):.2f}；请调整 --difficulty 或补充相应难度的题目。")
        return (f"{self.label} {self.bp.kind.label}：各单元格题量足够，但互斥题或工作内容配额之间相互冲突，"
                "无法组卷；请检查互斥题设置或补充题目。")

    def entries(self, picks: list[Item], rng: np.random.Generator) -> list[FormEntry]:
        assert self.bp.structure is not None, "theory blueprints carry their paper structure"
        points = {s.type: float(s.points) for s in self.bp.structure.sections}
        out: list[FormEntry] = []
        number = 0
        for sec in self.bp.structure.sections:
            items = [it for it in picks if it.type is sec.type]
            items.sort(key=lambda it: it.id)
            order = list(rng.permutation(len(items)))
            items = [items[k] for k in order]
            if sec.type is ItemType.JUDGE:
                items = _break_runs(items, lambda it: it.answer, rng)
                shown = [(it, "", it.answer) for it in items]
            elif sec.type is ItemType.SINGLE:
                shown = _place_single(items, rng, self.opts.balance_answers)
            else:
                shown = [(it, *_permute(it, rng, None)) for it in items]
            for it, perm, answer in shown:
                number += 1
                out.append(FormEntry(number, it.id, it.type, it.function, it.code,
                                     work_content_of(it.code, it.function), points[it.type], it.difficulty,
                                     perm, answer))
        return out

    def duration(self, entries) -> int:
        return self.bp.duration_minutes


class _SkillProblem(_Problem):
    counting_is_exact = False  # disjoint_exact_sets gives up on sets of five or more tasks
    def centre_target(self) -> float | None:
        return None

    def records(self):
        return [t for t in self.bank.tasks if t.level == self.bp.level and t.function in self.rows]

    def form_size(self) -> int:
        return max(1, max((sum(1 for t in self.pool if t.function == r.name) for r in self.bp.rows), default=1)
                   * len(self.bp.rows))

    def form_constraints(self, model: _Model, off: int, with_difficulty: bool = True) -> None:
        for r in self.bp.rows:
            idx = [i for i, t in enumerate(self.pool) if t.function == r.name]
            scale = 2  # tasks may carry half points
            model.add([off + i for i in idx], [float(self.pool[i].points) * scale for i in idx],
                      r.weight * scale, r.weight * scale)
        for i, t in enumerate(self.pool):
            for e in t.enemies:
                j = self.index.get(e)
                if j is not None and j != i:
                    model.add([off + i, off + j], 1, 0, 1)

    def cell_supply(self) -> list[tuple[int, int]]:
        return []

    def shortages(self, n_forms: int) -> list[str]:
        lines = []
        for r in self.bp.rows:
            tasks = [t for t in self.pool if t.function == r.name]
            k = len(disjoint_exact_sets([t.points for t in tasks], r.weight))
            if k < n_forms:
                usable, retired, excluded = self._availability(lambda x: x.function == r.name)  # noqa: B023 (called at once)
                need = "一组" if n_forms == 1 else f"{n_forms} 组互不重复的"
                lines.append(f"{self.label} · {r.name} · 操作题：需要配分合计 {r.weight} 分的{need}操作题，"
                             f"可用 {usable} 道只能组成 {k} 组" + self._note(retired, excluded))
        return lines

    def single_form_diagnosis(self, seed: int) -> str:
        return f"{self.label} 操作技能：互斥设置使各职业功能的操作题无法凑足权重，请检查互斥题。"

    def entries(self, picks: list[Task], rng: np.random.Generator) -> list[FormEntry]:
        order = {r.name: k for k, r in enumerate(self.bp.rows)}
        picks = sorted(picks, key=lambda t: (order[t.function], -t.points, t.id))
        return [FormEntry(n, t.id, ItemType.TASK, t.function, ",".join(t.codes),
                          ",".join(sorted({work_content_of(c, t.function) for c in t.codes})), float(t.points),
                          t.difficulty, duration=t.duration) for n, t in enumerate(picks, 1)]

    def duration(self, entries) -> int:
        return sum(e.duration for e in entries)


# ---- option permutation and answer balance ------------------------------------------------------
def _break_runs(seq: list, key, rng: np.random.Generator, limit: int = MAX_EQUAL_RUN) -> list:
    """Return seq reordered so that no more than `limit` equal keys come in a row (when possible)."""
    seq = list(seq)
    for _ in range(20 * max(1, len(seq))):
        bad = _first_run_violation([key(x) for x in seq], limit)
        if bad is None:
            return seq
        candidates = [j for j in range(len(seq)) if key(seq[j]) != key(seq[bad])]
        if not candidates:
            return seq
        j = candidates[int(rng.integers(len(candidates)))]
        seq[bad], seq[j] = seq[j], seq[bad]
    return seq


def _first_run_violation(keys: list, limit: int) -> int | None:
    run = 1
    for k in range(1, len(keys)):
        run = run + 1 if keys[k] == keys[k - 1] else 1
        if run > limit:
            return k
    return None


def _permute(item: Item, rng: np.random.Generator, target: str | None) -> tuple[str, str]:
    """Return (permutation, displayed answer): original letters in displayed order, answer remapped.

    For a single-choice item, target is the displayed letter the correct option must land on.
    """
    letters = "".join(k for k, _ in item.options)
    if not item.shuffle:
        return "", item.answer
    if target is None:
        perm = "".join(letters[k] for k in rng.permutation(len(letters)))
    else:
        others = [c for c in letters if c != item.answer]
        others = [others[k] for k in rng.permutation(len(others))]
        slot = letters.index(target)
        perm = "".join(others[:slot] + [item.answer] + others[slot:])
    shown = "".join(sorted(LETTERS[perm.index(a)] for a in item.answer))
    return ("" if perm == letters else perm), shown


def _place_single(items: list[Item], rng: np.random.Generator, balance: bool) -> list[tuple[Item, str, str]]:
    """Return (item, permutation, displayed answer) with balanced letters and no run longer than MAX_EQUAL_RUN."""
    if not balance:
        return [(it, *_permute(it, rng, None)) for it in items]
    n = len(items)
    fixed = Counter(it.answer for it in items if not it.shuffle)
    free = [k for k, it in enumerate(items) if it.shuffle]
    # target totals as even as possible, then the free items fill what the fixed ones leave
    base, extra = divmod(n, 4)
    order = [LETTERS[k] for k in rng.permutation(4)]
    totals = {c: base + (1 if i < extra else 0) for i, c in enumerate(order)}
    need = {c: max(0, totals[c] - fixed.get(c, 0)) for c in "ABCD"}
    while sum(need.values()) > len(free):
        c = max(need, key=lambda k: need[k])
        need[c] -= 1
    while sum(need.values()) < len(free):
        c = min(need, key=lambda k: need[k] + fixed.get(k, 0))
        need[c] += 1
    pool = [c for c in "ABCD" for _ in range(need[c])]
    pool = [pool[k] for k in rng.permutation(len(pool))]
    letters = [it.answer for it in items]
    for k, c in zip(free, pool):
        letters[k] = c
    for _ in range(20 * max(1, n)):  # repair runs by swapping free positions
        bad = _first_run_violation(letters, MAX_EQUAL_RUN)
        if bad is None:
            break
        if bad not in free:
            bad = next((k for k in range(bad, max(-1, bad - 4), -1) if k in free), None)
            if bad is None:
                break
        swaps = [k for k in free if letters[k] != letters[bad]]
        if not swaps:
            break
        j = swaps[int(rng.integers(len(swaps)))]
        letters[bad], letters[j] = letters[j], letters[bad]
    out = []
    for k, it in enumerate(items):
        if it.shuffle:
            perm, shown = _permute(it, rng, letters[k])
        else:
            perm, shown = "", it.answer
        out.append((it, perm, shown))
    if _first_run_violation([x[2] for x in out], MAX_EQUAL_RUN) is not None:  # e.g. fixed items alike in a row
        out = _break_runs(out, lambda x: x[2], rng)
    return out
