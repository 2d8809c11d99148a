"""A whole exam session in one run: a session file → every entry's forms (by generate's engine),
papers, keys, manifests and reviews (an entry `kind: review` gives the 综合评审's 答辩 sets and
panel documents in the keys folder), a summary workbook and two zip archives (papers, keys), built
in memory and committed with the ledger record in one step (see fileio.Transaction)."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook

from .bank import load_bank
from .defence_assemble import REVIEW_KIND, DefenceSet, ReviewKind, set_code
from .errors import AssemblerError, DataError, InputError, OutputError, Problem
from .fileio import Transaction
from .form import Form
from .formats import Group, select_writers
from .generate import (
    DEFAULT_OUTPUT,
    MAX_OVERLAP,
    SEED_MAX,
    GenerateRequest,
    assemble_request,
    created_problem,
    date_problem,
    session_name_text_problem,
)
from .ledger import (
    DEFAULT_LEDGER,
    check_recordable,
    ensure_ledger,
    ledger_marker,
    marker_recorded,
    recording,
)
from .render.pdf import pdf_documents
from .review import Verdict, review_forms, with_documents
from .review_blueprint import is_review_kind
from .review_generate import audit_sets, check_review_formats
from .standard import (
    Kind,
    Standard,
    load_standard,
    parse_kind,
    parse_review_level,
    resolve_choice,
)
from .writers.review import review_json, review_xlsx
from .writers.xlsx_style import write_table
from .xlsx import workbook_bytes
from .yaml_safe import load_yaml_file

ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_ZIPS = {Group.PAPERS: "试卷", Group.KEYS: "答案及评分"}  # zip name suffix per document group


@dataclass(frozen=True, kw_only=True)
class SessionEntry:
    level: str
    direction: str | None
    kind: Kind | ReviewKind   # ReviewKind: the 综合评审 (二级/一级), see review_generate
    forms: int
    structure: str | None
    seed: int
    difficulty: str | None = None
    max_overlap: int | None = None
    split: dict | None = None
    explanations: bool = False
    formats: tuple[str, ...] | None = None   # None: the session's formats
    duration_minutes: int | None = None      # review only: None = the structure's
    panel_size: int | None = None            # review only: None = the structure's
    rule: str = "trimmed"                    # review only: the panel result rule


@dataclass(frozen=True, kw_only=True)
class Session:
    name: str
    date: str
    entries: tuple[SessionEntry, ...]
    bank: tuple[str, ...] = ()
    created: str | None = None
    avoid_sessions: int = 0
    source: str = ""
    formats: tuple[str, ...] | None = None   # None: the default formats (docx)


@dataclass(frozen=True, kw_only=True)
class BatchResult:
    session: Session
    folder: str
    forms: tuple[Form | DefenceSet, ...]   # DefenceSet: a 综合评审 entry's 答辩 sets
    verdicts: tuple[tuple[str, Verdict], ...]  # (form code, verdict)
    files: int
    recovered: tuple[str, ...] = field(default=())


def session_name_problem(name: str) -> str | None:
    """Return why a session name cannot be a folder name, or None."""
    if not name:
        return "缺少场次名称"
    if name in (".", "..") or name.strip(".") == "":
        return f"场次名称「{name}」不能只由点组成"
    if re.search(r'[\\/:*?"<>|\x00-\x1f]', name):
        return f"场次名称「{name}」含有不能用于文件夹名的字符"
    return None


def entry_codes(e: SessionEntry) -> list[str]:
    """Return the form codes an entry produces (see assemble.form_code)."""
    if e.kind is REVIEW_KIND:
        return [set_code(e.level, e.seed, i) for i in range(1, e.forms + 1)]
    kind = "T" if e.kind is Kind.THEORY else "S"
    return [f"{e.level}{e.direction or ''}-{kind}-{e.seed}-{i:02d}" for i in range(1, e.forms + 1)]


def duplicate_codes(entries: tuple[SessionEntry, ...] | list[SessionEntry]) -> list[tuple[int, int, str]]:
    """Return (first entry, later entry, code) for every form code two entries would both produce
    (entries numbered from 1)."""
    owner: dict[str, int] = {}
    out = []
    for k, e in enumerate(entries, 1):
        for code in entry_codes(e):
            if code in owner and owner[code] != k:
                out.append((owner[code], k, code))
            owner.setdefault(code, k)
    return out


def _formats(value: object, where: dict, problems: list[Problem]) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]  # "docx,pdf"
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem("formats 应为格式名称的列表，如 [docx]", **where))
        return None
    return tuple(value)


def _split(value: object, base: Path, where: dict, problems: list[Problem]) -> dict | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = load_yaml_file(base / value)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append(Problem(f"无法读取分值拆分文件 {value}：{exc}", **where))
            return None
        if isinstance(value, dict) and "split" in value:
            value = value["split"]
    if not isinstance(value, dict):
        problems.append(Problem("split 应为「职业功能: {工作内容代码: 分值}」的映射或这样的 YAML 文件", **where))
        return None
    return value


def _entry_values(e: dict) -> tuple[dict, list[tuple[str, str]]]:
    """Return (the entry's whole numbers: forms, seed, max_overlap, duration_minutes, panel_size;
    (key, Chinese message) for every one that is missing, not an integer or out of range)."""
    out: list[tuple[str, str]] = []
    values: dict = {}
    limits = {"forms": (1, 100), "seed": (0, SEED_MAX), "max_overlap": (0, MAX_OVERLAP),
              "duration_minutes": (1, 600), "panel_size": (1, 99)}
    for key, (lo, hi) in limits.items():
        raw = e.get(key, 1 if key == "forms" else None)
        if raw is None:
            if key == "seed":
                out.append(("seed", "缺少 seed（随机种子，必填）"))
            values[key] = None
            continue
        value = _whole(raw)
        if value is None or not lo <= value <= hi:
            shown = str(raw) if len(str(raw)) <= 30 else str(raw)[:30] + "…"
            out.append((key, f"{key}「{shown}」应为 {lo}～{hi} 的整数"))
        values[key] = value
    for key in ("structure", "difficulty"):
        if e.get(key) is not None and not isinstance(e.get(key), (str, int, float)):
            out.append((key, f"{key} 应为文字"))
    return values, out


def _whole(value: object) -> int | None:
    """Return value as an integer if it is one (or its digits, as a form field sends them), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,30}\s*", value):
        return int(value)
    return None


