"""Reviewers' coverage report: forms (manifests, folders or .docx) checked against the blueprint,
the bank and the ledger. Returns a Review; writers live in writers/review.py.

Every figure is recomputed from the bank, never taken from the manifest, so an edited manifest
or paper (an item moved to another function, a changed answer) fails with the reason.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from enum import Enum
from itertools import combinations
from pathlib import Path

from .assemble import target_from_record
from .bank.models import LETTERS, TRUE_MARK, Bank, Item, Task
from .blueprint import Blueprint, build_blueprint, combination_label, work_content_quota
from .errors import AssemblerError, DataError, Problem
from .form import Form, form_from_manifest, load_manifest
from .rules import (
    DEFAULT_DIFFICULTY_SHARE,
    DEFAULT_LABEL,
    JUDGE_TRUE_SHARE,
    MAX_EQUAL_RUN,
    SINGLE_LETTERS,
    band_counts,
    minimum_minutes,
)
from .standard import Kind, Standard, work_content_of
from .structure import ItemType, load_structure, plain_number


class Verdict(str, Enum):
    """A review's conclusion: the value is the JSON contract ("pass"/"fail"), the label what a reader sees."""

    PASS = "pass"
    FAIL = "fail"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        return "合格" if self is Verdict.PASS else "不合格"

    @classmethod
    def of(cls, passed: bool) -> Verdict:
        """Return PASS for True, FAIL for False."""
        return cls.PASS if passed else cls.FAIL


@dataclass(frozen=True)
class CellCheck:
    """One item type of a theory function: the blueprint's count and the paper's."""

    type: ItemType
    target: int
    actual: int


@dataclass(frozen=True, kw_only=True)
class FunctionCheck:
    name: str
    target_points: float
    actual_points: float
    target_count: int | None  # None for skill
    actual_count: int
    cells: tuple[CellCheck, ...] = ()  # theory only, in the blueprint's order

    def to_dict(self) -> dict:
        """Return the JSON record of the check (cells keyed by type value)."""
        return {"name": self.name, "target_points": plain_number(self.target_points, 4),
                "actual_points": plain_number(self.actual_points, 4), "target_count": self.target_count,
                "actual_count": self.actual_count,
                "cells": {c.type.value: {"target": c.target, "actual": c.actual} for c in self.cells}}


@dataclass(frozen=True, kw_only=True)
class WorkContentCheck:
    """One work content of a function: its quota (theory; None without one) and the paper's items in it."""

    function: str
    code: str
    name: str
    points: int | float | str  # the blueprint's points, as plain_number gives them
    min: int
    max: int | None
    actual: int

    @property
    def covered(self) -> bool:
        return self.actual > 0

    def to_dict(self) -> dict:
        """Return the JSON record of the check."""
        return {"function": self.function, "code": self.code, "name": self.name, "points": self.points,
                "min": self.min, "max": self.max, "actual": self.actual, "covered": self.covered}


@dataclass(frozen=True, kw_only=True)
class RequirementCheck:
    """One requirement of the standard the paper's blueprint may examine, and whether an item examines it."""

    function: str
    code: str
    text: str
    covered: bool

    def to_dict(self) -> dict:
        """Return the JSON record of the check."""
        return {"function": self.function, "code": self.code, "text": self.text, "covered": self.covered}


@dataclass(frozen=True, kw_only=True)
class DifficultyCheck:
    """The paper's difficulty: mean label, band counts and, for theory, the target and whether it is met."""

    mean: float
    easy: int
    medium: int
    hard: int
    target: str | None = None  # the target as described (theory only)
    mean_p: float | None = None  # a p target only
    observed_p_items: int | None = None  # a p target only: items with an observed p
    ok: bool | None = None  # theory only

    def to_dict(self) -> dict:
        """Return the JSON record (keys of the figures that do not apply are left out)."""
        out: dict = {"mean": self.mean, "easy": self.easy, "medium": self.medium, "hard": self.hard}
        for k in ("target", "mean_p", "observed_p_items", "ok"):
            if getattr(self, k) is not None:
                out[k] = getattr(self, k)
        return out


