"""Assembly: every hard constraint holds on the sample bank; seeds reproduce; shortages are named."""
from collections import Counter
from itertools import combinations

import pytest

from assembler.assemble import (
    AssemblyOptions,
    DifficultyTarget,
    assemble_forms,
    parse_difficulty,
)
from assembler.bank import load_bank
from assembler.blueprint import build_blueprint, work_content_quota
from assembler.errors import InfeasibleError, InputError
from assembler.standard import Kind, load_standard, work_content_of
from assembler.structure import ItemType
from tests.bankutil import bank as make_bank
from tests.bankutil import single

STD = load_standard()
BANK = load_bank()
PINNED = AssemblyOptions(created="2026-01-01T00:00:00+00:00")


def check_theory_form(form, bank, bp, difficulty=DifficultyTarget()):
    """Independent checker of every hard constraint of one theory form."""
    ids = form.ids()
    assert len(ids) == len(set(ids)), "an item appears twice"
    items = [bank.get(i) for i in ids]
    assert all(it.active for it in items)
    assert all(it.level in (None, bp.level) for it in items)
    for a, b in combinations(items, 2):
        assert b.id not in a.enemies and a.id not in b.enemies
    for r in bp.rows:
        for c in r.cells:
            assert sum(1 for it in items if it.function == r.name and it.type is c.type) == c.count
        pts = sum(e.points for e in form.entries if e.function == r.name)
        assert pts == r.weight
        for w, (lo, hi) in zip(r.work_contents, work_content_quota(r, r.count)):
            n = sum(1 for it in items if it.function == r.name and work_content_of(it.code, it.function) == w.code)
            assert lo <= n <= hi
        if r.count >= len(r.work_contents):
            assert all(any(work_content_of(it.code, it.function) == w.code for it in items if it.function == r.name)
                       for w in r.work_contents if w.points > 0)
    assert sum(e.points for e in form.entries) == 100
    mean = sum(it.difficulty for it in items) / len(items)
    if difficulty.ratio is None and not difficulty.uses_p:
        assert abs(mean - difficulty.mean) <= difficulty.tolerance + 1e-9
    # answers: displayed answer is the original answer remapped through the permutation
    for e in form.entries:
        it = bank.get(e.id)
        if it.type is ItemType.JUDGE:
            assert e.answer == it.answer and e.permutation == ""
            continue
        perm = e.permutation or "".join(k for k, _ in it.options)
        assert sorted(perm) == sorted(k for k, _ in it.options)
        assert e.answer == "".join(sorted("ABCDE"[perm.index(a)] for a in it.answer))
        if not it.shuffle:
            assert e.permutation == ""
    singles = [e.answer for e in form.entries if e.type is ItemType.SINGLE]
    share = len(singles) / 4
    counts = Counter(singles)
    assert all(share * 0.8 <= counts.get(c, 0) <= share * 1.2 for c in "ABCD"), counts
    for seq in (singles, [e.answer for e in form.entries if e.type is ItemType.JUDGE]):
        run = 1
        for a, b in zip(seq, seq[1:]):
            run = run + 1 if a == b else 1
            assert run <= 3, seq
    judges = [e.answer for e in form.entries if e.type is ItemType.JUDGE]
    if judges:
        assert 0.4 <= judges.count("√") / len(judges) <= 0.6
    assert [e.number for e in form.entries] == list(range(1, len(form.entries) + 1))


@pytest.mark.parametrize("level,direction", STD.valid_combinations())
def test_two_disjoint_theory_forms_for_every_combination(level, direction):
    bp = build_blueprint(STD, level, direction, Kind.THEORY)
    forms = assemble_forms(BANK, bp, 2, 11, PINNED, STD)
    for f in forms:
        check_theory_form(f, BANK, bp)
    assert not set(forms[0].ids()) & set(forms[1].ids())


def test_same_seed_same_forms_different_seed_different():
    bp = build_blueprint(STD, "4", "C", Kind.THEORY)
    a = assemble_forms(BANK, bp, 1, 5, PINNED, STD)[0]
    b = assemble_forms(BANK, bp, 1, 5, PINNED, STD)[0]
    c = assemble_forms(BANK, bp, 1, 6, PINNED, STD)[0]
    assert a.to_manifest() == b.to_manifest()
    assert a.ids() != c.ids()


