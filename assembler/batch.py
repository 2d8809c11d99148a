"""A whole exam session in one run: a session file → every entry's forms, papers, keys, manifests
and reviews, a summary workbook and two zip archives (papers, keys), built in a temporary folder
and moved into place in one step."""
from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml
from openpyxl import Workbook

from .assemble import AssemblyOptions, assemble_forms, parse_difficulty
from .bank import load_bank
from .blueprint import build_blueprint
from .errors import AssemblerError, DataError, InputError, OutputError, Problem
from .fileio import default_mode
from .form import Form, manifest_json
from .generate import DEFAULT_OUTPUT, render_documents
from .ledger import DEFAULT_LEDGER, ensure_ledger, record_forms, recent_items
from .render.exports import check_formats, export_files, parse_formats
from .render.pdf import pdf_name
from .review import LoadedForm, review_forms
from .standard import Kind, Standard, load_standard, parse_kind, resolve_choice
from .writers.review import review_json, review_xlsx
from .writers.xlsx_style import write_table

ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class SessionEntry:
    level: str
    direction: str | None
    kind: Kind
    forms: int
    structure: str | None
    seed: int
    difficulty: str | None = None
    max_overlap: int | None = None
    formats: tuple[str, ...] = ("docx",)  # see render.exports.FORMATS


@dataclass(frozen=True)
class Session:
    name: str
    date: str
    entries: tuple[SessionEntry, ...]
    bank: tuple[str, ...] = ()
    created: str | None = None
    avoid_sessions: int = 0
    source: str = ""


@dataclass(frozen=True)
class BatchResult:
    session: Session
    folder: str
    forms: tuple[Form, ...]
    verdicts: tuple[tuple[str, str], ...]  # (form code, 合格/不合格)
    files: int