@dataclass(frozen=True, kw_only=True)
class AnswerSpread:
    """How a theory paper's keys are spread: letters of single choice, √/× of judge, letters of multiple."""

    single: dict[str, int]  # A–D -> items
    judge_true: int
    judge_false: int
    multiple: dict[str, int]  # letter -> keys containing it
    longest_single: int  # longest run of equal single-choice keys
    longest_judge: int

    def to_dict(self) -> dict:
        """Return the JSON record of the spread."""
        return {"single": dict(self.single), "judge": {"√": self.judge_true, "×": self.judge_false},
                "multiple": dict(self.multiple),
                "longest_run": {"single": self.longest_single, "judge": self.longest_judge}}


@dataclass(frozen=True, kw_only=True)
class Equivalence:
    """The parallel forms of one level, direction, kind and structure compared with each other."""

    label: str
    forms: tuple[str, ...]
    points_identical: bool
    difficulty_means: tuple[float, ...]
    difficulty_spread: float

    def to_dict(self) -> dict:
        """Return the JSON record (without the label, which keys it)."""
        return {"forms": list(self.forms), "points_identical": self.points_identical,
                "difficulty_means": list(self.difficulty_means), "difficulty_spread": self.difficulty_spread}


@dataclass(frozen=True, kw_only=True)
class FormReview:
    form: str
    title: str
    kind: Kind
    source: str
    functions: tuple[FunctionCheck, ...]
    work_contents: tuple[WorkContentCheck, ...]
    requirements: tuple[RequirementCheck, ...]
    difficulty: DifficultyCheck | None  # None for a paper without items
    answers: AnswerSpread | None  # None for skill
    usage: dict[str, int]  # item id -> times used before
    duration_minutes: int
    reasons: tuple[str, ...]
    item_ids: tuple[str, ...]
    notes: tuple[str, ...] = ()
    created: str = ""  # the form's creation time: the report's pinned time

    @property
    def uncovered(self) -> list[RequirementCheck]:
        return [r for r in self.requirements if not r.covered]

    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def verdict(self) -> Verdict:
        return Verdict.of(self.passed)

    def to_dict(self) -> dict:
        """Return the JSON record of the form's review."""
        return {
            "form": self.form, "title": self.title, "kind": self.kind.value, "source": self.source,
            "verdict": self.verdict.value, "reasons": list(self.reasons), "notes": list(self.notes),
            "functions": [c.to_dict() for c in self.functions],
            "work_contents": [w.to_dict() for w in self.work_contents],
            "requirements": [r.to_dict() for r in self.requirements],
            "uncovered": [r.to_dict() for r in self.uncovered],
            "difficulty": self.difficulty.to_dict() if self.difficulty else {},
            "answers": self.answers.to_dict() if self.answers else {}, "usage": self.usage,
            "duration_minutes": self.duration_minutes,
        }


@dataclass(frozen=True)
class Review:
    forms: tuple[FormReview, ...]
    overlap: tuple[tuple[int, ...], ...]
    equivalence: tuple[Equivalence, ...]
    reasons: tuple[str, ...]

    @property
    def created(self) -> str:
        """Return the earliest creation time of the reviewed forms (the reports' pinned time)."""
        times = sorted(f.created for f in self.forms if f.created)
        return times[0] if times else ""

    @property
    def verdict(self) -> Verdict:
        return Verdict.of(not self.reasons)

    @property
    def verdict_label(self) -> str:
        return self.verdict.label

    def to_dict(self) -> dict:
        """Return the JSON contract of a review."""
        return {
            "verdict": self.verdict.value, "reasons": list(self.reasons),
            "forms": [f.to_dict() for f in self.forms],
            "overlap": [list(r) for r in self.overlap],
            "equivalence": {e.label: e.to_dict() for e in self.equivalence},
        }


