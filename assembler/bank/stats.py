"""Bank statistics: counts, the gap list (requirements with no item) and capacity.

Capacity of a level/direction and kind is the number of forms with no shared item the bank
supports under the default structure:
- theory: for every blueprint cell (function × type) the active items available divided by the
  cell's count, and for every work content the items available divided by its minimum quota;
  the smallest quotient, rounded down, is the capacity and names the binding cell;
- skill: for every function, the largest number of disjoint task sets (of up to four tasks) whose
  配分 sum exactly to the function's weight (an exact set-packing program); the smallest over the
  functions is the capacity;
- review (综合评审, 二级/一级): disjoint 答辩 sets of the default review structure, confirmed by
  assembling them (defence_assemble.review_capacity).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from ..blueprint import Blueprint, all_blueprints, combination_label, work_content_quota
from ..exact_sets import disjoint_exact_sets
from ..standard import Kind, Standard, work_content_of
from ..structure import THEORY_TYPES, ItemType
from ..writers.text import table_row
from .models import Bank, Item, Task, item_serves
from .quality import ALL_BUT_ONE, ECHO_ON_KEY, REASONED_TRUE, bank_cues


@dataclass(frozen=True)
class Capacity:
    key: str  # "4A/theory"
    label: str  # "四级 创意策划 理论知识"
    forms: int
    binding: str  # the cell that limits it, in authors' terms


@dataclass(frozen=True)
class TypeTotal:
    """The number of records of one type in the whole bank (drafts included)."""

    type: ItemType
    count: int


@dataclass(frozen=True, kw_only=True)
class CellCount:
    """The non-draft records of one level (None: 通用), function, work content and type."""

    level: str | None
    function: str
    work_content: str
    type: ItemType
    count: int

    def to_dict(self) -> dict:
        """Return the JSON record of the count (the type as its value)."""
        return {"level": self.level, "function": self.function, "work_content": self.work_content,
                "type": self.type.value, "count": self.count}


@dataclass(frozen=True, kw_only=True)
class Gap:
    """A requirement of the standard no active record examines: a knowledge requirement
    (kind THEORY) with no item, or a skill requirement (kind SKILL) with no task."""

    level: str | None  # None for the basic requirements (基本要求)
    function: str
    code: str
    text: str
    kind: Kind

    def to_dict(self) -> dict:
        """Return the JSON record of the gap (the kind as its value)."""
        return {"level": self.level, "function": self.function, "code": self.code, "text": self.text,
                "kind": self.kind.value}


@dataclass(frozen=True, kw_only=True)
class BankStats:
    total: int
    by_type: tuple[TypeTotal, ...]  # every ItemType, in its order
    counts: tuple[CellCount, ...]
    uncovered: tuple[Gap, ...]
    capacity: tuple[Capacity, ...]
    tasks_per_function: tuple[tuple[str, str, int], ...] = ()  # (level, function, number of tasks)
    quality: tuple = ()  # CueFigures: the whole bank first, then one per file (命题质量)
    drafts: tuple[str, ...] = ()  # ids of draft items (status: draft), counted in total but in no cell

    def to_dict(self) -> dict:
        """Return the JSON contract of the stats."""
        return {"items": self.total, "by_type": {t.type.value: t.count for t in self.by_type},
                "uncovered": [u.to_dict() for u in self.uncovered],
                "capacity": {c.key: c.forms for c in self.capacity},
                "binding": {c.key: c.binding for c in self.capacity},
                "counts": [c.to_dict() for c in self.counts],
                "drafts": {"count": len(self.drafts), "ids": list(self.drafts)},
                "quality": {"bank": self.quality[0].to_dict() if self.quality else None,
                            "files": [q.to_dict() for q in self.quality[1:]]}}


def bank_stats(bank: Bank, standard: Standard, structure: str | None = None, exact: bool = False) -> BankStats:
    """Return counts, uncovered requirements and capacity for every valid level/direction
    (exact=True confirms the theory capacities by assembling the forms)."""
    records = bank.records
    by_type = tuple(TypeTotal(t, sum(1 for x in records if x.type is t)) for t in ItemType)
    counter: Counter = Counter()
    for x in records:  # a task counts once in each work content it examines
        if isinstance(x, Item) and x.is_draft:
            continue
        for wc in {work_content_of(c, x.function) for c in (x.codes if isinstance(x, Task) else (x.code,))}:
            counter[(x.level or "", x.function, wc, x.type.value)] += 1
    counts = tuple(CellCount(level=lv or None, function=f, work_content=wc, type=ItemType(t), count=n)
                   for (lv, f, wc, t), n in sorted(counter.items()))
    per_function = Counter((t.level, t.function) for t in bank.tasks)
    return BankStats(total=len(records), by_type=by_type, counts=counts, uncovered=tuple(uncovered(bank, standard)),
                     capacity=tuple(capacities(bank, standard, structure, exact)),
                     tasks_per_function=tuple((lv, f, n) for (lv, f), n in sorted(per_function.items())),
                     quality=cue_report(bank.items), drafts=tuple(it.id for it in bank.items if it.is_draft))


def cue_report(items) -> tuple:
    """Return the 命题质量 figures: the whole bank first, then one set per file."""
    whole, files = bank_cues(items)
    return (whole, *files)


def uncovered(bank: Bank, standard: Standard) -> list[Gap]:
    """Return every knowledge requirement with no active item and skill requirement with no active task."""
    have_k = {(x.level or "", x.function, x.code) for x in bank.items if x.active}
    have_s = {(x.level, x.function, c) for x in bank.tasks if x.active for c in x.codes}
    out = []
    for sec in standard.basics:
        for it in sec.items:
            for code in it.codes():
                if ("", sec.name, code) not in have_k:
                    out.append(Gap(level=None, function=sec.name, code=code,
                                   text=standard.knowledge_codes("", sec.name)[code], kind=Kind.THEORY))
    for lv in standard.levels:
        for f in standard.functions_at(lv.code):
            for r in f.knowledge():
                if (lv.code, f.name, r.code) not in have_k:
                    out.append(Gap(level=lv.code, function=f.name, code=r.code, text=r.text, kind=Kind.THEORY))
            for r in f.skills():
                if (lv.code, f.name, r.code) not in have_s:
                    out.append(Gap(level=lv.code, function=f.name, code=r.code, text=r.text, kind=Kind.SKILL))
    return out


def capacities(bank: Bank, standard: Standard, structure: str | None = None, exact: bool = False) -> list[Capacity]:
    """Return the capacity of every valid level/direction for both kinds.

    With exact=True each theory figure is confirmed by assembling that many disjoint forms (and
    lowered until the assembly succeeds), which also honours difficulty, enemies and answer balance.
    """
    out = []
    for kind in (Kind.THEORY, Kind.SKILL):
        for bp in all_blueprints(standard, kind, structure):
            key = f"{bp.level}{bp.direction or ''}/{kind.value}"
            label = f"{combination_label(standard, bp.level, bp.direction)} {kind.label}"
            forms, binding = (theory_capacity if kind is Kind.THEORY else skill_capacity)(bank, bp, standard)
            if exact and kind is Kind.THEORY:
                forms, binding = confirmed_capacity(bank, bp, standard, forms, binding)
            out.append(Capacity(key, label, forms, binding))
    return out + review_capacities(bank, standard)


def review_capacities(bank: Bank, standard: Standard) -> list[Capacity]:
    """Return the 综合评审 capacity of 二级 and 一级 (keys "2/review", "1/review"): disjoint 答辩 sets
    of the default review structure that the bank's 答辩题 support."""
    from ..defence_assemble import REVIEW_KIND, review_capacity
    from ..review_blueprint import build_review_blueprint

    out = []
    for lv in standard.assessment.review_levels:
        bp = build_review_blueprint(standard, lv)
        forms, binding = review_capacity(list(bank.defence), bp)
        out.append(Capacity(f"{lv}/review", f"{combination_label(standard, lv, None)} {REVIEW_KIND.label}", forms, binding))
    return out