def _session_fields(raw: dict, where: str, problems: list[Problem]) -> tuple[str, str, str | None, int, tuple]:
    """Return (name, date, created, avoid_sessions, bank) of a session mapping, each checked."""
    name = str(raw.get("session") or "").strip()
    why = session_name_problem(name) or session_name_text_problem(name)
    if why:
        problems.append(Problem(why, file=where, column="session",
                                hint="如 session: 2026年第4期认定" if not name else ""))
    day = str(raw.get("date") or "").strip()
    if (why := date_problem(day)):
        problems.append(Problem(f"日期{why}", file=where, column="date"))
    created = raw.get("created")
    if isinstance(created, datetime):  # YAML reads an unquoted time as a datetime
        created = created.isoformat()
    if created is not None and (not isinstance(created, str) or created_problem(created)):
        problems.append(Problem(f"生成时间{created_problem(created)}", file=where, column="created"))
        created = None
    raw_avoid = raw.get("avoid_sessions") or 0
    avoid = _whole(raw_avoid)
    if avoid is None or not 0 <= avoid <= MAX_OVERLAP:
        problems.append(Problem(f"avoid_sessions「{str(raw_avoid)[:30]}」应为 0～{MAX_OVERLAP} 的整数", file=where,
                                column="avoid_sessions"))
        avoid = 0
    bank = raw.get("bank") or ()
    bank = (bank,) if isinstance(bank, str) else bank
    if not isinstance(bank, (list, tuple)) or not all(isinstance(b, str) and b.strip() for b in bank):
        problems.append(Problem("bank 应为题库路径或路径的列表", file=where, column="bank"))
        bank = ()
    return name, day, created, avoid, tuple(bank)


def _entry_choice(e: dict, std: Standard) -> tuple[str, str | None, Kind | ReviewKind]:
    """Return an entry's (level, direction, kind); kind review (综合评审) takes 二级/一级 and no
    direction. Raises InputError."""
    if is_review_kind(e.get("kind")):
        lv = parse_review_level(e.get("level"), std)
        if e.get("direction"):
            raise InputError("综合评审不分方向：请去掉 direction")
        return lv, None, REVIEW_KIND
    lv, d = resolve_choice(std, e.get("level"), e.get("direction"))
    return lv, d, parse_kind(e.get("kind"))


