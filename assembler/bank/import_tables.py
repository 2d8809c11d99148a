"""Import other systems' spreadsheets (.xlsx, .csv) of items: with a column mapping file
(`--columns MAPPING.yaml`), or by recognising the common layouts from the header row.

A mapping file names, for each field, the column that holds it (by header text, or by letter):

    sheet: 试题            # optional (.xlsx): the sheet; default the first one
    header_row: 1          # optional: the row of the headers
    columns:
      type: 题型           # 判断/单选/多选 … (optional: inferred from options and answer)
      stem: 题干
      options: [选项A, 选项B, 选项C, 选项D, 选项E]   # one column per option, or
      # options: {column: 选项, separator: "|"}   # one column split by a separator
      answer: 答案         # A,B  A、B  AB  √ ×  对 错 …
      explanation: 解析
      difficulty: 难度     # 易/中/难, 1–5 or a 0–1 coefficient
      topic: 知识点        # a code such as 2.2.3 becomes the code, other text is kept in source
      code: 鉴定点
      number: 题号

Keys may also be written in Chinese (题型, 题干, 选项, 答案, 解析, 难度, 知识点, 鉴定点, 题号).
CSV files are read as UTF-8 (with or without BOM) or GB18030, the delimiter sniffed.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Problem
from ..structure import ItemType
from .documents import (
    ParsedItem,
    _difficulty,
    _options_in,
    _type_of,
    decode_text,
    parse_answer,
)
from .import_documents import DocumentImport, import_parsed

TABLE_SUFFIXES = (".csv", ".xlsx")
FIELD_NAMES = {"type": "题型", "stem": "题干", "options": "选项", "answer": "答案", "explanation": "解析",
               "difficulty": "难度", "topic": "知识点", "code": "鉴定点", "number": "题号"}
_CHINESE_KEYS = {v: k for k, v in FIELD_NAMES.items()}
HEADER_SYNONYMS = {
    "type": ("题型", "试题类型", "题目类型", "类型", "题类"),
    "stem": ("题干", "题目", "试题内容", "题目内容", "试题", "题目名称", "问题"),
    "answer": ("答案", "正确答案", "标准答案", "参考答案"),
    "explanation": ("解析", "答案解析", "试题解析", "解题思路"),
    "difficulty": ("难度", "难易度", "难度系数", "难易程度"),
    "topic": ("知识点", "考点"),
    "code": ("鉴定点", "鉴定点代码"),
    "number": ("题号", "序号", "编号"),
    "options": ("选项", "备选项", "选项内容"),
}
_OPTION_HEADER = re.compile(r"^(?:选项\s*([A-EＡ-Ｅa-e])|([A-EＡ-Ｅ])\s*选项|([A-EＡ-Ｅ]))$")
_SEPARATORS = ("|", "｜", "\n", "；", ";", "$$", "##")


@dataclass(frozen=True)
class Table:
    rows: list[list[str]]  # every row, header included, as text
    sheet: str  # "" for CSV
    encoding: str  # CSV: the encoding found


def is_foreign_table(path: str | Path) -> bool:
    """Return whether a path is another system's table: any .csv, or a .xlsx that is neither a
    zujuan bank workbook (sheet 题目/操作题) nor a review workbook."""
    p = Path(path)
    if p.suffix.lower() == ".csv":
        return True
    if p.suffix.lower() != ".xlsx" or not p.exists():
        return False
    from openpyxl import load_workbook

    from .excel_io import ITEM_SHEET, TASK_SHEET
    from .tag_review import REVIEW_SHEET

    try:
        names = load_workbook(p, read_only=True).sheetnames
    except Exception:
        return False  # the workbook reader reports it
    return not ({ITEM_SHEET, TASK_SHEET, REVIEW_SHEET} & set(names))


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Return the rows of a CSV file or a workbook sheet as text. Raises DataError when unreadable."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(f"无法读取：{exc.strerror or exc}", file=name)], title="无法导入") from None
    if not data.strip():
        raise DataError([Problem("文件是空的", file=name)], title="无法导入")
    if path.suffix.lower() == ".csv":
        try:
            text, encoding = decode_text(data)
        except UnicodeDecodeError:
            raise DataError([Problem("不是可识别编码（UTF-8 或 GB18030）的 CSV 文件", file=name,
                                     hint="在 Excel 中「另存为」CSV UTF-8")], title="无法导入") from None
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
        except csv.Error:
            dialect = csv.excel
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text), dialect)]
        return Table(rows, "", encoding)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged or encrypted file
        raise DataError([Problem(f"不是可读取的 Excel 工作簿（{type(exc).__name__}）", file=name,
                                 hint="确认文件能用 Excel 打开，并保存为 .xlsx")], title="无法导入") from None
    if sheet and sheet not in wb.sheetnames:
        raise DataError([Problem(f"没有工作表「{sheet}」（有：{'、'.join(wb.sheetnames)}）", file=name)], title="无法导入")
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = [["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)).strip()
             for v in row] for row in ws.iter_rows(values_only=True)]
    return Table(rows, ws.title, "")


def read_mapping(path: str | Path) -> dict:
    """Return a column mapping file's content, checked. Raises DataError naming what is wrong."""
    import yaml

    from ..yaml_safe import load_yaml

    name = str(path)
    try:
        raw = load_yaml(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError([Problem(f"无法读取映射文件：{exc.strerror or exc}", file=name)], title="无法导入") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError([Problem(f"映射文件不是有效的 YAML：{exc}", file=name)], title="无法导入") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("columns") or raw.get("列"), dict):
        raise DataError([Problem("映射文件应含 columns: 映射（字段: 列名）", file=name,
                                 hint="参见 zujuan bank import --help 或 README「导入已有题库」")], title="无法导入")
    columns: dict = {}
    problems = []
    given: dict = raw.get("columns") or raw.get("列") or {}
    for key, value in given.items():
        field = _CHINESE_KEYS.get(str(key), str(key))
        if field not in FIELD_NAMES:
            problems.append(Problem(f"未知字段「{key}」", file=name,
                                    hint="可用：" + "、".join(f"{k}（{v}）" for k, v in FIELD_NAMES.items())))
            continue
        columns[field] = value
    if "stem" not in columns:
        problems.append(Problem("映射文件没有指定题干（stem）所在的列", file=name))
    if problems:
        raise DataError(problems, title="映射文件有误")
    return {"columns": columns, "sheet": raw.get("sheet") or raw.get("工作表"),
            "header_row": int(raw.get("header_row") or raw.get("表头行") or 1)}


