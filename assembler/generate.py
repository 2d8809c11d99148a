"""The main job, and the one engine behind batch: blueprint + bank → forms → documents in every
chosen format (see formats), committed to a folder together with the ledger record."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .assemble import AssemblyOptions, assemble_forms, parse_difficulty
from .bank import load_bank
from .bank.models import Bank
from .blueprint import Blueprint, build_blueprint
from .errors import InputError
from .fileio import Transaction, refuse_clashes
from .form import Form
from .formats import Document, WriteContext, select_writers, write_documents
from .ledger import (
    DEFAULT_LEDGER,
    check_recordable,
    ensure_ledger,
    ledger_marker,
    marker_recorded,
    recent_items,
    recording,
)
from .standard import Standard, load_standard

DEFAULT_OUTPUT = Path("output")  # relative: the current folder, never the package


@dataclass(frozen=True)
class GenerateRequest:
    level: str
    direction: str | None
    kind: str
    forms: int = 1
    seed: int = 1
    structure: str | None = None
    bank: tuple[str, ...] = ()
    max_overlap: int | None = None
    difficulty: str | None = None
    ledger: str | None = None
    avoid_sessions: int = 0
    session: str | None = None
    session_date: str | None = None
    created: str | None = None
    output: str | None = None
    overwrite: bool = False
    documents: bool = True            # False: manifests only (same as formats=())
    explanations: bool = False
    record: bool = True
    split: dict | None = None
    code_prefix: str = ""
    formats: tuple[str, ...] | None = None   # names from formats.WRITERS; None: the defaults (docx)


@dataclass(frozen=True)
class Assembled:
    """Forms and their documents, built in memory; nothing written yet."""

    blueprint: Blueprint
    forms: tuple[Form, ...]
    documents: tuple[Document, ...]
    session: str
    excluded: int = 0
    avoided_sessions: tuple[str, ...] = ()


@dataclass(frozen=True)
class GenerateResult:
    forms: tuple[Form, ...]
    blueprint: Blueprint
    files: tuple[str, ...]
    excluded: int = 0
    avoided_sessions: tuple[str, ...] = ()
    output: str = ""
    recovered: tuple[str, ...] = ()   # what was finished or undone of an interrupted earlier run


def session_name(req: GenerateRequest) -> str:
    """Return the ledger session the request records under (default "<today> 组卷")."""
    return req.session or f"{date.today().isoformat()} 组卷"


def ledger_path(req: GenerateRequest) -> str:
    return req.ledger or str(DEFAULT_LEDGER)


def assemble_request(req: GenerateRequest, standard: Standard | None = None, bank: Bank | None = None) -> Assembled:
    """Return the request's forms and documents (every chosen format), writing nothing.

    Raises InputError/DataError/InfeasibleError.
    """
    std = standard or load_standard()
    if not 1 <= req.forms <= 100:
        raise InputError(f"试卷套数 {req.forms} 超出范围：应为 1～100。")
    bp = build_blueprint(std, req.level, req.direction, req.kind, req.structure, split=req.split)
    writers = select_writers(req.formats if req.documents else (), bp.kind)
    bank = bank if bank is not None else load_bank(list(req.bank) or None, std)
    session = session_name(req)
    excluded, avoided = (recent_items(ledger_path(req), req.avoid_sessions, before=session)
                         if req.avoid_sessions else (frozenset(), []))
    reason = f"近 {len(avoided)} 场考试已用" if avoided else "近期考试已用"
    opts = AssemblyOptions(max_overlap=req.max_overlap, difficulty=parse_difficulty(req.difficulty),
                           excluded=excluded, excluded_reason=reason, created=req.created, session=session,
                           code_prefix=req.code_prefix)
    forms = assemble_forms(bank, bp, req.forms, req.seed, opts, std)
    if req.record:
        check_recordable(forms)
    docs = write_documents(forms, writers, WriteContext(bank, std, req.explanations))
    return Assembled(bp, tuple(forms), tuple(docs), session, len(excluded), tuple(avoided))


def generate(req: GenerateRequest, standard: Standard | None = None) -> GenerateResult:
    """Assemble the forms and write each form's documents into req.output, recording them in the
    ledger in the same step.

    Raises InputError/DataError/InfeasibleError before anything is written, and OutputError if a
    file would be overwritten without req.overwrite. The files and their ledger record appear
    together or not at all (an interrupted run is finished or undone by the next one).
    """
    std = standard or load_standard()
    out_dir = Path(req.output or DEFAULT_OUTPUT)
    ledger = ledger_path(req)
    if req.record:
        ensure_ledger(ledger)
    built = assemble_request(req, std)
    names = [d.name for d in built.documents]
    refuse_clashes(out_dir, names, req.overwrite)
    forms = list(built.forms)
    with Transaction(out_dir, marker_recorded) as txn:
        for d in built.documents:
            txn.add(d.name, d.data)
        record = recording(ledger, built.session, req.session_date, forms) if req.record else None
        marker = ledger_marker(ledger, built.session, forms) if req.record else None
        written = txn.commit(names, req.overwrite, record, marker)
    return GenerateResult(built.forms, built.blueprint, tuple(map(str, written)), built.excluded,
                          built.avoided_sessions, str(out_dir), tuple(txn.recovered))
