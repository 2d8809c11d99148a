"""Integrity of forms: the entries the bank and the seed produce, so that review and verify can tell
a changed paper from a real one; the manifest's seal itself is in seal.py.
"""
from __future__ import annotations

from .bank.models import Bank, Item, Task
from .form import Form


def form_index(code: str) -> int | None:
    """Return the form's index within its assembly (code …-01 → 0), None if the code has none."""
    tail = code.rsplit("-", 1)[-1]
    return int(tail) - 1 if tail.isdigit() and int(tail) >= 1 else None


def expected_entries(form: Form, bank: Bank, blueprint, standard) -> list | None:
    """Return the FormEntry list the bank and the seed produce for the form's set of items
    (paper order, option permutations, displayed answers, points), or None when it cannot be
    derived (an item missing from the bank or of another kind, no form number in the code)."""
    import numpy as np

    from .assemble import AssemblyOptions, _Problem, _SkillProblem, _TheoryProblem
    from .standard import Kind

    index = form_index(form.code)
    picks: list = [bank.get(e.id) for e in form.entries]  # checked below: all Items or all Tasks
    wanted = Item if form.kind is Kind.THEORY else Task
    if index is None or any(not isinstance(p, wanted) for p in picks) or len({p.id for p in picks}) != len(picks):
        return None
    if form.kind is Kind.THEORY:
        sections = {s.type for s in blueprint.structure.sections}
        if any(p.type not in sections for p in picks):
            return None
        problem: _Problem = _TheoryProblem(bank, blueprint, standard, AssemblyOptions())
    else:
        if any(p.function not in {r.name for r in blueprint.rows} for p in picks):
            return None
        problem = _SkillProblem(bank, blueprint, standard, AssemblyOptions())
    return problem.entries(picks, np.random.default_rng([form.seed, index, 7]))


def derivation_problems(form: Form, bank: Bank, blueprint, standard) -> list[str]:
    """Return the differences between the manifest's entries and those the bank and seed produce."""
    expected = expected_entries(form, bank, blueprint, standard)
    if expected is None:
        return []
    out = []
    for got, want in zip(form.entries, expected):
        if got.id != want.id:
            out.append(f"第 {want.number} 题按种子 {form.seed} 应为 {want.id}，清单中为 {got.id}（试题顺序被改动）")
            continue
        if got.number != want.number:
            out.append(f"{want.id} 按种子 {form.seed} 应为第 {want.number} 题，清单中为第 {got.number} 题")
        if got.permutation != want.permutation or got.answer != want.answer:
            out.append(f"第 {want.number} 题 {want.id} 的选项顺序按种子 {form.seed} 应为 "
                       f"{want.permutation or '原顺序'}（答案 {want.answer}），清单中为 "
                       f"{got.permutation or '原顺序'}（答案 {got.answer}）")
        if abs(got.points - want.points) > 1e-9:
            out.append(f"第 {want.number} 题 {want.id} 按试卷结构应为 {want.points:g} 分，清单中为 {got.points:g} 分")
    return out
