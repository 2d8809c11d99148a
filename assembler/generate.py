"""The main job: blueprint + bank → forms → manifests and Word documents, written safely."""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .assemble import AssemblyOptions, assemble_forms, parse_difficulty
from .bank import load_bank
from .blueprint import Blueprint, build_blueprint
from .errors import OutputError
from .form import Form, manifest_json
from .ledger import DEFAULT_LEDGER, ensure_ledger, record_forms, recent_items
from .standard import PACKAGE_ROOT, Standard, load_standard

DEFAULT_OUTPUT = PACKAGE_ROOT / "output"


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
    documents: bool = True
    explanations: bool = False
    record: bool = True
    split: dict | None = None
    code_prefix: str = ""
    formats: tuple[str, ...] = ("docx",)  # see render.exports.FORMATS


@dataclass(frozen=True)
class GenerateResult:
    forms: tuple[Form, ...]
    blueprint: Blueprint
    files: tuple[str, ...]
    excluded: int = 0
    avoided_sessions: tuple[str, ...] = ()
    output: str = ""


def generate(req: GenerateRequest, standard: Standard | None = None) -> GenerateResult:
    """Assemble the forms and write each form's manifest (and papers) into req.output.

    Raises InputError/DataError/InfeasibleError before anything is written, and OutputError if a
    file would be overwritten without req.overwrite. Files appear all at once or not at all.
    """
    from .render.exports import check_formats, parse_formats

    std = standard or load_standard()
    bp = build_blueprint(std, req.level, req.direction, req.kind, req.structure, split=req.split)
    formats = parse_formats(req.formats)
    if req.documents:
        check_formats(formats, bp.kind)
    bank = load_bank(list(req.bank) or None, std)
    ledger = req.ledger or str(DEFAULT_LEDGER)
    session = req.session or f"{date.today().isoformat()} 组卷"
    excluded, avoided = recent_items(ledger, req.avoid_sessions, before=session) if req.avoid_sessions else (frozenset(), [])
    reason = f"近 {len(avoided)} 场考试已用" if avoided else "近期考试已用"
    opts = AssemblyOptions(max_overlap=req.max_overlap, difficulty=parse_difficulty(req.difficulty),
                           excluded=excluded, excluded_reason=reason, created=req.created, session=session,
                           code_prefix=req.code_prefix)
    forms = assemble_forms(bank, bp, req.forms, req.seed, opts, std)
    if req.record:
        ensure_ledger(ledger)
    out_dir = Path(req.output or DEFAULT_OUTPUT)
    documents = render_documents(forms, bank, std, req.explanations) if req.documents else {}
    files: dict[str, bytes] = {}
    for f in forms:
        files[f"{f.code}.json"] = manifest_json(f).encode("utf-8")
    if documents:
        from .render.exports import export_files

        exports = export_files(forms, bank, documents, formats)
        if "docx" in formats:
            files.update(documents)
        files.update(exports)
    written = write_files(out_dir, files, req.overwrite)
    if req.record:
        record_forms(ledger, session, req.session_date, forms)
    return GenerateResult(tuple(forms), bp, tuple(written), len(excluded), tuple(avoided), str(out_dir))


def render_documents(forms: list[Form], bank, std: Standard, explanations: bool = False) -> dict[str, bytes]:
    """Return {file name: docx bytes} for every form: the paper and its key (or scoring sheets)."""
    from .render import render_form_documents

    out: dict[str, bytes] = {}
    for f in forms:
        out.update(render_form_documents(f, bank, std, explanations))
    return out


def write_files(out_dir: Path, files: dict[str, bytes], overwrite: bool = False) -> list[str]:
    """Write files into out_dir all at once. Raises OutputError if any exists and overwrite is False."""
    clashes = [n for n in files if (out_dir / n).exists()]
    if clashes and not overwrite:
        shown = "、".join(clashes[:5]) + (" 等" if len(clashes) > 5 else "")
        raise OutputError(f"输出文件已存在：{shown}（位于 {out_dir}）。请换一个输出目录（-o）、换一个种子，或加 --force 覆盖。")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".zujuan-", dir=out_dir))
    except OSError as exc:
        raise OutputError(f"无法创建输出目录 {out_dir}：{exc.strerror or exc}") from None
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        for name in files:
            os.replace(staging / name, out_dir / name)
    except OSError as exc:
        raise OutputError(f"写入 {out_dir} 失败：{exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [str(out_dir / n) for n in files]