def load_session(path: str | Path, standard: Standard | None = None) -> Session:
    """Return the session described by a YAML file. Raises DataError listing every problem."""
    std = standard or load_standard()
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError([Problem("场次文件不存在", file=str(p))], title="场次文件有误") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError([Problem(f"不是合法的 YAML：{exc}", file=str(p))], title="场次文件有误") from None
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise DataError([Problem("场次文件应为映射，包含 session、date、entries", file=str(p))], title="场次文件有误")
    name = str(raw.get("session") or "").strip()
    if not name:
        problems.append(Problem("缺少场次名称", file=str(p), column="session", hint="如 session: 2026年第4期认定"))
    elif re.search(r'[\\/:*?"<>|]', name):
        problems.append(Problem(f"场次名称「{name}」含有不能用于文件夹名的字符", file=str(p), column="session"))
    day = str(raw.get("date") or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        problems.append(Problem(f"日期「{day}」应写成 YYYY-MM-DD", file=str(p), column="date"))
    entries = []
    raw_entries = raw.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        problems.append(Problem("entries 应为非空列表", file=str(p), column="entries"))
        raw_entries = []
    for i, e in enumerate(raw_entries, 1):
        where = dict(file=str(p), row=i, column="entries")
        if not isinstance(e, dict):
            problems.append(Problem("应为包含 level、kind、forms、seed 等字段的映射", **where))
            continue
        try:
            lv, d = resolve_choice(std, e.get("level"), e.get("direction"))
            kind = parse_kind(e.get("kind"))
            forms = int(e.get("forms", 1))
            seed = int(e.get("seed"))
            if forms < 1:
                raise InputError("forms 应为正整数")
            overlap = e.get("max_overlap")
            formats = parse_formats(e.get("format"))
            check_formats(formats, kind)
            entries.append(SessionEntry(lv, d, kind, forms, e.get("structure"), seed, e.get("difficulty"),
                                        None if overlap is None else int(overlap), formats))
        except InputError as exc:
            problems.append(Problem(str(exc), **where))
        except (TypeError, ValueError):
            problems.append(Problem("forms 与 seed 应为整数（seed 必填）", **where))
    if problems:
        raise DataError(problems, title="场次文件有误")
    bank = raw.get("bank") or ()
    bank = (bank,) if isinstance(bank, str) else tuple(bank)
    return Session(name, day, tuple(entries), bank, raw.get("created"), int(raw.get("avoid_sessions") or 0), str(p))


def run_batch(session: Session, output: str | Path | None = None, overwrite: bool = False,
              ledger: str | None = None, record: bool = True, standard: Standard | None = None,
              progress: Callable[[int, str], None] | None = None) -> BatchResult:
    """Generate, render and review every entry of a session into OUTPUT/<session name>/.

    progress(done, label) is called before each entry (done = entries finished) and at the end.
    Nothing is left half-written: on any error the temporary folder is removed and the ledger is
    untouched. Raises OutputError if the session folder exists and overwrite is False.
    """
    std = standard or load_standard()
    root = Path(output or DEFAULT_OUTPUT)
    folder = root / session.name
    if folder.exists() and not overwrite:
        raise OutputError(f"场次文件夹 {folder} 已存在；如需重新生成并替换，请加 --force。")
    bank = load_bank(list(session.bank) or None, std)
    ledger = ledger or str(DEFAULT_LEDGER)
    if record:
        ensure_ledger(ledger)
    excluded, avoided = recent_items(ledger, session.avoid_sessions, before=session.name)
    created = session.created or f"{session.date}T00:00:00+08:00"
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{session.name}.", dir=root))
    except OSError as exc:
        raise OutputError(f"无法创建输出目录 {root}：{exc.strerror or exc}") from None
    try:
        forms, verdicts, nfiles = _build(session, staging, bank, std, excluded, avoided, created, ledger, progress)
        for d in (staging, *(x for x in staging.rglob("*") if x.is_dir())):
            os.chmod(d, default_mode(directory=True))  # mkdtemp makes the folder private
        _swap_into_place(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if record:
        record_forms(ledger, session.name, session.date, forms)
    return BatchResult(session, str(folder), tuple(forms), tuple(verdicts), nfiles)


def _build(session: Session, staging: Path, bank, std, excluded, avoided, created, ledger, progress):
    for sub in ("试卷", "答案", "清单", "审核"):
        (staging / sub).mkdir()
    if any(f in e.formats for e in session.entries for f in ("moodle", "qti", "xlsx")):
        (staging / "导出").mkdir()
    all_forms: list[Form] = []
    verdicts: list[tuple[str, str]] = []
    summary: list[list] = []
    papers: dict[str, bytes] = {}
    keys: dict[str, bytes] = {}
    for k, e in enumerate(session.entries, 1):
        label = f"{std.level(e.level).name}{std.direction(e.direction).name if e.direction else ''}{e.kind.label}"
        if progress:
            progress(k - 1, f"第 {k}/{len(session.entries)} 项：{label}")
        try:
            bp = build_blueprint(std, e.level, e.direction, e.kind, e.structure)
            opts = AssemblyOptions(max_overlap=e.max_overlap, difficulty=parse_difficulty(e.difficulty),
                                   excluded=excluded, excluded_reason=f"近 {len(avoided)} 场考试已用",
                                   created=created, session=session.name, code_prefix="")
            forms = assemble_forms(bank, bp, e.forms, e.seed, opts, std)
        except AssemblerError as exc:
            raise type(exc)(f"场次文件第 {k} 项（{label}）：{exc}") from None
        docs = render_documents(forms, bank, std)
        stem = f"{k:02d}-{e.level}{e.direction or ''}-{e.kind.value}"
        exports = export_files(forms, bank, docs, e.formats, workbook_name=f"{stem}-考试系统导入.xlsx")
        pdfs = {pdf_name(n) for n in docs}
        outputs = {**(docs if "docx" in e.formats else {}), **exports}
        for name, data in outputs.items():
            # papers (Word and PDF) go with the papers; keys, scoring sheets and the machine
            # exports (which carry the answers) go with the keys
            is_paper = name.endswith(("-试卷.docx", "-试卷.pdf"))
            folder = "试卷" if is_paper else "答案" if (name.endswith(".docx") or name in pdfs) else "导出"
            (staging / folder / name).write_bytes(data)
            (papers if is_paper else keys)[name] = data
        for f in forms:
            (staging / "清单" / f"{f.code}.json").write_text(manifest_json(f), encoding="utf-8")
        review = review_forms([LoadedForm(f, f"{f.code}.json") for f in forms], bank, std, ledger)
        (staging / "审核" / f"{stem}-审核.json").write_text(review_json(review), encoding="utf-8")
        (staging / "审核" / f"{stem}-审核.xlsx").write_bytes(review_xlsx(review))
        for f, fr in zip(forms, review.forms):
            verdict = "合格" if fr.passed else "不合格"
            verdicts.append((f.code, verdict))
            files = "、".join(n for n in outputs if n.startswith(f.code))
            summary.append([std.level(f.level).label, std.direction(f.direction).name if f.direction else "—",
                            f.kind.label, f.code, len(f.entries), f.seed, files + f"、{f.code}.json", verdict])
        all_forms += forms
    if progress:
        progress(len(session.entries), "汇总、打包")
    (staging / "场次汇总.xlsx").write_bytes(_summary_xlsx(session, summary))
    (staging / f"{session.name}-试卷.zip").write_bytes(_zip(papers))
    (staging / f"{session.name}-答案及评分.zip").write_bytes(_zip(keys))
    nfiles = sum(1 for x in staging.rglob("*") if x.is_file())
    return all_forms, verdicts, nfiles


def _summary_xlsx(session: Session, rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "场次汇总"
    write_table(ws, f"{session.name} 试卷汇总", f"考试日期 {session.date}　共 {len(rows)} 套试卷",
                ["等级", "方向", "类型", "试卷编号", "题数", "种子", "文件", "审核结论"], rows,
                [14, 10, 10, 16, 6, 8, 60, 10], left_cols=(6,))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # UTF-8 file names
            z.writestr(info, files[name])
    return buf.getvalue()


def _swap_into_place(staging: Path, folder: Path) -> None:
    """Move the finished staging folder to its final name; an existing folder is replaced in one step."""
    try:
        if folder.exists():
            old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
            os.replace(folder, old)
            try:
                os.replace(staging, folder)
            except OSError:
                os.replace(old, folder)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, folder)
    except OSError as exc:
        raise OutputError(f"无法写入场次文件夹 {folder}：{exc.strerror or exc}") from None