def load_session(path: str | Path, standard: Standard | None = None) -> Session:
    """Return the session described by a YAML file. Raises DataError listing every problem."""
    std = standard or load_standard()
    p = Path(path)
    try:
        raw = load_yaml_file(p)
    except FileNotFoundError:
        raise DataError([Problem("场次文件不存在", file=str(p))], title="场次文件有误") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError([Problem(f"不是合法的 YAML：{exc}", file=str(p))], title="场次文件有误") from None
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise DataError([Problem("场次文件应为映射，包含 session、date、entries", file=str(p))], title="场次文件有误")
    name, day, created, avoid, bank = _session_fields(raw, str(p), problems)
    formats = _formats(raw.get("formats"), dict(file=str(p), column="formats"), problems)
    entries = []
    raw_entries = raw.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        problems.append(Problem("entries 应为非空列表", file=str(p), column="entries"))
        raw_entries = []
    for i, e in enumerate(raw_entries, 1):
        where: dict[str, Any] = dict(file=str(p), row=i, column="entries")
        if not isinstance(e, dict):
            problems.append(Problem("应为包含 level、kind、forms、seed 等字段的映射", **where))
            continue
        values, bad = _entry_values(e)
        for key, message in bad:
            problems.append(Problem(message, file=str(p), row=i, column=f"entries.{key}"))
        if bad:
            continue
        try:
            lv, d, kind = _entry_choice(e, std)
            entries.append(SessionEntry(level=lv, direction=d, kind=kind, forms=values["forms"],
                                        structure=e.get("structure"), seed=values["seed"],
                                        difficulty=e.get("difficulty"), max_overlap=values["max_overlap"],
                                        split=_split(e.get("split"), p.parent, where, problems),
                                        explanations=bool(e.get("explanations", False)),
                                        formats=_formats(e.get("formats"), where, problems),
                                        duration_minutes=values["duration_minutes"],
                                        panel_size=values["panel_size"],
                                        rule=str(e.get("rule") or "trimmed")))
        except InputError as exc:
            problems.append(Problem(str(exc), **where))
    for first, later, code in duplicate_codes(entries):
        problems.append(Problem(f"与第 {first} 项生成相同的试卷编号 {code}（等级、方向、类型与种子都相同）",
                                file=str(p), row=later, column="entries", hint="改用不同的种子"))
    if problems:
        raise DataError(problems, title="场次文件有误")
    return Session(name=name, date=day, entries=tuple(entries), bank=tuple(bank), created=created,
                   avoid_sessions=avoid, source=str(p), formats=formats)


def run_batch(session: Session, output: str | Path | None = None, overwrite: bool = False,
              ledger: str | None = None, record: bool = True, standard: Standard | None = None,
              progress: Callable[[int, str], None] | None = None) -> BatchResult:
    """Generate, render and review every entry of a session into OUTPUT/<session name>/.

    progress(done, label) is called before each entry (done = entries finished) and at the end.
    Everything is checked and built before the first file is written; the folder and the ledger
    record are committed together (an existing folder is replaced as a whole with overwrite).
    Raises InputError for a session name that is not a folder name or two entries producing the
    same form code, DataError for a bad ledger, OutputError if the folder exists and overwrite is
    False.
    """
    std = standard or load_standard()
    why = session_name_problem(session.name)
    if why:
        raise InputError(why)
    dups = duplicate_codes(session.entries)
    if dups:
        first, later, code = dups[0]
        raise InputError(f"场次第 {first} 项与第 {later} 项生成相同的试卷编号 {code}，请改用不同的种子。")
    root = Path(output or DEFAULT_OUTPUT)
    folder = root / session.name
    if (folder.exists() or folder.is_symlink()) and not overwrite:
        raise OutputError(f"场次文件夹 {folder} 已存在；如需重新生成并替换，请加 --force。")
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} 已存在且不是文件夹，无法替换。")
    ledger = ledger or str(DEFAULT_LEDGER)
    if record:
        ensure_ledger(ledger)
    bank = load_bank(list(session.bank) or None, std)
    files, forms, verdicts = _build(session, bank, std, ledger, progress)
    if record:
        check_recordable(forms)
    with Transaction(root, marker_recorded) as txn:
        for rel, data in files.items():
            txn.add(f"{session.name}/{rel}", data)
        rec = recording(ledger, session.name, session.date, forms) if record else None
        marker = ledger_marker(ledger, session.name, forms) if record else None
        txn.commit([session.name], overwrite, rec, marker)
    return BatchResult(session=session, folder=str(folder), forms=tuple(forms), verdicts=tuple(verdicts),
                       files=len(files), recovered=tuple(txn.recovered))


