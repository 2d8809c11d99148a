"""Scoring: candidates' answer sheets (xlsx/csv) scored against the forms' manifests.

Follows review in the pipeline: it reads manifests, never the bank's answers. Judge and single
items score the key or nothing; multiple items are all-or-nothing (所选答案完全一致方得分);
points per item come from the manifest (the structure's points per type).
Returns a Results object; the results workbook writer lives in writers/results.py.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .answer_sheet import FORM_HEADER, ID_HEADER, NAME_HEADER, RESPONSE_SHEET
from .bank.models import FALSE_MARK, LETTERS, TRUE_MARK
from .errors import DataError, InputError, Problem
from .form import Form, load_manifest
from .standard import Kind
from .structure import ItemType
from .xlsx import pinned_time, workbook_bytes

TRUE_ALIASES = {"√", "✓", "✔", "对", "T", "TRUE", "Y", "正确", "是"}
FALSE_ALIASES = {"×", "✗", "✘", "X", "错", "F", "FALSE", "N", "错误", "否"}


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    form: str
    responses: tuple[str, ...]  # normalised per item number: "", "√", "×", "B", "ACD"
    row: int = 0


@dataclass(frozen=True)
class FormResults:
    """One form's candidates: normalised responses and the 0/1 correctness matrix."""

    form: Form
    candidates: tuple[Candidate, ...]
    correct: np.ndarray  # candidates × items, 0/1
    option_counts: tuple[int, ...]  # number of options per item (0 for judge)

    @property
    def points(self) -> np.ndarray:
        return np.array([e.points for e in self.form.entries], dtype=float)

    @property
    def scores(self) -> np.ndarray:
        """Return the candidates × items point matrix."""
        return self.correct * self.points

    @property
    def totals(self) -> np.ndarray:
        return self.correct @ self.points

    def section_scores(self) -> dict[str, np.ndarray]:
        """Return {type label: per-candidate points} in paper order."""
        out: dict[str, np.ndarray] = {}
        for t in (ItemType.JUDGE, ItemType.SINGLE, ItemType.MULTIPLE):
            cols = [i for i, e in enumerate(self.form.entries) if e.type is t]
            if cols:
                out[t.short] = self.scores[:, cols].sum(axis=1)
        return out

    def function_scores(self) -> dict[str, tuple[np.ndarray, float]]:
        """Return {职业功能: (per-candidate points, maximum points)} in paper order of appearance."""
        names: list[str] = []
        for e in self.form.entries:
            if e.function not in names:
                names.append(e.function)
        out = {}
        for n in names:
            cols = [i for i, e in enumerate(self.form.entries) if e.function == n]
            out[n] = (self.scores[:, cols].sum(axis=1), float(self.points[cols].sum()))
        return out


@dataclass(frozen=True)
class Results:
    forms: tuple[FormResults, ...]
    source: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def candidate_count(self) -> int:
        return sum(len(f.candidates) for f in self.forms)


def load_theory_forms(directory: str | Path) -> dict[str, Form]:
    """Return {form code: Form} for every theory manifest (*.json) under a folder. Raises DataError."""
    d = Path(directory)
    if not d.is_dir():
        raise DataError([Problem("试卷清单文件夹不存在", file=str(d))], title="无法读取试卷清单")
    forms: dict[str, Form] = {}
    problems: list[Problem] = []
    for f in sorted(x for x in d.rglob("*.json") if not x.name.startswith(".")):
        try:
            form = load_manifest(f)
        except DataError:
            continue  # other JSON files (reviews, summaries) live beside the manifests
        if form.kind is Kind.THEORY:
            if form.code in forms:
                problems.append(Problem(f"试卷编号 {form.code} 的清单出现两次", file=str(f)))
            forms[form.code] = form
    if problems:
        raise DataError(problems, title="无法读取试卷清单")
    if not forms:
        raise DataError([Problem("文件夹中没有理论试卷的清单（.json）", file=str(d))], title="无法读取试卷清单")
    return forms


def option_count(entry, bank_options: dict[str, int] | None = None) -> int:
    """Return how many options an item shows (0 for judge items)."""
    if entry.type is ItemType.JUDGE:
        return 0
    if entry.permutation:
        return len(entry.permutation)
    if bank_options and entry.id in bank_options:
        return bank_options[entry.id]
    return len(LETTERS)