def test_manifest_records_hashes_and_totals():
    bp = build_blueprint(STD, "1", None, Kind.THEORY)
    m = assemble_forms(BANK, bp, 1, 3, PINNED, STD)[0].to_manifest()
    assert m["seed"] == 3 and m["bank_hash"] == BANK.hash and m["blueprint_hash"] == bp.hash
    assert m["created"] == "2026-01-01T00:00:00+00:00" and m["form"] == "1-T-3-01"
    assert m["totals"]["functions"]["财务管理"] == {"count": 36, "points": 40}
    assert m["totals"]["types"]["multiple"] == {"count": 10, "points": 20}
    first = m["items"][0]
    assert set(first) == {"number", "id", "type", "function", "code", "work_content", "points", "difficulty",
                          "permutation", "answer"}


def test_guojia_structure_shortage_names_the_cells():
    from tests.bankutil import bank

    bp = build_blueprint(STD, "2", None, Kind.THEORY, "guojia-190")
    with pytest.raises(InfeasibleError) as e:
        assemble_forms(bank(), bp, 1, 1, PINNED, STD)  # an empty bank: every cell is short
    assert "二级 · " in str(e.value) and "单项选择题：需要" in str(e.value)


def test_ratio_difficulty_target():
    bp = build_blueprint(STD, "3", "E", Kind.THEORY)
    target = parse_difficulty("3:5:2")
    f = assemble_forms(BANK, bp, 1, 2, AssemblyOptions(difficulty=target), STD)[0]
    d = f.difficulty()
    for got, (lo, hi) in zip((d.easy, d.medium, d.hard), target.bands(90)):
        assert lo <= got <= hi


def test_parse_difficulty():
    assert parse_difficulty("3.2±0.2") == DifficultyTarget(3.2, 0.2)
    assert parse_difficulty("3") == DifficultyTarget(3.0, 0.3)
    assert parse_difficulty("3:5:2").ratio == (3, 5, 2)
    with pytest.raises(InputError, match="难度目标「hard」无效"):
        parse_difficulty("hard")


# ---- small banks: shortages, overlap, enemies, retired, excluded ---------------------------------
def small_bank(extra=()):
    """Exactly enough singles for one 一级 paper under a one-section structure (100 × 1 point)."""
    bp = singles_blueprint()
    items = []
    for r in bp.rows:
        level = None if r.is_basic else "1"
        quota = work_content_quota(r, r.count)
        counts = [lo for lo, _ in quota]
        k = 0
        while sum(counts) < r.count:  # top up within the upper bounds
            if counts[k % len(counts)] < quota[k % len(counts)][1]:
                counts[k % len(counts)] += 1
            k += 1
        for w, n in zip(r.work_contents, counts):
            for j in range(n):
                code = w.requirements[j % len(w.requirements)]
                items.append(single(f"{r.name}-{len(items)}", level, r.name, code, "ABCD"[len(items) % 4]))
    return make_bank(items + list(extra))


SINGLES_ONLY = {"name": "singles", "sections": [{"type": "single", "count": 100, "points": 1}]}


def singles_blueprint():
    from assembler.structure import parse_structure
    return build_blueprint(STD, "1", None, Kind.THEORY, parse_structure(SINGLES_ONLY))


def test_shortage_message_names_every_short_cell():
    from assembler.bank.models import Status
    b = small_bank()
    items = list(b.items)
    items[-1] = items[-1].__class__(**{**items[-1].__dict__, "status": Status.RETIRED})
    b = make_bank(items)
    fin = [x.id for x in items if x.function == "财务管理"]
    opts = AssemblyOptions(excluded=frozenset(fin[:2]), excluded_reason="近 2 场考试已用")
    with pytest.raises(InfeasibleError) as e:
        assemble_forms(b, singles_blueprint(), 1, 1, opts, STD)
    lines = str(e.value).splitlines()
    assert lines[0] == "题库不足，无法组出理论知识试卷（全媒体运营师（一级/高级技师））："
    assert lines[1] == "一级 · 财务管理 · 单项选择题：需要 40 题，可用 37 题（另有 1 题已停用，2 题因近 2 场考试已用而排除）"
    assert len(lines) == 4 and all(x.startswith("一级 · 财务管理 · 3.") for x in lines[2:])