def _find(headers: list[str], wanted: str) -> int | None:
    """Return the index of a column given by header text or by letter (A, B … AA)."""
    norm = [h.replace(" ", "") for h in headers]
    w = str(wanted).replace(" ", "")
    if w in norm:
        return norm.index(w)
    if re.fullmatch(r"[A-Z]{1,2}", w) and w not in norm:
        k = 0
        for ch in w:
            k = k * 26 + ord(ch) - 64
        return k - 1 if k - 1 < len(headers) else None
    return None


def recognise(headers: list[str]) -> tuple[dict, str] | None:
    """Return (mapping columns, layout description) when the headers are one of the common layouts."""
    norm = [h.replace(" ", "") for h in headers]
    cols: dict = {}
    for field, names in HEADER_SYNONYMS.items():
        k = next((norm.index(n) for n in names if n in norm), None)
        if k is not None:
            cols[field] = headers[k]
    letters = {}
    for k, h in enumerate(norm):
        m = _OPTION_HEADER.match(h)
        if m:
            letter = (m.group(1) or m.group(2) or m.group(3)).upper()
            letters[chr(ord(letter) - 0xFEE0) if ord(letter) > 0xFF else letter] = headers[k]
    if "stem" not in cols or "answer" not in cols:
        return None
    if len(letters) >= 2:
        cols["options"] = [letters[c] for c in sorted(letters)]
        return cols, f"题干 + 选项{'、'.join(sorted(letters))} 分列"
    if "options" in cols:
        return cols, f"题干 + 「{cols['options']}」一列（自动识别分隔符）"
    return cols, "题干 + 答案（无选项列：判断题）"