def normalise_answer(raw: object, entry, n_options: int) -> tuple[str, str]:
    """Return (normalised answer, problem message or "") for one cell."""
    if raw is None:
        return "", ""
    text = str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if not text:
        return "", ""
    if entry.type is ItemType.JUDGE:
        up = text.upper()
        if up in TRUE_ALIASES:
            return TRUE_MARK, ""
        if up in FALSE_ALIASES:
            return FALSE_MARK, ""
        return "", f"判断题答案「{_shown(text)}」无法识别（填 √/×、对/错 或 T/F）"
    letters = re.sub(r"[\s,，、;；/]+", "", text).upper()
    valid = LETTERS[:n_options]
    bad = sorted({c for c in letters if c not in valid})
    if bad:
        return "", f"第 {entry.number} 题只有 {valid[0]}–{valid[-1]} 选项，答案「{_shown(text)}」含 {_shown(''.join(bad))}"
    return "".join(sorted(set(letters))), ""


def _shown(text: str, limit: int = 20) -> str:
    """Return text cut to limit characters (a pasted paragraph or a 300-digit number stays readable)."""
    return text if len(text) <= limit else text[:limit] + "…"


def _rows_from_file(path: Path) -> tuple[str, list[tuple[int, list]]]:
    """Return (sheet name, [(row number, cells)]) with the header as the first row."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = path.read_bytes().decode("gb18030")
            except UnicodeDecodeError:
                raise DataError([Problem("无法识别 CSV 文件的编码（应为 UTF-8 或 GB18030）", file=str(path))],
                                title="答题登记表有误") from None
        return "", [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text)), 1)]
    if suffix in (".xlsx", ".xlsm"):
        from .xlsx import open_workbook, package_problem

        try:
            damaged = package_problem(path.read_bytes())
        except OSError:
            damaged = None  # open_workbook names the reason
        if damaged is None:
            try:
                return _fast_xlsx_rows(path)
            except (KeyError, ValueError, IndexError, OSError, zipfile.BadZipFile, SyntaxError):
                pass  # anything unusual: let openpyxl read it (slower) or report the file
        wb = open_workbook(path, "答题登记表有误", read_only=True, data_only=True)
        ws = wb[RESPONSE_SHEET] if RESPONSE_SHEET in wb.sheetnames else wb.worksheets[0]
        rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), 1)]
        wb.close()
        return ws.title, rows
    raise InputError(f"答题登记表 {path} 应为 .xlsx 或 .csv 文件。")


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


_CELL = re.compile(r'<c r="([A-Z]+)([0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_ATTR_T = re.compile(r'\bt="(\w+)"')
_V = re.compile(r"<v>([^<]*)</v>")
_T = re.compile(r"<t[^>]*>([^<]*)</t>")


def _unescape(text: str) -> str:
    import html
    return html.unescape(text)  # XML entities and numeric character references


def _col_index(ref: str) -> int:
    n = 0
    for ch in ref:
        if ch.isalpha():
            n = n * 26 + ord(ch.upper()) - 64
        else:
            break
    return n - 1


def _fast_xlsx_rows(path: Path) -> tuple[str, list[tuple[int, list]]]:
    """Return the answer sheet's rows read straight from the sheet XML (lxml iterparse).

    openpyxl needs about 20 s for 5,000 × 90 answers; this reads them in about 1 s. Raises on
    anything it does not understand, and the caller falls back to openpyxl.
    """
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        wbx = etree.fromstring(z.read("xl/workbook.xml"))
        sheets = [(sh.get("name"), sh.get(_REL_NS + "id")) for sh in wbx.iter(_NS + "sheet")]
        name, rid = next(((n, r) for n, r in sheets if n == RESPONSE_SHEET), sheets[0])
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        shared: list[str] = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in etree.fromstring(z.read("xl/sharedStrings.xml")).iter(_NS + "si"):
                shared.append("".join(t.text or "" for t in si.iter(_NS + "t")))
        xml = z.read(target).decode("utf-8")
    by_row: dict[int, list] = {}
    cols: dict[str, int] = {}
    found = _CELL.findall(xml)
    if len(found) != xml.count("<c ") + xml.count("<c>"):
        raise ValueError("cells without a plain reference")  # the caller falls back to openpyxl
    for col, rnum, attrs, body in found:
        j = cols.get(col)
        if j is None:
            j = cols[col] = _col_index(col)
        m = _ATTR_T.search(attrs) if "t=" in attrs else None
        t = m.group(1) if m else ""
        if not body:
            continue
        value: str | bool | int | float
        if t == "inlineStr":
            value = "".join(_T.findall(body))
        else:
            v = _V.search(body)
            if v is None:
                continue
            value = v.group(1)
            if t == "s":
                value = shared[int(value)]
            elif t == "b":
                value = value == "1"
            elif t not in ("str", "e"):
                number = float(value)
                value = int(number) if number.is_integer() else number
        if isinstance(value, str) and "&" in value:
            value = _unescape(value)
        cells = by_row.setdefault(int(rnum), [])
        if j >= len(cells):
            cells += [None] * (j - len(cells) + 1)
        cells[j] = value
    rows = sorted(by_row.items())
    return name, rows


def score_file(path: str | Path, forms: dict[str, Form], bank_options: dict[str, int] | None = None,
               bank=None) -> Results:
    """Return the scored Results of an answer sheet (.xlsx or .csv): zujuan's 答题登记表 (columns by
    题号, or by 题目编号 as other 考试系统 export them), or Moodle's responses report (needs the bank,
    to match question and option texts; see score_moodle).

    Raises DataError listing every bad cell (sheet, row, column): an unknown 试卷编号, an answer
    the item cannot take, a duplicate 准考证号, a missing header; InputError for other file types.
    """
    from .score_moodle import is_moodle_responses, moodle_rows

    p = Path(path)
    if not p.exists():
        raise DataError([Problem("文件不存在", file=str(p))], title="答题登记表有误")
    sheet, rows = _rows_from_file(p)
    if rows and is_moodle_responses([str(c).strip() if c is not None else "" for c in rows[0][1]]):
        if bank is None:
            raise InputError("读取 Moodle 答题情况报表需要题库（用于核对题目与选项文本）。")
        rows = moodle_rows(rows, forms, bank, str(p), sheet)
    return score_rows(rows, forms, str(p), sheet, bank_options)


def _column_letter(j: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(j + 1)


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # a workbook cell cannot hold them


def score_rows(rows: list[tuple[int, list]], forms: dict[str, Form], source: str = "", sheet: str = "",  # noqa: C901
               bank_options: dict[str, int] | None = None) -> Results:
    """Return Results from raw rows (header first). Raises DataError with every bad cell."""
    problems: list[Problem] = []

    def bad(msg: str, row: int | None = None, col: int | None = None) -> None:
        column = ""
        if col is not None:
            header = str(rows[0][1][col]).strip() if rows and col < len(rows[0][1]) and rows[0][1][col] is not None else ""
            column = f"{header}（{_column_letter(col)}列）" if header else f"{_column_letter(col)}列"
        problems.append(Problem(msg, file=source, sheet=sheet or ("CSV" if source.lower().endswith(".csv") else ""),
                                row=row, column=column))

    rows = [(i, r) for i, r in rows if i == 1 or any(c is not None and str(c).strip() for c in r)]
    if not rows:
        raise DataError([Problem("文件是空的", file=source)], title="答题登记表有误")
    header = [str(c).strip() if c is not None else "" for c in rows[0][1]]
    id_col = header.index(ID_HEADER) if ID_HEADER in header else None
    form_col = header.index(FORM_HEADER) if FORM_HEADER in header else None
    name_col = header.index(NAME_HEADER) if NAME_HEADER in header else None
    item_cols: dict[int, int] = {}  # item number -> column index
    id_cols: dict[str, int] = {}  # item id -> column index (sheets from other systems, keyed by 题目编号)
    known_ids = {e.id.upper(): e.id for f in forms.values() for e in f.entries}
    for j, h in enumerate(header):
        if j in (id_col, form_col, name_col) or not h:
            continue
        text = h[:-2] if h.endswith(".0") else h
        if text.isdigit() and int(text) > 0:
            if int(text) in item_cols:
                bad(f"题号 {text} 的列出现两次", 1, j)
            item_cols[int(text)] = j
        elif text.upper() in known_ids:
            item_id = known_ids[text.upper()]
            if item_id in id_cols:
                bad(f"题目编号 {item_id} 的列出现两次", 1, j)
            id_cols[item_id] = j
        else:
            bad(f"无法识别的列「{h}」：表头应为 准考证号、姓名、试卷编号 和题号 1、2、3…（或试卷中的题目编号）", 1, j)
    if item_cols and id_cols:
        bad("表头混用了题号与题目编号：请统一用题号（1、2、3…）或统一用题目编号", 1)
    for label, col in ((ID_HEADER, id_col), (FORM_HEADER, form_col)):
        if col is None:
            bad(f"缺少「{label}」列", 1)
    if id_col is None or form_col is None:
        raise DataError(problems, title="答题登记表有误")
    counts = {code: [option_count(e, bank_options) for e in f.entries] for code, f in forms.items()}
    numbers_by_id = {code: {e.id: e.number for e in f.entries} for code, f in forms.items()}
    seen: dict[str, int] = {}
    by_form: dict[str, list[Candidate]] = {c: [] for c in forms}

    def cell(r: list, j: int | None):
        return r[j] if j is not None and j < len(r) else None

    for i, r in rows[1:]:
        cid = str(cell(r, id_col) if cell(r, id_col) is not None else "").strip()
        if cid.endswith(".0") and cid[:-2].isdigit():
            cid = cid[:-2]
        code = str(cell(r, form_col) if cell(r, form_col) is not None else "").strip()
        if not cid:
            bad("准考证号为空", i, id_col)
        elif cid in seen:
            bad(f"准考证号 {cid} 重复（另见第 {seen[cid]} 行）", i, id_col)
        else:
            seen[cid] = i
        if not code:
            bad("试卷编号为空", i, form_col)
            continue
        form = forms.get(code)
        if form is None:
            bad(f"试卷编号「{code}」不在试卷清单文件夹中（现有：{'、'.join(sorted(forms))}）", i, form_col)
            continue
        n = len(form.entries)
        answers = [""] * n
        for number, j in item_cols.items():
            raw = cell(r, j)
            if number > n:
                if raw is not None and str(raw).strip():
                    bad(f"试卷 {code} 只有 {n} 题，没有第 {number} 题", i, j)
                continue
            entry = form.entries[number - 1]
            value, msg = normalise_answer(raw, entry, counts[code][number - 1])
            if msg:
                bad(msg, i, j)
            answers[number - 1] = value
        numbers = numbers_by_id[code]
        for item_id, j in id_cols.items():
            raw = cell(r, j)
            found = numbers.get(item_id)
            if found is None:
                if raw is not None and str(raw).strip():
                    bad(f"试卷 {code} 中没有题目 {item_id}，此格却有作答", i, j)
                continue
            value, msg = normalise_answer(raw, form.entries[found - 1], counts[code][found - 1])
            if msg:
                bad(msg, i, j)
            answers[found - 1] = value
        name = "" if cell(r, name_col) is None else str(cell(r, name_col)).strip()
        for text, col in ((cid, id_col), (name, name_col)):
            if _CONTROL_CHARS.search(text):
                bad("含有控制字符或不可见字符，请删除后重新保存", i, col)
        by_form[code].append(Candidate(cid, name, code, tuple(answers), i))
    used = [c for c in by_form if by_form[c]]
    if id_cols:
        absent = sorted({e.id for c in used for e in forms[c].entries} - set(id_cols))
        if absent:
            bad(f"缺少题目编号列：{'、'.join(absent[:20])}{' 等' if len(absent) > 20 else ''}", 1)
    else:
        missing_cols = sorted(set(range(1, max((len(f.entries) for f in forms.values()), default=0) + 1)) - set(item_cols))
        need = max((len(forms[c].entries) for c in used), default=0)
        short = [m for m in missing_cols if m <= need]
        if short:
            bad(f"缺少题号列：{'、'.join(map(str, short[:20]))}{' 等' if len(short) > 20 else ''}", 1)
    if problems:
        raise DataError(problems, title="答题登记表有误，未写入任何文件")
    if not used:
        raise DataError([Problem("没有考生作答记录", file=source)], title="答题登记表有误，未写入任何文件")
    return Results(tuple(form_results(forms[c], by_form[c], counts[c]) for c in sorted(used)), source)


def form_results(form: Form, candidates: list[Candidate], n_options: list[int] | None = None) -> FormResults:
    """Return one form's FormResults: every response compared with the manifest's key."""
    keys = [e.answer for e in form.entries]
    resp = np.array([c.responses for c in candidates], dtype=object).reshape(len(candidates), len(keys))
    correct = (resp == np.array(keys, dtype=object)).astype(np.int8)
    counts = tuple(n_options) if n_options is not None else tuple(option_count(e) for e in form.entries)
    return FormResults(form, tuple(candidates), correct, counts)


def template_xlsx(forms: dict[str, Form]) -> bytes:
    """Return an empty answer sheet (答题登记表) for the forms: headers, one column per item number."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from .writers.xlsx_style import BORDER, CENTER, HEADER_FILL, HEADER_FONT

    n = max(len(f.entries) for f in forms.values())
    wb = Workbook()
    ws = wb.active
    ws.title = RESPONSE_SHEET
    header = [ID_HEADER, NAME_HEADER, FORM_HEADER] + [str(i) for i in range(1, n + 1)]
    for j, h in enumerate(header, 1):
        c = ws.cell(1, j, h)
        c.font, c.fill, c.border, c.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["C"].width = 14
    ws.freeze_panes = "D2"
    dv = DataValidation(type="list", formula1='"' + ",".join(sorted(forms)) + '"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("C2:C5000")
    info = wb.create_sheet("填写说明")
    lines = ["每行一名考生：准考证号（不得重复）、姓名（可空）、试卷编号，其后每题一列，列头为题号。",
             "判断题填 √ 或 ×（也可填 对/错、T/F）；选择题填所选字母，顺序、大小写不限，如 ACD；未作答留空。",
             "单选题、判断题与答案一致得分；多选题所选答案与答案完全一致方得分。",
             "本场试卷：" + "；".join(f"{c}（{len(f.entries)} 题）" for c, f in sorted(forms.items()))]
    for i, t in enumerate(lines, 1):
        info.cell(i, 1, t)
    info.column_dimensions["A"].width = 100
    return workbook_bytes(wb, pinned_time(*(f.created for f in forms.values())))
