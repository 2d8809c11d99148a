"""The main job, and the one engine behind batch: blueprint + bank → forms → documents in every
chosen format (see formats), committed to a folder together with the ledger record. The kind
review (综合评审, 二级/一级) is a path of the same job: its sets and panel documents are built by
review_generate.assemble_review and written and recorded here like the other kinds."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .assemble import AssemblyOptions, assemble_forms, parse_difficulty
from .assembled import Assembled, ledger_path, session_name
from .bank import load_bank
from .bank.models import Bank
from .blueprint import Blueprint, build_blueprint
from .defence_assemble import DefenceSet
from .errors import InputError
from .fileio import Transaction, refuse_clashes
from .form import Form
from .formats import WriteContext, select_writers, write_documents
from .ledger import (
    MAX_SEED,
    check_recordable,
    ensure_ledger,
    ledger_marker,
    marker_recorded,
    recent_items,
    recording,
)
from .review_blueprint import ReviewBlueprint, is_review_kind
from .review_generate import assemble_review
from .standard import Standard, load_standard

DEFAULT_OUTPUT = Path("output")  # relative: the current folder, never the package


@dataclass(frozen=True, kw_only=True)
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
    # kind "review" (综合评审, 二级/一级) only: see review_generate
    duration_minutes: int | None = None      # None: the structure's (30)
    panel_size: int | None = None            # None: the structure's (5)
    rule: str = "trimmed"                    # panel result rule: trimmed | mean
    trim_from: int = 5                       # trimmed: drop highest and lowest from this many members
    materials: str | None = None             # 申报材料 rubric; None: the bank's defence/materials.yaml


@dataclass(frozen=True, kw_only=True)
class GenerateResult:
    forms: tuple[Form | DefenceSet, ...]
    blueprint: Blueprint | ReviewBlueprint
    files: tuple[str, ...]
    excluded: int = 0
    avoided_sessions: tuple[str, ...] = ()
    output: str = ""
    recovered: tuple[str, ...] = ()   # what was finished or undone of an interrupted earlier run


SEED_MAX = MAX_SEED  # the ledger stores seeds as SQLite integers
MAX_OVERLAP = 10_000
MAX_NAME = 100  # characters in a session name


def seed_problem(seed: object) -> str | None:
    """Return why seed is not a usable seed (Chinese), or None."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        return f"「{str(seed)[:30]}」应为整数"
    if not 0 <= seed <= SEED_MAX:
        shown = str(seed) if len(str(seed)) <= 30 else str(seed)[:30] + "…"
        return f"{shown} 超出范围：应为 0～{SEED_MAX} 的整数"
    return None


def created_problem(created: object) -> str | None:
    """Return why created is not an ISO 8601 date-time (Chinese), or None."""
    from datetime import datetime

    try:
        datetime.fromisoformat(str(created).strip().replace("Z", "+00:00"))
    except ValueError:
        return f"「{str(created)[:40]}」不是 ISO 8601 时间（如 2026-06-01T09:00:00+08:00）"
    return None


def date_problem(day: object) -> str | None:
    """Return why day is not a real calendar date written YYYY-MM-DD (Chinese), or None."""
    import re

    text = str(day).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"「{text[:40]}」应写成 YYYY-MM-DD"
    try:
        date.fromisoformat(text)
    except ValueError:
        return f"「{text}」不是存在的日期"
    return None


def session_name_text_problem(name: str) -> str | None:
    """Return why a session name is unusable in the ledger and reports (control characters, too
    long), or None."""
    if len(name) > MAX_NAME:
        return f"场次名称过长（{len(name)} 个字符，最多 {MAX_NAME} 个）"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "场次名称含有控制字符"
    return None


def request_problems(req: GenerateRequest) -> list[str]:
    """Return every out-of-range value of the request (Chinese, naming the option)."""
    out = []
    if (why := seed_problem(req.seed)):
        out.append(f"种子 {why}（--seed）")
    if req.created is not None and (why := created_problem(req.created)):
        out.append(f"生成时间{why}（--created）")
    if req.session_date is not None and (why := date_problem(req.session_date)):
        out.append(f"场次日期{why}（--date）")
    if req.max_overlap is not None and (isinstance(req.max_overlap, bool) or not isinstance(req.max_overlap, int)
                                        or not 0 <= req.max_overlap <= MAX_OVERLAP):
        out.append(f"最多重复题数「{req.max_overlap}」应为 0～{MAX_OVERLAP} 的整数（--max-overlap）")
    if not isinstance(req.avoid_sessions, int) or not 0 <= req.avoid_sessions <= MAX_OVERLAP:
        out.append(f"排除场数「{req.avoid_sessions}」应为 0～{MAX_OVERLAP} 的整数（--avoid-sessions）")
    if req.session is not None and (why := session_name_text_problem(req.session)):
        out.append(f"{why}（--session）")
    if not is_review_kind(req.kind):
        try:
            parse_difficulty(req.difficulty)
        except InputError as exc:
            out.append(str(exc).rstrip("。"))
    return out


def assemble_request(req: GenerateRequest, standard: Standard | None = None, bank: Bank | None = None) -> Assembled:
    """Return the request's forms and documents (every chosen format), writing nothing.

    Kind review (综合评审) takes the review path (review_generate.assemble_review).
    Raises InputError/DataError/InfeasibleError.
    """
    std = standard or load_standard()
    bad = request_problems(req)
    if bad:
        raise InputError("；".join(bad) + "。")
    if is_review_kind(req.kind):
        return assemble_review(req, std, bank)
    if isinstance(req.forms, bool) or not isinstance(req.forms, int) or not 1 <= req.forms <= 100:
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
    return Assembled(blueprint=bp, forms=tuple(forms), documents=tuple(docs), session=session, excluded=len(excluded),
                     avoided_sessions=tuple(avoided))


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
    bad = request_problems(req)
    if bad:
        raise InputError("；".join(bad) + "。")
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
    return GenerateResult(forms=built.forms, blueprint=built.blueprint, files=tuple(map(str, written)),
                          excluded=built.excluded,
                          avoided_sessions=built.avoided_sessions, output=str(out_dir), recovered=tuple(txn.recovered))