def confirmed_capacity(bank: Bank, bp: Blueprint, standard: Standard, forms: int, binding: str) -> tuple[int, str]:
    """Return (forms, binding) after assembling that many disjoint forms, lowered until it succeeds."""
    from ..assemble import AssemblyOptions, assemble_forms
    from ..errors import InfeasibleError

    while forms > 0:
        try:
            assemble_forms(bank, bp, forms, 1, AssemblyOptions(max_overlap=0, time_limit=60), standard)
            return forms, binding
        except InfeasibleError as exc:
            binding = f"按计数可组 {forms} 套，实际组卷不成立：{str(exc).splitlines()[0]}"
            forms -= 1
    return 0, binding


def theory_capacity(bank: Bank, bp: Blueprint, standard: Standard) -> tuple[int, str]:
    """Return (forms, binding cell) for a theory blueprint by counting disjoint supply per cell."""
    pool: dict = defaultdict(int)
    wc_pool: dict = defaultdict(int)
    for it in bank.items:
        if it.active and item_serves(it, bp.level):
            pool[(it.function, it.type)] += 1
            wc_pool[(it.function, work_content_of(it.code, it.function))] += 1
    best, binding = None, ""
    lvname = combination_label(standard, bp.level, bp.direction)
    for r in bp.rows:
        for c in r.cells:
            if c.count == 0:
                continue
            k = pool[(r.name, c.type)] // c.count
            if best is None or k < best:
                best, binding = k, f"{lvname} · {r.name} · {c.type.label}：每卷需要 {c.count} 题，可用 {pool[(r.name, c.type)]} 题"
        for w, (lo, _) in zip(r.work_contents, work_content_quota(r, r.count)):
            if lo == 0:
                continue
            k = wc_pool[(r.name, w.code)] // lo
            if best is None or k < best:
                best, binding = k, f"{lvname} · {r.name} · {w.code} {w.name}：每卷至少 {lo} 题，可用 {wc_pool[(r.name, w.code)]} 题"
    return best or 0, binding