def summary_lines(f: FormReview) -> list[str]:
    """Return the per-form summary sentences shared by the text report and the Word report."""
    covered_wc = sum(1 for w in f.work_contents if w.covered)
    lines = [f"工作内容覆盖 {covered_wc}/{len(f.work_contents)}，鉴定点覆盖 "
             f"{len(f.requirements) - len(f.uncovered)}/{len(f.requirements)}。"]
    d = f.difficulty
    if d:
        target = f"（目标 {d.target}）" if d.target is not None else ""
        observed = (f"，平均通过率 {d.mean_p:.3f}（{d.observed_p_items} 题有实测值，其余按难度标签折算）"
                    if d.mean_p is not None else "")
        lines.append(f"难度：平均 {d.mean:.2f}{observed}{target}，易/中/难 {d.easy}/{d.medium}/{d.hard}。")
    if f.kind is Kind.THEORY and f.answers:
        a = f.answers
        lines.append("答案分布：单选 " + "、".join(f"{k} {v}" for k, v in a.single.items())
                     + f"；判断 √ {a.judge_true}、× {a.judge_false}；最长连续相同答案 单选 "
                     f"{a.longest_single}、判断 {a.longest_judge}。")
    else:
        lines.append(f"考核时间合计 {f.duration_minutes} 分钟。")
    if f.usage:
        used = [v for v in f.usage.values() if v]
        lines.append(f"曾在以往考试中使用的试题 {len(used)} 题" + (f"（最多 {max(used)} 次）。" if used else "。"))
    lines += [f"说明：{n}" for n in f.notes]
    return lines


# ---- reading forms ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReviewedDocument:
    """A Word paper, key or scoring sheet we wrote, with the manifest embedded in it."""

    path: str
    kind: str  # paper, key, skill_paper, scoring_sheet
    data: bytes
    form: Form  # the embedded manifest


@dataclass(frozen=True)
class LoadedForm:
    form: Form
    source: str
    documents: tuple[ReviewedDocument, ...] = ()  # checked against form, the bank and the seed
    disagreements: tuple[str, ...] = ()  # manifests of one form that differ from each other


def load_forms(paths: list[str | Path]) -> list[LoadedForm]:  # noqa: C901
    """Return the forms in manifests, .docx files and folders of them. Raises DataError.

    A folder gives every manifest and every Word document in it; the documents of one form (same
    code and session) are reviewed together with its manifest, and any disagreement between them
    becomes a reason of the review.
    """
    from .render.embed import read_embedded

    manifests: list[LoadedForm] = []
    documents: list[ReviewedDocument] = []
    problems: list[Problem] = []
    files: list[tuple[Path, bool]] = []
    for p in map(Path, paths):
        if p.is_dir():
            listed = sorted(x for x in p.rglob("*") if x.suffix.lower() in (".json", ".docx") and x.is_file()
                            and not x.name.startswith((".", "~$")))
            files += [(x, True) for x in listed]
        elif p.exists():
            files.append((p, False))
        else:
            problems.append(Problem("文件或文件夹不存在", file=str(p)))
    for f, in_folder in files:
        if f.suffix.lower() == ".json":
            if in_folder and _is_review_report(f):
                continue
            if _is_defence_manifest(f):  # 综合评审 答辩 sets: checked when drawn (review_generate.audit_sets)
                if not in_folder:
                    problems.append(Problem(DEFENCE_NOTE, file=str(f)))
                continue
            try:
                manifests.append(LoadedForm(load_manifest(f), str(f)))
            except DataError as exc:
                problems += exc.problems
        elif f.suffix.lower() == ".docx":
            try:
                data = f.read_bytes()
                found = read_embedded(data)
            except OSError as exc:
                problems.append(Problem(f"无法读取：{exc.strerror or exc}", file=str(f)))
                continue
            if not found or found.get("manifest") is None:
                if in_folder and _is_review_document(data):
                    continue
                if _is_panel_document(data):
                    if not in_folder:
                        problems.append(Problem(DEFENCE_NOTE, file=str(f)))
                    continue
                problems.append(Problem("不是 zujuan 生成的试卷：文档中没有内嵌的试卷清单", file=str(f)))
                continue
            try:
                form = form_from_manifest(found["manifest"], str(f))
            except DataError as exc:
                problems += exc.problems
                continue
            documents.append(ReviewedDocument(str(f), str(found.get("document") or ""), data, form))
        else:
            problems.append(Problem("只能审核试卷清单（.json）、Word 试卷（.docx）或包含它们的文件夹", file=str(f)))
    if problems:
        raise DataError(problems, title="无法读取待审核的试卷")
    out = _group(manifests, documents)
    if not out:
        raise DataError([Problem("没有找到试卷清单或试卷", file=", ".join(map(str, paths)))], title="无法读取待审核的试卷")
    return out


