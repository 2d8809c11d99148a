"""Assembly form by form (the fast path), its fallback to the joint model, and the smallest-overlap search."""
import pytest

import assembler.assemble as asm
from assembler.assemble import AssemblyOptions, assemble_forms
from assembler.blueprint import build_blueprint
from assembler.errors import InfeasibleError
from assembler.standard import Kind
from tests.bankutil import single
from tests.test_assemble import (
    BANK,
    PINNED,
    STD,
    check_theory_form,
    singles_blueprint,
    small_bank,
)


def _problem(bank, bp, opts=PINNED):
    return asm._TheoryProblem(bank, bp, STD, opts)


def _spy(monkeypatch, name):
    """Count the calls of a _TheoryProblem method, keeping its behaviour."""
    calls = []
    real = getattr(asm._TheoryProblem, name)

    def wrapped(self, *a, **kw):
        out = real(self, *a, **kw)
        calls.append(out is not None)
        return out

    monkeypatch.setattr(asm._TheoryProblem, name, wrapped)
    return calls


def test_form_by_form_meets_every_constraint_without_the_joint_model(monkeypatch):
    seq = _spy(monkeypatch, "_run_sequential")
    joint = _spy(monkeypatch, "_run_joint")
    bp = build_blueprint(STD, "4", "A", Kind.THEORY)
    forms = assemble_forms(BANK, bp, 2, 3, PINNED, STD)
    assert seq == [True] and joint == []
    for f in forms:
        check_theory_form(f, BANK, bp)
    assert not set(forms[0].ids()) & set(forms[1].ids())


def test_form_by_form_is_reproducible_and_seeds_differ():
    bp = build_blueprint(STD, "3", "B", Kind.THEORY)
    a = [f.ids() for f in assemble_forms(BANK, bp, 2, 8, PINNED, STD)]
    b = [f.ids() for f in assemble_forms(BANK, bp, 2, 8, PINNED, STD)]
    c = [f.ids() for f in assemble_forms(BANK, bp, 2, 9, PINNED, STD)]
    assert a == b
    assert set(a[0] + a[1]) != set(c[0] + c[1])


def test_overlap_rows_hold_form_by_form(monkeypatch):
    seq = _spy(monkeypatch, "_run_sequential")
    bp = build_blueprint(STD, "4", "A", Kind.THEORY)
    forms = assemble_forms(BANK, bp, 4, 5, AssemblyOptions(max_overlap=45), STD)  # 360 items from 267
    assert seq == [True]
    ids = [set(f.ids()) for f in forms]
    assert max(len(x & y) for k, x in enumerate(ids) for y in ids[k + 1:]) <= 45
    for f in forms:
        check_theory_form(f, BANK, bp)


def test_joint_model_runs_when_a_form_cannot_be_completed(monkeypatch):
    # a form-by-form failure (forced here) must leave the exact joint model to decide
    monkeypatch.setattr(asm._TheoryProblem, "_run_sequential", lambda self, *a: None)
    joint = _spy(monkeypatch, "_run_joint")
    bp = build_blueprint(STD, "4", "A", Kind.THEORY)
    forms = assemble_forms(BANK, bp, 2, 3, PINNED, STD)
    assert joint == [True]
    for f in forms:
        check_theory_form(f, BANK, bp)
    assert not set(forms[0].ids()) & set(forms[1].ids())


def test_a_timeout_form_by_form_falls_back_to_the_joint_model(monkeypatch):
    def timeout(self, *a):
        raise asm._Timeout()

    monkeypatch.setattr(asm._TheoryProblem, "_run_sequential", timeout)
    bp = build_blueprint(STD, "2", None, Kind.THEORY)
    for f in assemble_forms(BANK, bp, 1, 1, PINNED, STD):
        check_theory_form(f, BANK, bp)


def test_candidates_are_retried_over_every_admissible_item(monkeypatch):
    # with no spare candidates a cell's sample is exactly what one form needs, so some forms
    # need the retry over every admissible item; the result still meets every constraint
    monkeypatch.setattr(asm._TheoryProblem, "CANDIDATES_PER_NEED", 1)
    monkeypatch.setattr(asm._TheoryProblem, "CANDIDATES_EXTRA", 0)
    sizes = []
    real = asm._TheoryProblem._solve_one

    def solve_one(self, cand, *a):
        sizes.append(len(cand))
        return real(self, cand, *a)

    monkeypatch.setattr(asm._TheoryProblem, "_solve_one", solve_one)
    bp = build_blueprint(STD, "4", "A", Kind.THEORY)
    forms = assemble_forms(BANK, bp, 2, 2, PINNED, STD)
    assert len(sizes) > 2 and max(sizes) > 90
    for f in forms:
        check_theory_form(f, BANK, bp)


