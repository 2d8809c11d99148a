"""The 综合评审 job: review blueprint + 答辩题库 → disjoint sets → manifests and Word documents.

Per set: R…json (manifest), R…-答辩题单.docx (panel only), R…-评分表.docx (one page per member),
R…-汇总表.docx (blank), R…-评分录入.xlsx (the scores workbook `zujuan review-panel` reads).
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .bank.defence import load_defence_bank
from .defence_assemble import (
    DefenceSet,
    assemble_defence_sets,
    defence_bank_hash,
    load_materials_rubric,
)
from .ledger import DEFAULT_LEDGER, ensure_ledger, recent_items, record_forms
from .review_blueprint import ReviewBlueprint, build_review_blueprint
from .review_panel import PanelRule, parse_rule, write_panel_template
from .standard import PACKAGE_ROOT, Standard, load_standard


@dataclass(frozen=True)
class ReviewRequest:
    level: str
    forms: int = 1
    seed: int = 1
    structure: str | None = None
    bank: tuple[str, ...] = ()  # defence files or folders (default question_bank/defence/)
    materials: str | None = None  # 申报材料 rubric (default question_bank/defence/materials.yaml)
    duration_minutes: int | None = None
    panel_size: int | None = None
    rule: str = "trimmed"
    trim_from: int = 5
    ledger: str | None = None
    avoid_sessions: int = 0
    session: str | None = None
    session_date: str | None = None
    created: str | None = None
    output: str | None = None
    overwrite: bool = False
    documents: bool = True
    record: bool = True
    code_prefix: str = ""


@dataclass(frozen=True)
class ReviewResult:
    sets: tuple[DefenceSet, ...]
    blueprint: ReviewBlueprint
    files: tuple[str, ...]
    excluded: int = 0
    avoided_sessions: tuple[str, ...] = ()
    output: str = ""


def generate_review(req: ReviewRequest, standard: Standard | None = None) -> ReviewResult:
    """Assemble the 答辩 sets and write each set's manifest, documents and scores workbook.

    Raises InputError/DataError/InfeasibleError before anything is written, and OutputError if a
    file would be overwritten without req.overwrite. Files appear all at once or not at all.
    """

    std = standard or load_standard()
    bp = build_review_blueprint(std, req.level, req.structure, req.duration_minutes, req.panel_size)
    rule = parse_rule(req.rule, req.trim_from)
    questions = load_defence_bank(list(req.bank) or None, std)
    materials_part = bp.structure.part("materials")
    assert materials_part is not None, "the review structure always has a materials part"
    materials = load_materials_rubric(req.materials, materials_part.points)
    ledger = req.ledger or str(DEFAULT_LEDGER)
    session = req.session or f"{date.today().isoformat()} 组卷"
    excluded, avoided = recent_items(ledger, req.avoid_sessions, before=session) if req.avoid_sessions else (frozenset(), [])
    sets = assemble_defence_sets(questions, bp, req.forms, req.seed, bank_hash=defence_bank_hash(questions, materials),
                                 excluded=excluded, created=req.created, session=session, code_prefix=req.code_prefix)
    if req.record:
        ensure_ledger(ledger)
    files: dict[str, bytes] = {}
    by_id = {q.id: q for q in questions}
    for s in sets:
        files[f"{s.code}.json"] = (json.dumps(s.to_manifest(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        if req.documents:
            files.update(render_review_documents(s, by_id, materials, rule))
    written = write_files(Path(req.output or PACKAGE_ROOT / "output"), files, req.overwrite)
    if req.record:
        record_forms(ledger, session, req.session_date, sets)  # type: ignore[arg-type]  # recorded like Forms
    return ReviewResult(tuple(sets), bp, tuple(written), len(excluded), tuple(avoided), str(req.output or PACKAGE_ROOT / "output"))


def render_review_documents(s: DefenceSet, questions: dict, materials: list, rule: PanelRule) -> dict[str, bytes]:
    """Return {file name: bytes} of one set's 答辩题单, 评分表, blank 汇总表 and scores workbook."""
    from .render.review_panel_docs import (
        render_member_sheets,
        render_question_sheet,
        render_summary_sheet,
    )

    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "scores.xlsx"
        write_panel_template(book, s.code, s.panel_size, [(n, p) for _, n, p in s.parts], rule)
        scores = book.read_bytes()
    return {
        f"{s.code}-答辩题单.docx": render_question_sheet(s, questions),
        f"{s.code}-评分表.docx": render_member_sheets(s, questions, materials),
        f"{s.code}-汇总表.docx": render_summary_sheet(s, rule),
        f"{s.code}-评分录入.xlsx": scores,
    }


def summarise_panel(scores_path: str | Path, manifest: str | Path | None = None, output: str | Path | None = None,
                    overwrite: bool = False) -> tuple[list, list[str]]:
    """Read a filled scores workbook, compute every candidate's result and write one 汇总表 each.

    The set's manifest (R….json) gives the title; by default it is looked for beside the workbook
    under the set code in the 设置 sheet. Returns (results, written files). Raises DataError for
    bad cells (named by sheet, row and column) before anything is written; OutputError on clashes.
    """
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
    return results, write_files(out_dir, files, overwrite)


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)


def _set_for(settings, scores_path: Path, manifest) -> DefenceSet:
    from .errors import DataError, Problem

    path = Path(manifest) if manifest else scores_path.parent / f"{settings.set_code}.json"
    title = "全媒体运营师 综合评审"
    level, created, seed, bh, bph, duration = "", "2000-01-01T00:00:00Z", 0, "", "", 0
    if path.exists():
        try:
            m = json.loads(path.read_text(encoding="utf-8"))
            title, level, created = m["title"], m["level"], m["created"]
            seed, bh, bph, duration = m["seed"], m["bank_hash"], m["blueprint_hash"], m["duration_minutes"]
        except (ValueError, KeyError) as exc:
            raise DataError([Problem(f"不是综合评审套题清单：{exc}", file=str(path))], "综合评审套题清单有误") from None
    parts = tuple((f"p{i}", n, p) for i, (n, p) in enumerate(settings.parts))
    return DefenceSet(settings.set_code or "综合评审", level, title, seed, bh, bph, created, duration,
                      settings.panel_size, parts, ())


def write_files(out_dir: Path, files: dict[str, bytes], overwrite: bool = False) -> list[str]:
    """Write files into out_dir all at once. Raises OutputError if any exists and overwrite is False."""
    from .fileio import refuse_clashes, write_files_atomic

    refuse_clashes(out_dir, list(files), overwrite)
    return [str(x) for x in write_files_atomic(out_dir, files, overwrite)]
