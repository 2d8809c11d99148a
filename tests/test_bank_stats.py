"""Stats: counts, gap list and capacity."""
from assembler.bank.stats import (
    bank_stats,
    disjoint_exact_sets,
    skill_capacity,
    theory_capacity,
    uncovered,
)
from assembler.blueprint import build_blueprint
from assembler.standard import Kind, load_standard
from tests.bankutil import bank, judge, single, task

STD = load_standard()


def test_disjoint_exact_sets():
    assert len(disjoint_exact_sets([40, 20, 20, 25, 15], 40)) == 3
    assert len(disjoint_exact_sets([30, 15, 20], 30)) == 1
    assert disjoint_exact_sets([10, 10], 30) == []


def test_skill_capacity_names_the_binding_function():
    tasks = [task("A1", "1", "运营管理", ["1.1.1"], 20), task("A2", "1", "运营管理", ["1.2.1"], 10),
             task("A3", "1", "运营管理", ["1.3.1"], 10),
             task("B1", "1", "组织管理", ["2.1.1"], 40), task("B2", "1", "组织管理", ["2.2.1"], 20),
             task("C1", "1", "财务管理", ["3.1.1"], 40), task("C2", "1", "财务管理", ["3.1.3"], 20),
             task("C3", "1", "财务管理", ["3.2.1"], 20)]
    bp = build_blueprint(STD, "1", None, "skill")
    forms, binding = skill_capacity(bank(tasks=tasks), bp, STD)
    assert forms == 1
    assert binding == "一级 · 组织管理：配分须凑足 40 分，现有 2 道操作题可组成 1 套互不重复的组合"


def test_theory_capacity_and_gaps():
    items = [judge(f"J{i}", "4", "内容创作", "2.2.2") for i in range(3)] + [single("S1", "4", "内容创作", "2.2.2")]
    b = bank(items)
    bp = build_blueprint(STD, "4", "A", "theory")
    forms, binding = theory_capacity(b, bp, STD)
    assert forms == 0 and binding.startswith("四级 创意策划 · 职业道德")
    gaps = uncovered(b, STD)
    codes = {(g.level, g.function, g.code) for g in gaps if g.kind is Kind.THEORY}
    assert ("4", "内容创作", "2.2.1") in codes and ("4", "内容创作", "2.2.2") not in codes
    assert (None, "基础知识", "2.2.6(15)") in codes


def test_shipped_bank_meets_capacity_and_coverage():
    from assembler.bank import load_bank

    stats = bank_stats(load_bank(), STD, exact=True)  # confirmed by assembling the forms
    assert {c.key: c.forms for c in stats.capacity if c.forms < 2} == {}
    assert [u for u in stats.uncovered if u.kind is Kind.THEORY] == []


def test_disjoint_exact_sets_scales():
    # 7 full tasks and 14 half tasks: 14 disjoint sets (more than the old 18-task search limit)
    assert len(disjoint_exact_sets([40] * 7 + [20] * 14, 40)) == 14
    assert len(disjoint_exact_sets([30, 15, 15, 20, 10, 10, 10, 25, 5], 30)) == 4


def test_shipped_bank_has_two_items_per_requirement():
    from collections import Counter

    from assembler.bank import load_bank

    bank = load_bank()
    have = Counter((x.level or "", x.function, x.code) for x in bank.items if x.active)
    short = [(None, sec.name, code) for sec in STD.basics for it in sec.items for code in it.codes()
             if have[("", sec.name, code)] < 2]
    short += [(lv.code, f.name, r.code) for lv in STD.levels for f in STD.functions_at(lv.code)
              for r in f.knowledge() if have[(lv.code, f.name, r.code)] < 2]
    assert short == []
    laws = [code for code in STD.knowledge_codes("", "基础知识") if code.startswith("2.2.6(")]
    assert len(laws) == 15 and all(have[("", "基础知识", c)] >= 2 for c in laws)


def test_shipped_skill_bank_shape():
    from assembler.bank import load_bank

    bank = load_bank()
    for lv in STD.levels:
        for f in STD.functions_at(lv.code):
            tasks = [t for t in bank.tasks if t.level == lv.code and t.function == f.name]
            assert len(tasks) >= 3, (lv.code, f.name)
            assert all(4 <= len(t.rubric) <= 8 and sum(r.points for r in t.rubric) == t.points for t in tasks)
            assert len({c for t in tasks for c in t.codes}) > len(tasks[0].codes)  # tasks cover different requirements