def test_scarce_work_contents_are_spared():
    bp = build_blueprint(STD, "4", "A", Kind.THEORY)
    p = _problem(BANK, bp)
    import numpy as np

    unused = np.ones(len(p.pool), dtype=bool)
    few, many = p._scarcity(unused, 1, True), p._scarcity(unused, 3, True)
    assert (few <= many).all() and many.max() > 0  # more forms to come: more items are scarce
    assert few.min() >= 0


def _smallest_by_scan(bank, bp, n_forms):
    """Return the smallest overlap the joint model accepts, by trying every value upwards."""
    p = _problem(bank, bp)
    for r in range(p.form_size() + 1):
        if p._run_joint(n_forms, r, 1, feasibility=True, time_limit=60) is not None:
            return r
    return None


@pytest.mark.parametrize("extra", [10, 30, 55])
def test_smallest_overlap_equals_a_full_scan(extra):
    items = [single(f"财务管理-x{k}", "1", "财务管理", "3.1.1" if k % 2 else "3.2.1", "ABCD"[k % 4]) for k in range(extra)]
    b = small_bank(items)
    bp = singles_blueprint()
    expected = _smallest_by_scan(b, bp, 2)
    with pytest.raises(InfeasibleError) as e:
        assemble_forms(b, bp, 2, 4, AssemblyOptions(), STD)
    assert f"最少需要允许每两套试卷重复 {expected} 题（--max-overlap {expected}）" in str(e.value)
    forms = assemble_forms(b, bp, 2, 4, AssemblyOptions(max_overlap=expected), STD)
    assert len(set(forms[0].ids()) & set(forms[1].ids())) <= expected


def test_smallest_overlap_tries_the_counting_bound_first(monkeypatch):
    b = small_bank([single(f"财务管理-x{k}", "1", "财务管理", "3.1.1" if k % 2 else "3.2.1", "ABCD"[k % 4])
                    for k in range(10)])
    p = _problem(b, singles_blueprint(), AssemblyOptions())
    overlaps = []
    real = asm._TheoryProblem._run_sequential

    def run(self, n_forms, overlap, *a, **kw):
        overlaps.append(overlap)
        return real(self, n_forms, overlap, *a, **kw)

    monkeypatch.setattr(asm._TheoryProblem, "_run_sequential", run)
    joint = _spy(monkeypatch, "_run_joint")
    assert p._smallest_overlap(2, 4) == (90, 90, True)
    assert overlaps == [90] and joint == []  # the bound (90) works at once: done


def test_smallest_overlap_is_proved_by_the_exact_model_below_the_heuristic(monkeypatch):
    # form by form is made to fail below 95: the exact model must still find the true 90
    b = small_bank([single(f"财务管理-x{k}", "1", "财务管理", "3.1.1" if k % 2 else "3.2.1", "ABCD"[k % 4])
                    for k in range(10)])
    p = _problem(b, singles_blueprint(), AssemblyOptions())
    real = asm._TheoryProblem._run_sequential
    monkeypatch.setattr(asm._TheoryProblem, "_run_sequential",
                        lambda self, n, overlap, *a: real(self, n, overlap, *a) if overlap >= 95 else None)
    assert p._smallest_overlap(2, 4) == (90, 90, True)


def test_overlap_bound_counts_pairs_of_an_even_spread():
    # one form's worth of items for three forms: every item is in all three, every pair shares 100
    p = _problem(small_bank(), singles_blueprint(), AssemblyOptions())
    assert p.overlap_lower_bound(3) == 100  # the lacking-items bound alone gave ⌈200 / 3⌉ = 67
    assert p.overlap_lower_bound(1) == 0
    with pytest.raises(InfeasibleError) as e:
        assemble_forms(small_bank(), singles_blueprint(), 3, 1, AssemblyOptions(), STD)
    assert str(e.value).endswith("最少需要允许每两套试卷重复 100 题（--max-overlap 100），或补充题目。")
