"""The 综合评审 path of generate: review blueprint + 答辩题 (Bank.defence) → disjoint sets →
manifests and panel documents, returned to generate.assemble_request as an `Assembled` (so
generate and batch write and record them like theory and skill forms).

Per set: R…json (manifest), R…-答辩题单.docx (panel only), R…-评分表.docx (one page per member),
R…-汇总表.docx (blank), R…-评分录入.xlsx (the scores workbook `zujuan review-panel` reads).
All but the manifest are examiners' documents (Group.KEYS): candidates never see them.
Also here: summarise_panel, the job behind `zujuan review-panel SCORES.xlsx`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .assembled import Assembled, ledger_path, session_name
from .bank.defence import DefenceQuestion, load_materials_rubric, materials_file
from .defence_assemble import DefenceSet, assemble_defence_sets, defence_bank_hash
from .errors import DataError, InputError, Problem
from .formats import Document, Group
from .ledger import check_recordable, recent_items
from .review_blueprint import build_review_blueprint
from .review_panel import PanelRule, panel_template_bytes, parse_rule
from .standard import Standard

if TYPE_CHECKING:  # pragma: no cover
    from .bank.models import Bank
    from .generate import GenerateRequest

REVIEW_FORMATS = ("docx", "pdf")  # the panel documents are Word or PDF (plus the scores workbook)


def check_review_formats(formats: tuple[str, ...] | None) -> None:
    """Raise InputError for a format the 综合评审 documents cannot be written in, or pdf without
    LibreOffice (before anything is assembled)."""
    unknown = [f for f in (formats or ()) if f not in REVIEW_FORMATS]
    if unknown:
        raise InputError(f"综合评审的文档只有 Word（docx）和 PDF（pdf）格式，不能输出 {'、'.join(unknown)}。")
    if formats and "pdf" in formats:
        from .render.pdf import require_soffice

        require_soffice()


def assemble_review(req: GenerateRequest, std: Standard, bank: Bank | None = None) -> Assembled:
    """Return the request's 答辩 sets and their documents, writing nothing.

    The questions are the bank's 答辩题 (Bank.defence: YAML files under a `defence/` folder of the
    bank paths, default question_bank/defence/). Raises InputError for a level without 综合评审, a
    bad duration/panel/rule or a format other than docx; DataError for a bad bank, structure or
    申报材料 rubric; InfeasibleError when there are too few questions for disjoint sets.
    """
    from .bank import load_bank

    if not 1 <= req.forms <= 100:
        raise InputError(f"套数 {req.forms} 超出范围：应为 1～100。")
    if req.direction:
        raise InputError("综合评审只用于二级、一级，不分方向：请去掉 --direction。")
    formats = ("docx",) if req.formats is None else req.formats
    check_review_formats(formats)
    bp = build_review_blueprint(std, req.level, req.structure, req.duration_minutes, req.panel_size)
    rule = parse_rule(req.rule, req.trim_from)
    if bank is None:
        bank = load_bank(list(req.bank) or None, std)
    questions = list(bank.defence)
    if not questions:
        raise DataError([Problem("题库中没有答辩题（应放在题库的 defence/ 文件夹中）",
                                 file="、".join(map(str, req.bank)) or "question_bank/")], "答辩题库有误")
    materials_part = bp.structure.part("materials")
    assert materials_part is not None, "the review structure always has a materials part"
    materials = load_materials_rubric(req.materials or materials_file(list(req.bank)), materials_part.points)
    session = session_name(req)
    excluded, avoided = (recent_items(ledger_path(req), req.avoid_sessions, before=session)
                         if req.avoid_sessions else (frozenset(), []))
    sets = assemble_defence_sets(questions, bp, req.forms, req.seed, bank_hash=defence_bank_hash(questions, materials),
                                 excluded=excluded, created=req.created, session=session, code_prefix=req.code_prefix)
    if req.record:
        check_recordable(sets)
    by_id = {q.id: q for q in questions}
    docs: list[Document] = []
    for s in sets:
        docs.append(Document(f"{s.code}.json", Group.MANIFESTS, manifest_bytes(s)))
        if req.documents and formats:
            docs += review_documents(s, by_id, materials, rule)
    if "pdf" in formats:
        from .render.pdf import pdf_documents

        word = {d.name: d.data for d in docs if d.name.endswith(".docx")}
        docs += pdf_documents(word)
        if "docx" not in formats:
            docs = [d for d in docs if d.name not in word]
    return Assembled(blueprint=bp, forms=tuple(sets), documents=tuple(docs), session=session, excluded=len(excluded),
                     avoided_sessions=tuple(avoided))


def manifest_bytes(s: DefenceSet) -> bytes:
    """Return the set's manifest as UTF-8 JSON."""
    return (json.dumps(s.to_manifest(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def review_documents(s: DefenceSet, questions: dict[str, DefenceQuestion], materials: list,
                     rule: PanelRule) -> list[Document]:
    """Return one set's 答辩题单, 评分表, blank 汇总表 and scores workbook (examiners' documents)."""
    from .render.review_panel_docs import (
        render_member_sheets,
        render_question_sheet,
        render_summary_sheet,
    )

    scores = panel_template_bytes(s.code, s.panel_size, [(n, p) for _, n, p in s.parts], rule)
    return [Document(f"{s.code}-答辩题单.docx", Group.KEYS, render_question_sheet(s, questions)),
            Document(f"{s.code}-评分表.docx", Group.KEYS, render_member_sheets(s, questions, materials)),
            Document(f"{s.code}-汇总表.docx", Group.KEYS, render_summary_sheet(s, rule)),
            Document(f"{s.code}-评分录入.xlsx", Group.KEYS, scores)]


def audit_sets(sets: list[DefenceSet], bank: Bank) -> list[str]:
    """Return why assembled 答辩 sets fail the blueprint (empty when they pass): a question not in
    the bank or not active, a function's points off the blueprint, a question in two sets."""
    by_id = {q.id: q for q in bank.defence}
    reasons: list[str] = []
    seen: dict[str, str] = {}
    for s in sets:
        for e in s.entries:
            q = by_id.get(e.id)
            if q is None or not q.active:
                reasons.append(f"{s.code}：答辩题 {e.id} {'不在题库中' if q is None else '未启用'}")
            if e.id in seen:
                reasons.append(f"{s.code}：答辩题 {e.id} 已用于 {seen[e.id]}")
            seen.setdefault(e.id, s.code)
        got = sum(e.points for e in s.entries)
        want = next((p for c, _, p in s.parts if c == "defence"), 0)
        if got != want:
            reasons.append(f"{s.code}：答辩合计 {got:g} 分，应为 {want} 分")
    return reasons


def summarise_panel(scores_path: str | Path, manifest: str | Path | None = None, output: str | Path | None = None,
                    overwrite: bool = False) -> tuple[list, list[str]]:
    """Read a filled scores workbook, compute every candidate's result and write one 汇总表 each.

    The set's manifest (R….json) gives the title; by default it is looked for beside the workbook
    under the set code in the 设置 sheet, then in the session folder's 清单/ (as batch writes it). Returns (results, written files). Raises DataError for
    bad cells (named by sheet, row and column) before anything is written; OutputError on clashes.
    """
    from .fileio import refuse_clashes, write_files_atomic
    from .render.review_panel_docs import render_summary_sheet
    from .review_panel import read_panel_scores

    scores_path = Path(scores_path)
    settings, results = read_panel_scores(scores_path)
    ds = _set_for(settings, scores_path, manifest)
    files = {}
    names = tuple(n for n, _ in settings.parts)
    for r in results:
        files[f"{ds.code}-{_safe(r.ticket)}-汇总表.docx"] = render_summary_sheet(ds, settings.rule, r, names)
    out_dir = Path(output) if output else scores_path.parent
    refuse_clashes(out_dir, list(files), overwrite)
    return results, [str(x) for x in write_files_atomic(out_dir, files, overwrite)]


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)


def _set_for(settings, scores_path: Path, manifest) -> DefenceSet:
    beside = scores_path.parent / f"{settings.set_code}.json"
    in_session = scores_path.parent.parent / Group.MANIFESTS.value / beside.name  # batch: 答案/ and 清单/
    path = Path(manifest) if manifest else (beside if beside.is_file() or not in_session.is_file() else in_session)
    title = "全媒体运营师 综合评审"
    level, created, seed, bh, bph, duration = "", "2000-01-01T00:00:00Z", 0, "", "", 0
    if path.is_file():
        try:
            m = json.loads(path.read_text(encoding="utf-8"))
            title, level, created = m["title"], m["level"], m["created"]
            seed, bh, bph, duration = m["seed"], m["bank_hash"], m["blueprint_hash"], m["duration_minutes"]
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError([Problem(f"不是综合评审套题清单：{exc}", file=str(path))], "综合评审套题清单有误") from None
    elif manifest:
        raise DataError([Problem("套题清单文件不存在", file=str(path))], "综合评审套题清单有误")
    parts = tuple((f"p{i}", n, p) for i, (n, p) in enumerate(settings.parts))
    return DefenceSet(code=settings.set_code or "综合评审", level=level, title=title, seed=seed, bank_hash=bh,
                      blueprint_hash=bph, created=created, duration_minutes=duration,
                      panel_size=settings.panel_size, parts=parts, entries=())