def import_table(source: str | Path, into: str | Path | None = None, columns: str | Path | None = None,
                 level: object | None = None, prefix: str | None = None, dry_run: bool = False,
                 replace: bool = False, skip_errors: bool = False, standard=None,
                 direction: object | None = None) -> DocumentImport:
    """Import another system's spreadsheet (.xlsx or .csv) by a column mapping file, or by the common
    layout its headers show; write `<into>/imported/<name>.yaml` as import_document does.

    Raises DataError (writing nothing) for an unreadable file, a bad mapping, unrecognised headers
    or any item's problem (located by sheet and row).
    """
    src = Path(source)
    mapping = read_mapping(columns) if columns else None
    table = read_table(src, mapping["sheet"] if mapping else None)
    header_row = mapping["header_row"] if mapping else 1
    if len(table.rows) < header_row:
        raise DataError([Problem("没有表头行", file=str(src), sheet=table.sheet)], title="无法导入")
    headers = table.rows[header_row - 1]
    if mapping:
        cols, layout = mapping["columns"], f"按映射文件 {columns}"
    else:
        found = recognise(headers)
        if found is None:
            raise DataError([Problem("无法识别表头：需要「题干」和「答案」列（或同义列名）", file=str(src),
                                     **_at(table, header_row), hint="用 --columns 映射文件指定各字段所在的列")], title="无法导入")
        cols, layout = found
    if table.encoding:
        layout += f"，编码 {table.encoding}"
    problems: list[Problem] = []
    index: dict = {}
    for field, spec in cols.items():
        if field == "options":
            if isinstance(spec, list):
                index["options"] = [(chr(65 + k), _find(headers, c), c) for k, c in enumerate(spec)]
                missing = [c for _, k, c in index["options"] if k is None]
            else:
                col = str(spec.get("column") if isinstance(spec, dict) else spec)
                index["options"] = (_find(headers, col), (spec.get("separator") if isinstance(spec, dict) else None))
                missing = [col] if index["options"][0] is None else []
        else:
            k = _find(headers, spec)
            index[field] = k
            missing = [spec] if k is None else []
        for c in missing:
            problems.append(Problem(f"表头中没有列「{c}」（{FIELD_NAMES[field]}）", file=str(src),
                                    **_at(table, header_row), hint="改正映射文件中的列名，或用列字母（如 C）"))
    if problems:
        raise DataError(problems, title=f"{src} 的列与映射不符，未导入")
    items: list[ParsedItem] = []
    sheet_label = f"工作表「{table.sheet}」" if table.sheet else ""
    for r, row in enumerate(table.rows[header_row:], header_row + 1):
        if any(c.strip() for c in row):
            place = f"{sheet_label}第 {r} 行" if sheet_label else f"第 {r} 行"
            items.append(_row_item(row, r, place, index, str(src), problems))
    if not items:
        raise DataError([Problem("表头以下没有题目", file=str(src), sheet=table.sheet)], title=f"{src} 中没有可导入的题目")
    return import_parsed(src, items, problems, {}, into, level, prefix, dry_run, replace, skip_errors, standard,
                         joiner="\n", layout=layout, direction=direction)


def _type_cell(raw: str) -> ItemType | None:
    """Return the type a 题型 cell names (单选题, 单项选择, 多选, 判断题, single …), or None."""
    words = {"判断": "判断题", "是非": "是非题", "多选": "多选题", "多项": "多选题", "不定项": "不定项选择题",
             "单选": "单选题", "单项": "单选题"}
    word = next((w for w in words if w in raw), "")
    if word:
        return _type_of(words[word])
    return ItemType(raw.lower()) if raw.lower() in ("judge", "single", "multiple") else None