def test_one_form_then_smallest_overlap():
    b = small_bank()
    bp = singles_blueprint()
    f = assemble_forms(b, bp, 1, 1, AssemblyOptions(difficulty=DifficultyTarget(3, 0.3)), STD)[0]
    assert sorted(f.ids()) == sorted(x.id for x in b.items)
    with pytest.raises(InfeasibleError) as e:
        assemble_forms(b, bp, 2, 1, AssemblyOptions(), STD)
    assert str(e.value).endswith("最少需要允许每两套试卷重复 100 题（--max-overlap 100），或补充题目。")


def test_overlap_limit_is_met_exactly():
    extra = [single(f"财务管理-x{k}", "1", "财务管理", "3.1.1" if k % 2 else "3.2.1", "ABCD"[k % 4]) for k in range(10)]
    b = small_bank(extra)
    bp = singles_blueprint()
    with pytest.raises(InfeasibleError) as e:
        assemble_forms(b, bp, 2, 4, AssemblyOptions(max_overlap=80), STD)
    assert "最少需要允许每两套试卷重复 90 题（--max-overlap 90）" in str(e.value)
    forms = assemble_forms(b, bp, 2, 4, AssemblyOptions(max_overlap=90), STD)
    assert len(set(forms[0].ids()) & set(forms[1].ids())) <= 90


def test_enemies_never_share_a_form():
    fin = [x for x in small_bank().items if x.function == "财务管理"][:2]
    extra = [single(f"财务管理-e{k}", "1", "财务管理", x.code, "A", enemies=(x.id,)) for k, x in enumerate(fin)]
    b = small_bank(extra)
    for seed in range(5):
        f = assemble_forms(b, singles_blueprint(), 1, seed, AssemblyOptions(), STD)[0]
        ids = set(f.ids())
        assert not ({"财务管理-e0", fin[0].id} <= ids or {"财务管理-e1", fin[1].id} <= ids)


def test_unshuffled_items_keep_their_order():
    items = [x.__class__(**{**x.__dict__, "shuffle": False}) if x.id.endswith("3") else x for x in small_bank().items]
    f = assemble_forms(make_bank(items), singles_blueprint(), 1, 9, AssemblyOptions(), STD)[0]
    fixed = [e for e in f.entries if e.id.endswith("3")]
    b = make_bank(items)
    assert fixed and all(e.permutation == "" and e.answer == b.get(e.id).answer for e in fixed)


def test_bad_options():
    with pytest.raises(InputError, match="套数"):
        assemble_forms(BANK, build_blueprint(STD, "1", None, "theory"), 0, 1, AssemblyOptions(), STD)


def test_skill_functions_needing_five_small_tasks_assemble():
    """Counting (sets of at most four tasks) once refused this bank; the exact model builds it."""
    from assembler.assemble import assemble_forms
    from assembler.blueprint import build_blueprint
    from assembler.standard import load_standard
    from tests.bankutil import bank, task

    std = load_standard()
    bp = build_blueprint(std, "1", None, "skill")
    plan = {"运营管理": ("1.1.1", 4), "组织管理": ("2.1.1", 8), "财务管理": ("3.1.1", 8)}  # weights 20, 40, 40
    tasks = [task(f"{name[:1]}{k}", "1", name, [code], pts, duration=10)
             for name, (code, pts) in plan.items() for k in range(5)]
    (form,) = assemble_forms(bank(tasks=tasks), bp, 1, 3)
    assert form.totals().points == 100 and len(form.entries) == 15


# ---- observed difficulty (after the exam): --difficulty p=0.65±0.05 ----------------------------
def test_parse_observed_p_target():
    t = parse_difficulty("p=0.65±0.05")
    assert (t.scale, t.mean, t.tolerance, t.uses_p) == ("p", 0.65, 0.05, True)
    assert parse_difficulty("P = 0.7").tolerance == 0.05
    assert t.describe() == "平均通过率 p = 0.65 ± 0.05"
    for bad in ("p=1.2", "p=0", "p=abc", "p=0.6±0.7"):
        with pytest.raises(InputError, match="通过率目标写作 p=0.65±0.05"):
            parse_difficulty(bad)


def _with_observed_p(bank, step: int = 3):
    """Return the bank with an observed p on every step-th objective item, independent of its label
    (so a p target and a label target pick differently)."""
    from dataclasses import replace

    from assembler.bank.models import Bank

    items = []
    for k, it in enumerate(sorted(bank.items, key=lambda x: x.id)):
        if it.type is not ItemType.TASK and k % step == 0:
            it = replace(it, p_value=round(0.30 + (k * 37 % 60) / 100, 2), p_count=120)
        items.append(it)
    return Bank(tuple(items), bank.tasks, bank.sources)