def with_documents(form: Form, source: str, documents: dict[str, bytes]) -> LoadedForm:
    """Return the form to review with the Word documents written for it ({name: bytes}), so the
    review checks them against the form, the bank and the seed as `review DIR` does.

    A document without a readable embedded manifest is still checked (as carrying the form's).
    """
    from .render.embed import read_embedded

    docs = []
    for name, data in documents.items():
        try:
            found = read_embedded(data) or {}
            embedded = form_from_manifest(found["manifest"], name) if found.get("manifest") is not None else form
        except DataError:  # an unreadable manifest; a damaged package reads as none (document_problems reports both)
            embedded, found = form, {}
        docs.append(ReviewedDocument(name, str(found.get("document") or ""), data, embedded))
    return LoadedForm(form, source, tuple(docs))


def _is_review_report(path: Path) -> bool:
    """Return True for a review report (JSON with verdict and forms) lying in a folder under review."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and "verdict" in data and "forms" in data and "items" not in data


DEFENCE_NOTE = "这是综合评审（答辩）的文档或套题清单，不是试卷：review 只审核理论、技能试卷；答辩套题在组卷时已核对"
PANEL_CATEGORIES = ("答辩题单", "综合评审评分表", "综合评审汇总表")  # render/review_panel_docs core category


def _is_defence_manifest(path: Path) -> bool:
    """Return True for the manifest of a 综合评审 答辩 set (kind review)."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):  # load_manifest reports these
        return False
    return isinstance(data, dict) and data.get("kind") == "review"