def _row_item(row: list[str], r: int, place: str, index: dict, file: str, problems: list[Problem]) -> ParsedItem:
    """Return one row as a ParsedItem (as the document grammar would give it); add its problems."""
    def cell(field: str) -> str:
        k = index.get(field)
        return row[k].strip() if isinstance(k, int) and k < len(row) and row[k] else ""

    written = cell("number")
    it = ParsedItem(number=int(written) if written.isdigit() else r, written=written or str(r), place=place, section=0,
                    declared=None)
    raw_type = cell("type")
    if raw_type:
        it.declared, it.declared_by = _type_cell(raw_type), f"题型列「{raw_type}」"
        if it.declared is None:
            problems.append(Problem(f"题型「{raw_type}」无法识别", file=file, place=place, hint="写 判断题/单选题/多选题"))
    it.stem = [cell("stem")] if cell("stem") else []
    spec = index.get("options")
    if isinstance(spec, list):
        it.options = [[letter, row[k].strip(), place] for letter, k, _ in spec
                      if k is not None and k < len(row) and row[k].strip()]
    elif spec is not None and spec[0] is not None:
        text = row[spec[0]].strip() if spec[0] < len(row) else ""
        it.options = [[letter, body, place] for letter, body in _split_options(text, spec[1])]
    raw_answer = cell("answer")
    if raw_answer:
        answer = parse_answer(raw_answer)
        if answer is None:
            problems.append(Problem(f"答案「{raw_answer}」无法识别", file=file, place=place,
                                    hint="选择题写字母（如 B 或 A,C,D），判断题写 √ 或 ×"))
        else:
            it.answer, it.answer_place = answer, place
    if cell("explanation"):
        it.explanation = [cell("explanation")]
    if cell("difficulty"):
        it.difficulty = _difficulty(cell("difficulty"))
        if it.difficulty is None:
            problems.append(Problem(f"难度「{cell('difficulty')}」无法识别", file=file, place=place,
                                    hint="写 1～5、易/中/难，或 0～1 的难度系数", severity="warning"))
    for field in ("code", "topic"):
        value = cell(field)
        m = re.search(r"\d+\.\d+(?:\.\d+)?(?:[(（]\d+[)）])?", value)
        if m and not it.code:
            it.code = m.group(0).replace("（", "(").replace("）", ")")
        elif value and field == "topic":
            it.topic = value
    return it


def _at(table: Table, row: int) -> dict:
    """Return Problem location fields for a row: sheet and row of a workbook, the line of a CSV."""
    return {"sheet": table.sheet, "row": row} if table.sheet else {"place": f"第 {row} 行"}


def _split_options(text: str, separator: str | None) -> list[tuple[str, str]]:
    """Return the options of one cell: split by the separator (or the first that occurs), or read as
    「A．… B．…」; a leading 「A．」 on each part is dropped."""
    if not text:
        return []
    marked = _options_in(text.replace("\n", " "))
    if separator is None and marked and len(marked) >= 2:
        return marked
    sep = separator or next((s for s in _SEPARATORS if s in text), None)
    parts = [p.strip() for p in text.split(sep)] if sep else [text.strip()]
    out = []
    for k, part in enumerate(p for p in parts if p):
        m = _options_in(part)
        out.append((m[0][0], m[0][1]) if m and len(m) == 1 else (chr(65 + k), part))
    return out


def is_question_file(path: str | Path, columns: str | Path | None = None) -> bool:
    """Return whether `bank import` reads path as untagged questions (a document, another system's
    table, or any table with a column mapping) rather than a zujuan bank or review workbook."""
    from .import_documents import is_document

    return is_document(path) or columns is not None or is_foreign_table(path)


def import_questions(source: str | Path, into: str | Path | None = None, columns: str | Path | None = None,
                     level: object | None = None, prefix: str | None = None, dry_run: bool = False,
                     replace: bool = False, skip_errors: bool = False, standard=None,
                     direction: object | None = None) -> DocumentImport:
    """Import a question document (.docx .pdf .txt .md) or another system's table (.csv, .xlsx, or
    any table with `columns`), whichever source is; see import_document and import_table.

    Raises DataError (nothing written) as they do.
    """
    from .import_documents import import_document

    if columns is not None or is_foreign_table(source):
        return import_table(source, into, columns, level, prefix, dry_run, replace, skip_errors, standard,
                            direction=direction)
    return import_document(source, into, level, prefix, dry_run, replace, skip_errors, standard, direction=direction)