def test_observed_p_target_is_met_and_recorded():
    from assembler.assemble import item_p
    from assembler.review import LoadedForm, review_form
    from assembler.rules import LABEL_P

    bank = _with_observed_p(BANK)
    bp = build_blueprint(STD, "四级", "创意策划", Kind.THEORY)
    target = parse_difficulty("p=0.62±0.02")
    opts = AssemblyOptions(created="2026-01-01T00:00:00+00:00", difficulty=target)
    forms = assemble_forms(bank, bp, 2, 7, opts, STD)
    for form in forms:
        check_theory_form(form, bank, bp, target)
        items = [bank.get(i) for i in form.ids()]
        # independent computation of each item's p: observed where known, else the label's p
        ps = [it.p_value if it.p_value is not None else LABEL_P[it.difficulty] for it in items]
        assert ps == [item_p(it) for it in items]
        mean_p = sum(ps) / len(ps)
        assert abs(mean_p - 0.62) <= 0.02 + 1e-9
        rec = form.extra["assembly"]
        assert rec["difficulty_target"] == {"mean": 0.62, "tolerance": 0.02, "scale": "p"}
        assert rec["observed_p_items"] == sum(1 for it in items if it.p_value is not None) > 0
        assert rec["mean_p"] == round(mean_p, 4)
        fr = review_form(LoadedForm(form, f"{form.code}.json"), bank, STD)
        assert fr.difficulty is not None
        assert fr.difficulty.ok and fr.difficulty.target == "平均通过率 p = 0.62 ± 0.02"
        assert fr.difficulty.observed_p_items == rec["observed_p_items"]
        from assembler.review import summary_lines
        # the record keeps mean_p rounded to 4 places and the summary prints that value, so a mean such as
        # 0.6395000000000001 reads 0.639 there; format the same rounded value here
        assert any(f"平均通过率 {round(mean_p, 4):.3f}（{rec['observed_p_items']} 题有实测值，其余按难度标签折算）" in line
                   for line in summary_lines(fr))


def test_observed_p_target_out_of_reach_is_refused():
    bp = build_blueprint(STD, "四级", "创意策划", Kind.THEORY)
    opts = AssemblyOptions(difficulty=parse_difficulty("p=0.97±0.01"))
    with pytest.raises(InfeasibleError, match="题库无法满足难度目标（平均通过率 p = 0.97 ± 0.01）。可用题目的平均通过率为"):
        assemble_forms(_with_observed_p(BANK), bp, 1, 1, opts, STD)


# ---- parallel skill papers take about as long as each other ------------------------------------
def test_parallel_skill_papers_differ_in_time_by_at_most_the_spread():
    from assembler.rules import SKILL_TIME_SPREAD

    for level, direction in (("四级", "创意策划"), ("三级", "数据分析"), ("二级", None), ("一级", None)):
        bp = build_blueprint(STD, level, direction, Kind.SKILL)
        for seed in (1, 2, 3):
            forms = assemble_forms(BANK, bp, 2, seed, PINNED, STD)
            times = [sum(e.duration for e in f.entries) for f in forms]
            assert max(times) - min(times) <= SKILL_TIME_SPREAD, (level, direction, seed, times)
            assert all(f.extra["assembly"]["time_spread_minutes"] == SKILL_TIME_SPREAD for f in forms)


def test_when_the_bank_cannot_keep_the_spread_the_papers_still_come_and_say_so():
    from tests.bankutil import task

    bp = build_blueprint(STD, "二级", None, Kind.SKILL)
    tasks = []
    for k, r in enumerate(bp.rows):  # two tasks per function worth its whole weight; the first
        code = next(iter(STD.skill_codes(bp.level, r.name)))  # function's differ by 70 minutes
        tasks.append(task(f"S-{r.name}-1", bp.level, r.name, [code], r.weight, 20 if k == 0 else 40))
        tasks.append(task(f"S-{r.name}-2", bp.level, r.name, [code], r.weight, 90 if k == 0 else 40))
    forms = assemble_forms(make_bank(tasks=tasks), bp, 2, 5, PINNED, STD)
    times = sorted(sum(e.duration for e in f.entries) for f in forms)
    assert len(forms) == 2 and times[1] - times[0] > 30
    assert all(f.extra["assembly"]["time_spread_minutes"] is None for f in forms)