def skill_capacity(bank: Bank, bp: Blueprint, standard: Standard) -> tuple[int, str]:
    """Return (forms, binding function) for a skill blueprint."""
    best, binding = None, ""
    lvname = combination_label(standard, bp.level, bp.direction)
    for r in bp.rows:
        tasks = [t for t in bank.tasks if t.active and t.level == bp.level and t.function == r.name]
        k = len(disjoint_exact_sets([t.points for t in tasks], r.weight))
        if best is None or k < best:
            best = k
            binding = f"{lvname} · {r.name}：配分须凑足 {r.weight} 分，现有 {len(tasks)} 道操作题可组成 {k} 套互不重复的组合"
    return best or 0, binding


def stats_text(stats: BankStats, standard: Standard) -> str:
    """Return the stats as a report for authors."""
    lines = [f"题库共 {stats.total} 题：" + "，".join(f"{t.type.short} {t.count}" for t in stats.by_type)]
    if stats.drafts:
        lines.append(f"其中待标注草稿 {len(stats.drafts)} 题（缺等级、职业功能或鉴定点代码，不参与组卷，不计入下表）")
    lines.append("")
    lines.append("按等级 × 职业功能 × 题型统计：")
    agg: dict = defaultdict(Counter)
    for c in stats.counts:
        if c.type is not ItemType.TASK:
            agg[(c.level or "", c.function)][c.type.value] += c.count
    for lv, f, n in stats.tasks_per_function:
        agg[(lv, f)][ItemType.TASK.value] = n
    order = {f: i for i, f in enumerate(standard.function_names())}
    for (lv, f), cnt in sorted(agg.items(), key=lambda kv: (kv[0][0] != "", -int(kv[0][0] or 0), order.get(kv[0][1], 99))):
        lvname = standard.level(lv).name if lv else "通用"
        lines.append("  " + table_row([lvname, f] + [f"{ItemType(t).short} {cnt.get(t, 0)}" for t in
                                                     [x.value for x in (*THEORY_TYPES, ItemType.TASK)] if cnt.get(t)],
                                      [6, 10, 12, 12, 12, 12], left=2))
    lines.append("")
    lines.append("组卷容量（默认结构下互不重复的套数）：")
    for cap in stats.capacity:
        lines.append("  " + table_row([cap.label, f"{cap.forms} 套", f"    受限于 {cap.binding}"], [24, 6, 0], left=1))
    lines.append("")
    if stats.uncovered:
        lines.append(f"尚无题目的鉴定点（{len(stats.uncovered)} 个，请优先编写）：")
        for u in stats.uncovered:
            lvname = standard.level(u.level).name if u.level else "通用"
            kind = "知识" if u.kind is Kind.THEORY else "技能"
            lines.append(f"  {lvname} {u.function} {kind} {u.code} {u.text}")
    else:
        lines.append("所有相关知识要求和技能要求均已有题目覆盖。")
    if stats.quality:
        lines.append("")
        lines.extend(quality_lines(stats.quality))
    return "\n".join(lines) + "\n"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def quality_lines(quality: tuple) -> list[str]:
    """Return the 命题质量 section: the cue figures of the bank and of every file that misses a target."""
    lines = ["命题质量（考生可利用的线索；目标：单选正确项最长 ≤27%，多选只错一项 ≤40%，"
             "含绝对化用语的判断题错误占 40%～60%，否定词加着重标记，题干用词复现于正确项 ≤30%）："]
    header = ["范围", "单选最长", "含并列最长", "题干词复现于正确项", "多选只错一项", "多选答案个数", "绝对化错误占比", "否定未标记"]
    widths = [14, 10, 12, 20, 14, 18, 18, 12]
    lines.append("  " + table_row(header, widths, left=1))
    for q in quality:
        d = q.to_dict()
        if q is not quality[0] and not q.findings():
            continue
        sizes = "/".join(f"{k}:{v}" for k, v in d["multiple_key_sizes"].items()) or "—"
        absolute = f"{_pct(d['absolute_false'])}（{q.absolute} 题）" if q.absolute else "—"
        echo = f"{_pct(d['single_echo_on_key'])}（{q.single_echo} 题）" if q.single_echo else "—"
        lines.append("  " + table_row([q.name, _pct(d["single_key_strictly_longest"]), _pct(d["single_key_longest_or_tied"]),
                                       echo, _pct(d["multiple_all_but_one"]), sizes, absolute,
                                       str(len(q.negative_unmarked))], widths, left=1))
    whole = quality[0]
    reasoned = _pct(whole.share(whole.reasoned_false, whole.reasoned))
    lines.append("  题干词复现于正确项：单选题中只有一个选项重复题干实词时，该项是正确项的比例（随机为 25%）。")
    lines.append(f"  自带理由（因为、而不是、以便……）的判断题 {whole.reasoned} 题，错误表述占 {reasoned}。")
    findings = whole.findings()
    lines.extend(f"  · {f}" for f in findings) if findings else lines.append("  各项线索均在目标范围内。")
    counts = "，".join(f"{kind} {len(whole.suspects(kind))} 题" for kind in (ECHO_ON_KEY, REASONED_TRUE, ALL_BUT_ONE))
    lines.append(f"  复核清单（须逐题人工判断，--format json 或 xlsx 列出题号）：{counts}。")
    return lines
