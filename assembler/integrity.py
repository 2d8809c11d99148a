"""Integrity of forms: the seal that ties a manifest to the bank content it names, and the entries
the bank and the seed produce, so that review and verify can tell a changed paper from a real one.

The seal is a SHA-256 digest over the whole manifest (every field except the seal itself) and the
full bank record (stem, options, answer, explanation, tags …) of every item it names. Rewriting a
manifest changes the digest, and computing a new one needs the bank's records, which the paper
does not show (original option order, explanations, difficulty, bookkeeping). A forger who has the
bank can still write a consistent set; see the README (“verify 能证明什么”).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from .bank.models import Bank, Item, Task
from .form import Form

SEAL_KEY = "integrity"
SEAL_VERSION = 1
_SALT = b"zujuan-seal-1\n"


def record_digest(rec: Item | Task) -> str:
    """Return the SHA-256 hex digest of one bank record's full content."""
    return hashlib.sha256(json.dumps(rec.to_dict(), ensure_ascii=False, sort_keys=True,
                                     default=str).encode("utf-8")).hexdigest()


def manifest_digest(manifest: dict, bank: Bank) -> str | None:
    """Return the seal digest of a manifest dict against the bank (None if an item is not in it)."""
    body = {k: v for k, v in manifest.items() if k != SEAL_KEY}
    h = hashlib.sha256(_SALT)
    h.update(json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                        default=str).encode("utf-8"))
    for e in manifest.get("items") or ():
        rec = bank.get(str(e.get("id"))) if isinstance(e, dict) else None
        if rec is None:
            return None
        h.update(b"\n" + record_digest(rec).encode("ascii"))
    return h.hexdigest()


def seal_form(form: Form, bank: Bank) -> Form:
    """Return the form with its seal (manifest field "integrity") computed against the bank."""
    extra = {k: v for k, v in form.extra.items() if k != SEAL_KEY}
    unsealed = replace(form, extra=extra)
    digest = manifest_digest(unsealed.to_manifest(), bank)
    if digest is None:  # pragma: no cover - forms are assembled from the bank
        return unsealed
    return replace(form, extra={**extra, SEAL_KEY: {"version": SEAL_VERSION, "sha256": digest}})


def seal_problems(form: Form, bank: Bank) -> list[str]:
    """Return the reasons the form's seal does not hold against the bank (empty when it does).

    An item missing from the bank is reported elsewhere; the seal is then not checked.
    """
    manifest = form.to_manifest()
    seal = manifest.get(SEAL_KEY)
    if not isinstance(seal, dict) or not isinstance(seal.get("sha256"), str):
        return ["试卷清单没有完整性校验码（integrity），无法证明清单未被改写"]
    digest = manifest_digest(manifest, bank)
    if digest is None:
        return []
    if digest != seal["sha256"]:
        return ["试卷清单的完整性校验码与清单内容及其所列试题在题库中的内容不符："
                "清单在组卷后被改写，或所列试题在题库中已被修改"]
    return []


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