def _is_panel_document(data: bytes) -> bool:
    """Return True for a 综合评审 document we wrote (答辩题单, 评分表, 汇总表)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            core = z.read("docProps/core.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, RuntimeError, OSError, NotImplementedError):
        return False
    return any(f"<cp:category>{c}</cp:category>" in core for c in PANEL_CATEGORIES)


def _is_review_document(data: bytes) -> bool:
    """Return True for a review report we wrote (.docx titled 试卷审核报告)."""
    import io
    import zipfile

    from .render.embed import DAMAGED_PACKAGE

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "<dc:title>试卷审核报告</dc:title>" in z.read("docProps/core.xml").decode("utf-8", "replace")
    except (*DAMAGED_PACKAGE, KeyError, OSError):
        return False


def _group(manifests: list[LoadedForm], documents: list[ReviewedDocument]) -> list[LoadedForm]:
    """Return one LoadedForm per form (code and session): its manifest (or, without one, the first
    document's embedded manifest) with all its documents; manifests of one form that differ are
    reported as disagreements, not as two forms sharing all their items."""
    groups: dict[tuple[str, str], list] = {}
    for lf in manifests:
        groups.setdefault((lf.form.code, lf.form.session), []).append(lf)
    for d in documents:
        groups.setdefault((d.form.code, d.form.session), []).append(d)
    out = []
    for members in groups.values():
        first = members[0]
        canonical, source = (first.form, first.source) if isinstance(first, LoadedForm) else (first.form, first.path)
        disagreements: list[str] = []
        for m in members[1:]:
            where = m.source if isinstance(m, LoadedForm) else m.path
            disagreements += [f"{Path(where).name} 与 {Path(source).name} 的试卷清单不一致：{d}"
                              for d in manifest_differences(canonical, m.form)]
        docs = tuple(m for m in members if isinstance(m, ReviewedDocument))
        sources = "、".join(dict.fromkeys([m.source if isinstance(m, LoadedForm) else m.path for m in members]))
        out.append(LoadedForm(canonical, sources, docs, tuple(disagreements)))
    return out


def manifest_differences(a: Form, b: Form, limit: int = 5) -> list[str]:
    """Return how manifest b differs from manifest a, item by item (at most limit lines, then a count)."""
    ma, mb = a.to_manifest(), b.to_manifest()
    if ma == mb:
        return []
    out = []
    ea, eb = {e.number: e for e in a.entries}, {e.number: e for e in b.entries}
    for n in sorted(set(ea) | set(eb)):
        x, y = ea.get(n), eb.get(n)
        if x is None or y is None:
            out.append(f"第 {n} 题只在其中一份清单中")
        elif x != y:
            fields = [label for label, k in (("试题", "id"), ("选项顺序", "permutation"), ("答案", "answer"),
                                             ("分值", "points"), ("职业功能", "function"), ("鉴定点", "code"),
                                             ("题型", "type"), ("难度", "difficulty"))
                      if getattr(x, k) != getattr(y, k)]
            detail = f"（答案 {x.answer} / {y.answer}）" if "答案" in fields else ""
            out.append(f"第 {n} 题 {x.id} 的{'、'.join(fields) or '内容'}不同{detail}")
    others = sorted(k for k in set(ma) | set(mb) if k not in ("items", "totals", "difficulty") and ma.get(k) != mb.get(k))
    if others:
        out.append("字段 " + "、".join(others) + " 不同")
    if len(out) > limit:
        out = out[:limit] + [f"另有 {len(out) - limit} 处不同"]
    return out


# ---- checks ------------------------------------------------------------------------------------------
def review_forms(loaded: list[LoadedForm], bank: Bank, standard: Standard, ledger: str | None = None) -> Review:
    """Return the review of the forms against their blueprints, the bank and the ledger."""
    reviews = [review_form(lf, bank, standard, ledger) for lf in loaded]
    forms = [lf.form for lf in loaded]
    n = len(forms)
    overlap = tuple(tuple(len(set(forms[i].ids()) & set(forms[j].ids())) if i != j else len(forms[i].entries)
                          for j in range(n)) for i in range(n))
    reasons: list[str] = []
    for r in reviews:
        reasons += [f"{r.form}：{x}" for x in r.reasons]
    equivalence: list[Equivalence] = []
    groups: dict = {}
    for f, r in zip(forms, reviews):
        groups.setdefault((f.level, f.direction, f.kind.value, f.structure), []).append((f, r))
    for key, members in groups.items():
        if len(members) < 2:
            continue
        label = f"{combination_label(standard, key[0], key[1])} {Kind(key[2]).label}" + (f"（{key[3]}）" if key[3] else "")
        points = {m[0].code: {c.name: plain_number(c.actual_points, 4) for c in m[1].functions} for m in members}
        identical = len({tuple(sorted(p.items())) for p in points.values()}) == 1
        means = tuple(m[1].difficulty.mean if m[1].difficulty else 0 for m in members)
        spread = round(max(means) - min(means), 3)
        equivalence.append(Equivalence(label=label, forms=tuple(m[0].code for m in members), points_identical=identical,
                                       difficulty_means=means, difficulty_spread=spread))
        if not identical:
            reasons.append(f"{label}：各套试卷的职业功能分值不一致")
        limit = max(int((m[0].extra.get("assembly") or {}).get("max_overlap", 0)) for m in members)
        for (fa, _), (fb, _) in combinations(members, 2):
            shared = len(set(fa.ids()) & set(fb.ids()))
            if shared > limit:
                reasons.append(f"{fa.code} 与 {fb.code} 有 {shared} 道相同试题，超过允许的 {limit} 题")
    return Review(tuple(reviews), overlap, tuple(equivalence), tuple(reasons))


def review_form(lf: LoadedForm, bank: Bank, standard: Standard, ledger: str | None = None) -> FormReview:
    """Return the review of one form: every check below, each adding its reasons (Chinese sentences).

    Raises DataError when the form's blueprint cannot be rebuilt from the standard.
    """
    form = lf.form
    reasons: list[str] = []
    bp = _rebuilt_blueprint(lf, standard, reasons)
    note = (f"题库已更新（组卷时 {form.bank_hash}，现在 {bank.hash}）；以下按现有题库逐题核对"
            if bank.hash != form.bank_hash else "")
    ids = form.ids()
    records = _entry_checks(form, bank, standard, reasons)
    reasons += list(lf.disagreements)
    reasons += integrity_problems(lf, bank, bp, standard)
    _enemy_checks(records, reasons)
    functions = _function_checks(form, bp, records, reasons)
    work_contents, requirements = _coverage(bp, records, standard, form.kind, reasons)
    difficulty = _difficulty(form, records, reasons)
    answers = _answers(form, reasons) if form.kind is Kind.THEORY else None
    duration = _duration_check(form, records, standard, reasons)
    usage: dict[str, int] = {}
    if ledger:
        from .ledger import usage_counts
        usage = usage_counts(ledger, ids, exclude_session=form.session or None)
    notes = ((note,) if note else ()) + item_notes(records)
    return FormReview(form=form.code, title=form.title or bp.title, kind=form.kind, source=lf.source,
                      functions=tuple(functions), work_contents=tuple(work_contents),
                      requirements=tuple(requirements), difficulty=difficulty, answers=answers, usage=usage,
                      duration_minutes=duration, reasons=tuple(reasons), item_ids=tuple(ids), notes=notes,
                      created=form.created or "")


def _rebuilt_blueprint(lf: LoadedForm, standard: Standard, reasons: list[str]) -> Blueprint:
    """Return the form's blueprint rebuilt from the standard; a changed hash is a reason."""
    form = lf.form
    try:
        structure = load_structure(form.structure) if form.kind is Kind.THEORY else None
        bp = build_blueprint(standard, form.level, form.direction, form.kind, structure)
    except AssemblerError as exc:
        raise DataError([Problem(f"无法重建蓝图：{exc}", file=lf.source)], title="试卷清单有误") from None
    if bp.hash != form.blueprint_hash:
        reasons.append(f"蓝图哈希 {form.blueprint_hash} 与按标准重建的蓝图 {bp.hash} 不一致（结构或标准已改变）")
    return bp


def _entry_checks(form: Form, bank: Bank, standard: Standard, reasons: list[str]) -> list[Item | Task]:
    """Return the bank records of the form's entries; each entry that disagrees with its record is a reason."""
    records: list[Item | Task] = []
    dup = [i for i, k in Counter(form.ids()).items() if k > 1]
    if dup:
        reasons.append("试题重复出现：" + "、".join(dup))
    for e in form.entries:
        rec = bank.get(e.id)
        if rec is None:
            reasons.append(f"第 {e.number} 题 {e.id} 在题库中不存在")
            continue
        records.append(rec)
        reasons += _entry_reasons(e, rec, form, standard)
    return records


def _entry_reasons(e, rec: Item | Task, form: Form, standard: Standard) -> list[str]:
    """Return how one entry of the form disagrees with its bank record."""
    out = []
    where = f"第 {e.number} 题 {e.id}"
    if rec.function != e.function:
        out.append(f"{where} 的职业功能在试卷中为「{e.function}」，题库中为「{rec.function}」")
    if rec.code != e.code and not (isinstance(rec, Task) and ",".join(rec.codes) == e.code):
        out.append(f"{where} 的鉴定点在试卷中为 {e.code}，题库中为 {rec.code}")
    if rec.type is not e.type:
        out.append(f"{where} 的题型在试卷中为 {e.type.label}，题库中为 {rec.type.label}")
    if not rec.active:
        out.append(f"{where} " + ("是待标注草稿" if rec.status.value == "draft" else "已停用"))
    if rec.level not in (None, form.level):
        out.append(f"{where} 属于{standard.level(rec.level).name}，不属于本试卷等级")
    if isinstance(rec, Item):
        expected = displayed_answer(rec, e.permutation)
        if expected is None:
            out.append(f"{where} 的选项排列 {e.permutation} 无效")
        elif e.answer != expected:
            out.append(f"{where} 的答案在试卷中为 {e.answer}，按题库应为 {expected}")
    return out


def _enemy_checks(records: list[Item | Task], reasons: list[str]) -> None:
    for a, b in combinations(records, 2):
        if b.id in a.enemies or a.id in b.enemies:
            reasons.append(f"互斥题 {a.id} 与 {b.id} 出现在同一试卷")


def _function_checks(form: Form, bp: Blueprint, records: list[Item | Task], reasons: list[str]) -> list[FunctionCheck]:
    """Return each function's points (and, for theory, counts per type) against the blueprint; records of
    a function the paper does not examine are reasons too."""
    points = {e.id: e.points for e in form.entries}
    functions = []
    for r in bp.rows:
        mine = [x for x in records if x.function == r.name]
        actual_points = sum(points[x.id] for x in mine)
        cells = []
        if form.kind is Kind.THEORY:
            for c in r.cells:
                got = sum(1 for x in mine if x.type is c.type)
                cells.append(CellCheck(c.type, c.count, got))
                if got != c.count:
                    reasons.append(f"{r.name} · {c.type.label}应为 {c.count} 题，实为 {got} 题")
        if abs(actual_points - r.weight) > 1e-9:
            reasons.append(f"{r.name}应为 {r.weight} 分，实为 {plain_number(actual_points, 4)} 分")
        functions.append(FunctionCheck(name=r.name, target_points=r.weight, actual_points=actual_points,
                                       target_count=r.count if form.kind is Kind.THEORY else None,
                                       actual_count=len(mine), cells=tuple(cells)))
    examined = {r.name for r in bp.rows}
    for x in records:
        if x.function not in examined:
            reasons.append(f"{x.id} 的职业功能「{x.function}」不在本试卷的考核范围内")
    return functions


def _duration_check(form: Form, records: list[Item | Task], standard: Standard, reasons: list[str]) -> int:
    """Return the paper's duration (a skill paper's is its tasks' sum, at least the standard's minimum)."""
    if form.kind is not Kind.SKILL:
        return form.duration_minutes
    duration = sum(x.duration for x in records if isinstance(x, Task))
    least = minimum_minutes(Kind.SKILL, standard)
    if duration < least:
        reasons.append(f"操作技能考核时间合计 {duration} 分钟，少于标准规定的 {least} 分钟")
    return duration


def item_notes(records: list) -> tuple[str, ...]:
    """Return review notes on the paper's items: all-option multiple-choice keys, difficulty without data."""
    out = []
    every = [x.id for x in records if isinstance(x, Item) and x.type is ItemType.MULTIPLE
             and x.options and len(x.answer) == len(x.options)]
    if every:
        out.append(f"{len(every)} 道多选题的答案为全部选项（允许，但请确认确属全选）：" + "、".join(every))
    objective = [x for x in records if isinstance(x, Item)]
    plain = sum(1 for x in objective if x.difficulty == DEFAULT_LABEL and x.p_value is None)
    if objective and plain / len(objective) > DEFAULT_DIFFICULTY_SHARE:
        out.append(f"{plain}/{len(objective)} 道题难度为默认值 3 且无通过率数据，难度分布仅为名义值，"
                   "不反映实际难度（考后录入通过率后再评估）")
    return tuple(out)


def integrity_problems(lf: LoadedForm, bank: Bank, bp: Blueprint, standard: Standard) -> list[str]:
    """Return the reasons the form is not what the bank and its seed produce: a broken seal, an
    order or permutation the seed does not give, and every document whose visible content
    differs from the one the bank and the manifest produce (naming the item)."""
    from .integrity import derivation_problems
    from .render.visible import DOCUMENT_NAMES, document_problems
    from .seal import seal_problems

    form = lf.form
    out = seal_problems(form, bank) + derivation_problems(form, bank, bp, standard)
    for d in lf.documents:
        name = Path(d.path).name
        if d.form.to_manifest() != form.to_manifest():
            out += [f"{name}：{x}" for x in seal_problems(d.form, bank)]
        if d.kind not in DOCUMENT_NAMES:
            out.append(f"{name}：内嵌清单的文档类型「{d.kind}」无法识别")
            continue
        out += [f"{name}：{x}" for x in document_problems(d.data, d.kind, form, bank, standard)]
    return out


def displayed_answer(item: Item, permutation: str) -> str | None:
    """Return the answer as displayed under a permutation ("" = original order), or None if invalid."""
    if item.type is ItemType.JUDGE:
        return item.answer if not permutation else None
    letters = "".join(k for k, _ in item.options)
    perm = permutation or letters
    if sorted(perm) != sorted(letters):
        return None
    return "".join(sorted(LETTERS[perm.index(a)] for a in item.answer))


def _coverage(bp: Blueprint, records, standard: Standard, kind: Kind,
              reasons: list[str]) -> tuple[list[WorkContentCheck], list[RequirementCheck]]:
    """Return each work content's items against its quota and each requirement's coverage; a theory
    work content outside its quota is a reason."""
    work_contents: list[WorkContentCheck] = []
    requirements: list[RequirementCheck] = []
    codes_used = set()
    for x in records:
        for c in (x.codes if isinstance(x, Task) else (x.code,)):
            codes_used.add((x.function, c))
    for r in bp.rows:
        mine = [x for x in records if x.function == r.name]
        quota = work_content_quota(r, r.count) if kind is Kind.THEORY else [(0, None)] * len(r.work_contents)
        for w, (lo, hi) in zip(r.work_contents, quota):
            n = sum(1 for x in mine if any(work_content_of(c, x.function) == w.code
                                           for c in (x.codes if isinstance(x, Task) else (x.code,))))
            work_contents.append(WorkContentCheck(function=r.name, code=w.code, name=w.name,
                                                  points=plain_number(float(w.points), 4), min=lo, max=hi, actual=n))
            if kind is Kind.THEORY and hi is not None and not (lo <= n <= hi):
                reasons.append(f"{r.name} · {w.code} {w.name}应有 {lo}～{hi} 题，实为 {n} 题")
            texts = standard.knowledge_codes(bp.level, r.name) if kind is Kind.THEORY else standard.skill_codes(bp.level, r.name)
            for code in w.requirements:
                requirements.append(RequirementCheck(function=r.name, code=code, text=texts.get(code, ""),
                                                     covered=(r.name, code) in codes_used))
    return work_contents, requirements


def _difficulty(form: Form, records, reasons: list[str]) -> DifficultyCheck | None:
    """Return the paper's difficulty (None without records); a theory paper off its target is a reason."""
    ds = [x.difficulty for x in records]
    if not ds:
        return None
    mean = sum(ds) / len(ds)
    easy, medium, hard = band_counts(ds)
    out = DifficultyCheck(mean=round(mean, 3), easy=easy, medium=medium, hard=hard)
    if form.kind is Kind.SKILL:
        return out
    target = target_from_record(form.extra.get("assembly"))
    mean_p = observed = None
    if target.ratio:
        bands = target.bands(len(ds))
        ok = all(lo <= got <= hi for got, (lo, hi) in zip((easy, medium, hard), bands))
    elif target.uses_p:
        mean_p = round(sum(target.value(x) for x in records) / len(records), 4)
        observed = sum(1 for x in records if getattr(x, "p_value", None) is not None)
        ok = abs(sum(target.value(x) for x in records) / len(records) - target.mean) <= target.tolerance + 1e-9
    else:
        ok = abs(mean - target.mean) <= target.tolerance + 1e-9
    if not ok:
        got = f"平均通过率 {mean_p:.3f}" if target.uses_p else f"平均 {mean:.2f}"
        reasons.append(f"难度不符合目标（{target.describe()}）：{got}，易/中/难 {easy}/{medium}/{hard}")
    return replace(out, target=target.describe(), mean_p=mean_p, observed_p_items=observed, ok=ok)


def _answers(form: Form, reasons: list[str]) -> AnswerSpread:
    """Return how the theory paper's keys are spread; an unbalanced spread or a long run is a reason."""
    singles = [e.answer for e in form.entries if e.type is ItemType.SINGLE]
    judges = [e.answer for e in form.entries if e.type is ItemType.JUDGE]
    letters = Counter(singles)
    out = AnswerSpread(single={c: letters.get(c, 0) for c in "ABCD"}, judge_true=judges.count(TRUE_MARK),
                       judge_false=len(judges) - judges.count(TRUE_MARK),
                       multiple=dict(Counter(c for e in form.entries if e.type is ItemType.MULTIPLE for c in e.answer)),
                       longest_single=_longest_run(singles), longest_judge=_longest_run(judges))
    if singles:
        off = [c for c in SINGLE_LETTERS.letters if not SINGLE_LETTERS.holds(letters.get(c, 0), len(singles))]
        if off:
            lo, hi = SINGLE_LETTERS.bounds(len(singles))
            reasons.append("单选题答案分布不均衡：" + "，".join(f"{c} {letters.get(c, 0)} 题" for c in off)
                           + f"（应在 {lo:g}～{hi:g} 题之间）")
    for label, seq in (("单选题", singles), ("判断题", judges)):
        run = _longest_run(seq)
        if run > MAX_EQUAL_RUN:
            reasons.append(f"{label}有 {run} 道相同答案连续出现（不应超过 {MAX_EQUAL_RUN} 道）")
    if judges and not JUDGE_TRUE_SHARE.holds(judges.count(TRUE_MARK), len(judges)):
        ratio = judges.count(TRUE_MARK) / len(judges)
        reasons.append(f"判断题“√”占 {ratio:.0%}，应在 {JUDGE_TRUE_SHARE.text()} 之间")
    return out


def _longest_run(seq: list) -> int:
    best = run = 0
    prev = object()
    for x in seq:
        run = run + 1 if x == prev else 1
        best = max(best, run)
        prev = x
    return best