def _build(session: Session, bank, std: Standard, ledger: str,  # noqa: C901
           progress) -> tuple[dict[str, bytes], list[Form | DefenceSet], list]:
    """Return ({path in the session folder: bytes}, forms, verdicts), writing nothing."""
    created = session.created or f"{session.date}T00:00:00+08:00"
    all_forms: list[Form | DefenceSet] = []
    verdicts: list[tuple[str, Verdict]] = []
    summary: list[list] = []
    files: dict[str, bytes] = {}
    zips: dict[Group, dict[str, bytes]] = {g: {} for g in _ZIPS}
    # PDF is converted once for the whole session (LibreOffice's start-up dominates per call):
    # entries asking for pdf are assembled with docx, and their Word documents converted at the end
    for e in session.entries:  # a bad format or a missing soffice is refused before anything
        if isinstance(e.kind, ReviewKind):
            check_review_formats(_entry_formats(session, e))
        else:
            select_writers(_entry_formats(session, e), e.kind)
    for_pdf: dict[str, bytes] = {}
    for k, e in enumerate(session.entries, 1):
        label = f"{std.level(e.level).name}{std.direction(e.direction).name if e.direction else ''}{e.kind.label}"
        if progress:
            progress(k - 1, f"第 {k}/{len(session.entries)} 项：{label}")
        req = GenerateRequest(level=e.level, direction=e.direction, kind=e.kind.value, forms=e.forms, seed=e.seed,
                              structure=e.structure, max_overlap=e.max_overlap, difficulty=e.difficulty,
                              ledger=ledger, avoid_sessions=session.avoid_sessions, session=session.name,
                              session_date=session.date, created=created, record=False, split=e.split,
                              bank=tuple(session.bank),
                              explanations=e.explanations,
                              formats=_without_pdf(_entry_formats(session, e)),
                              duration_minutes=e.duration_minutes, panel_size=e.panel_size, rule=e.rule)
        try:
            built = assemble_request(req, std, bank)
        except AssemblerError as exc:
            raise type(exc)(f"场次文件第 {k} 项（{label}）：{exc}") from None
        forms = list(built.forms)
        formats = _entry_formats(session, e) or ()
        if "pdf" in formats:
            for_pdf.update((d.name, d.data) for d in built.documents if d.name.endswith(".docx"))
        for d in built.documents:
            if d.name.endswith(".docx") and "docx" not in formats and "pdf" in formats:
                continue  # made only to be converted
            files[f"{d.group.value}/{d.name}"] = d.data
            if d.group in zips:
                zips[d.group][d.name] = d.data
        if isinstance(e.kind, ReviewKind):  # 答辩 sets: checked against the bank and the blueprint
            reasons = audit_sets([f for f in forms if isinstance(f, DefenceSet)], bank)
            passed = [not any(r.startswith(f"{f.code}：") for r in reasons) for f in forms]
        else:
            # the review checks the Word documents written, not only the manifests (as `review DIR` does)
            review = review_forms([with_documents(f, f"{f.code}.json",
                                                  {d.name: d.data for d in built.documents
                                                   if d.name.startswith(f"{f.code}-") and d.name.endswith(".docx")})
                                   for f in forms if isinstance(f, Form)], bank, std, ledger)
            stem = f"{k:02d}-{e.level}{e.direction or ''}-{e.kind.value}"
            files[f"审核/{stem}-审核.json"] = review_json(review).encode("utf-8")
            files[f"审核/{stem}-审核.xlsx"] = review_xlsx(review)
            passed = [fr.passed for fr in review.forms]
        for f, ok in zip(forms, passed):
            verdict = Verdict.of(ok)
            verdicts.append((f.code, verdict))
            names = "、".join(d.name for d in built.documents if d.name.startswith(f.code) and d.group is not Group.MANIFESTS
                             and f"{d.group.value}/{d.name}" in files)
            summary.append([std.level(f.level).label, std.direction(f.direction).name if f.direction else "—",
                            f.kind.label, f.code, len(f.entries), f.seed, names + f"、{f.code}.json", verdict.label])
        all_forms += forms
    if for_pdf:
        if progress:
            progress(len(session.entries), f"转换 PDF（{len(for_pdf)} 份）")
        for d in pdf_documents(for_pdf):
            files[f"{d.group.value}/{d.name}"] = d.data
            zips[d.group][d.name] = d.data
            summary_names = [row for row in summary if d.name.startswith(row[3] + "-")]
            for row in summary_names:
                row[6] = row[6].replace(f"、{row[3]}.json", f"、{d.name}、{row[3]}.json")
    if progress:
        progress(len(session.entries), "汇总、打包")
    files["场次汇总.xlsx"] = _summary_xlsx(session, summary)
    for group, suffix in _ZIPS.items():
        files[f"{session.name}-{suffix}.zip"] = _zip(zips[group])
    return files, all_forms, verdicts


def _entry_formats(session: Session, e: SessionEntry) -> tuple[str, ...] | None:
    return e.formats if e.formats is not None else session.formats


def _without_pdf(formats: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Return the formats to assemble an entry with: pdf replaced by docx (converted later)."""
    if formats is None or "pdf" not in formats:
        return formats
    return tuple(dict.fromkeys("docx" if f == "pdf" else f for f in formats))


def _summary_xlsx(session: Session, rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "场次汇总"
    write_table(ws, f"{session.name} 试卷汇总", f"考试日期 {session.date}　共 {len(rows)} 套试卷",
                ["等级", "方向", "类型", "试卷编号", "题数", "种子", "文件", "审核结论"], rows,
                [14, 10, 10, 16, 6, 8, 60, 10], left_cols=(6,))
    return workbook_bytes(wb, session.created or f"{session.date}T00:00:00+08:00")


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # UTF-8 file names
            z.writestr(info, files[name])
    return buf.getvalue()
