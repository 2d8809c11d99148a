"""Read question documents (.docx, .pdf, .txt, .md) into located lines, and parse the lines into items.

The grammar is the one Chinese authors use in 复习题/模拟题 documents: numbered items (`1．` `1、`
`1.` `（1）` `1)`, or Word's automatic numbering), section headings that set the type (`一、判断题`),
options `A．` … one per line or several on a line, answers inline (`【答案】B`, `答案：B`, `正确答案：A、C`)
or collected in an answer section at the end (`参考答案` then `1．D`, `1-5 ABCDB` or a table),
`【解析】`, `【难度】`, `【鉴定点】`/`【知识点】` lines. Every line keeps its place in the source
(docx paragraph, pdf page and line, text line) so each problem names it.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError, Problem
from ..structure import ItemType
from .models import FALSE_MARK, IMAGE_MARK, TRUE_MARK
from .normalize import JUDGE_ALIASES

DOCUMENT_SUFFIXES = (".docx", ".pdf", ".txt", ".md")
_IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/bmp": "bmp",
                "image/x-emf": "emf", "image/x-wmf": "wmf", "image/tiff": "tiff"}


@dataclass(frozen=True)
class Line:
    """One line of a document's text with where it is, e.g. 「第 12 段」 or 「第 2 页第 5 行」."""

    text: str
    place: str


@dataclass
class DocumentText:
    lines: list[Line]
    images: dict[str, bytes] = field(default_factory=dict)  # "images/<sha16>.png" -> bytes
    pages: int = 0


def image_name(data: bytes, ext: str) -> str:
    """Return the bank-relative name of an image: images/<first 16 hex of its SHA-256>.<ext>."""
    return f"images/{hashlib.sha256(data).hexdigest()[:16]}.{ext.lower().lstrip('.')}"


# ---- readers -------------------------------------------------------------------------------------

def read_document(path: str | Path) -> DocumentText:
    """Return the located lines (and images) of a .docx, .pdf, .txt or .md file.

    Raises DataError with a Chinese message for a file that cannot be read: missing, empty, a .doc,
    an encrypted or damaged document, a scanned PDF with no text layer.
    """
    p = Path(path)
    name = str(p)
    suffix = p.suffix.lower()
    if suffix == ".doc":
        raise DataError([Problem("是旧版 Word 97-2003 文档（.doc），无法读取", file=name,
                                 hint="在 Word 或 LibreOffice 中「另存为」.docx 后再导入")], title="无法导入")
    if suffix not in DOCUMENT_SUFFIXES:
        raise DataError([Problem(f"不支持的文件类型「{p.suffix or '无扩展名'}」", file=name,
                                 hint="支持 .docx、.pdf、.txt、.md，以及题库工作簿 .xlsx")], title="无法导入")
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem("文件不存在", file=name)], title="无法导入") from None
    except OSError as exc:
        raise DataError([Problem(f"无法读取：{exc.strerror or exc}", file=name)], title="无法导入") from None
    if not data.strip():
        raise DataError([Problem("文件是空的", file=name)], title="无法导入")
    if suffix == ".docx":
        return _read_docx(data, name)
    if suffix == ".pdf":
        return _read_pdf(data, name)
    return _read_text(data, name, p.parent, markdown=suffix == ".md")


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) of a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

    Raises UnicodeDecodeError when none fits.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8-BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "GB18030"


def _read_text(data: bytes, name: str, folder: Path, markdown: bool) -> DocumentText:
    try:
        text, _ = decode_text(data)
    except UnicodeDecodeError:
        raise DataError([Problem("不是可识别编码（UTF-8 或 GB18030）的文本文件", file=name,
                                 hint="用记事本另存为 UTF-8 编码后再导入")], title="无法导入") from None
    if "\x00" in text:
        raise DataError([Problem("不是文本文件（含二进制内容）", file=name)], title="无法导入")
    images: dict[str, bytes] = {}
    lines = []
    for n, raw in enumerate(text.splitlines(), 1):
        if markdown:
            raw = _markdown_line(raw, folder, images, name, n)
        lines.append(Line(raw, f"第 {n} 行"))
    return DocumentText(lines, images)


def _markdown_line(raw: str, folder: Path, images: dict[str, bytes], name: str, n: int) -> str:
    """Return a Markdown line as plain text: heading marks and list bullets dropped, images stored."""
    raw = re.sub(r"^\s{0,3}#{1,6}\s+", "", raw)
    raw = re.sub(r"^\s*[-*+]\s+(?=\S)", "", raw)
    raw = raw.replace("\\", "") if re.search(r"\\[.*_#]", raw) else raw

    def keep(m: re.Match) -> str:
        target = folder / m.group(2)
        try:
            data = target.read_bytes()
        except OSError:
            raise DataError([Problem(f"图片「{m.group(2)}」不存在或无法读取", file=name, place=f"第 {n} 行",
                                     hint="图片路径相对于 Markdown 文件所在的文件夹")], title="无法导入") from None
        ref = image_name(data, target.suffix or ".png")
        images[ref] = data
        return f"![{m.group(1) or '图'}]({ref})"

    return IMAGE_MARK.sub(keep, raw)


def _read_pdf(data: bytes, name: str) -> DocumentText:
    import io

    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    lines: list[Line] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            for pno, page in enumerate(pdf.pages, 1):
                text = page.extract_text() or ""
                for lno, raw in enumerate(text.splitlines(), 1):
                    lines.append(Line(raw, f"第 {pno} 页第 {lno} 行"))
    except PDFPasswordIncorrect:
        raise DataError([Problem("PDF 已加密（需要密码），无法读取", file=name, hint="去掉密码保护后再导入")],
                        title="无法导入") from None
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises several unrelated types for damaged files
        inner = " ".join(f"{type(a).__name__} {a}" for a in (exc, *exc.args, exc.__cause__) if a is not None)
        if "password" in inner.lower() or "encrypt" in inner.lower() or b"/Encrypt" in data:
            raise DataError([Problem("PDF 已加密（需要密码），无法读取", file=name, hint="去掉密码保护后再导入")],
                            title="无法导入") from None
        raise DataError([Problem(f"不是可读取的 PDF 文件（{type(exc).__name__}）", file=name)], title="无法导入") from None
    lines = drop_page_furniture(lines, pages)
    if not any(ln.text.strip() for ln in lines):
        raise DataError([Problem(f"PDF 共 {pages} 页，没有文字层（可能是扫描件），无法识别题目", file=name,
                                 hint="用 OCR 软件识别为文字，或导入原始 Word 文档")], title="无法导入")
    return DocumentText(lines, {}, pages)


_PAGE_NUMBER = re.compile(r"^\s*(?:第\s*\d+\s*页(?:\s*[,，/／]?\s*共\s*\d+\s*页)?|\d+\s*[/／]\s*\d+|[-—–]\s*\d+\s*[-—–]|"
                          r"\d+|page\s*\d+(?:\s*of\s*\d+)?)\s*$", re.IGNORECASE)


def drop_page_furniture(lines: list[Line], pages: int) -> list[Line]:
    """Return a PDF's lines without its page numbers and running headers or footers: a line that
    is only a page number, or the first or last line of a page when the same text (digits aside)
    is the first or last line of at least half of the pages (and of two or more)."""
    by_page: dict[str, list[Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.place.split("页", 1)[0], []).append(ln)
    edge_counts: dict[str, int] = {}
    for page_lines in by_page.values():
        texts = [x for x in page_lines if x.text.strip()]
        for ln in {id(x): x for x in (texts[:1] + texts[-1:])}.values():
            key = re.sub(r"\d+", "#", ln.text.strip())
            edge_counts[key] = edge_counts.get(key, 0) + 1
    running = {k for k, n in edge_counts.items() if n >= 2 and n >= pages / 2}
    out = []
    for page_lines in by_page.values():
        texts = [x for x in page_lines if x.text.strip()]
        edges = {id(x) for x in texts[:1] + texts[-1:]}
        for ln in page_lines:
            if _PAGE_NUMBER.match(ln.text):
                continue
            if id(ln) in edges and re.sub(r"\d+", "#", ln.text.strip()) in running:
                continue
            out.append(ln)
    return out


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _read_docx(data: bytes, name: str) -> DocumentText:
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE container: a .doc renamed, or an encrypted .docx
        raise DataError([Problem("文件已加密，或是改了扩展名的旧版 .doc 文档，无法读取", file=name,
                                 hint="在 Word 中去掉密码保护并「另存为」.docx 后再导入")], title="无法导入")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DataError([Problem(f"不是有效的 Word 文档（{type(exc).__name__}）", file=name,
                                 hint="确认文件能用 Word 打开，并保存为 .docx")], title="无法导入") from None
    numbering = _Numbering(document)
    images: dict[str, bytes] = {}
    lines: list[Line] = []
    body = document.element.body
    para_no = 0
    for el in body.iterchildren():
        if el.tag == f"{_W}p":
            para_no += 1
            text = numbering.label(el, document) + _paragraph_text(el, document, images)
            for k, part in enumerate(text.split("\n")):
                lines.append(Line(part, f"第 {para_no} 段" if k == 0 else f"第 {para_no} 段第 {k + 1} 行"))
        elif el.tag == f"{_W}tbl":
            para_no += 1
            rows = [[_cell_text(tc, document, images) for tc in tr.iter(f"{_W}tc")] for tr in el.iter(f"{_W}tr")]
            for k, line in enumerate(table_lines(rows), 1):
                lines.append(Line(line, f"第 {para_no} 段（表格第 {k} 行）"))
    return DocumentText(lines, images)


def _paragraph_text(p, document, images: dict[str, bytes]) -> str:
    out: list[str] = []
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", "{*}blip", "{*}imagedata"):
        tag = node.tag
        if tag == f"{_W}t":
            out.append(node.text or "")
        elif tag == f"{_W}tab":
            out.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append("\n")
        else:
            rid = node.get(_R_EMBED) or node.get(_R_ID)
            part = document.part.related_parts.get(rid) if rid else None
            if part is not None:
                ext = _IMAGE_TYPES.get(part.content_type, Path(str(part.partname)).suffix.lstrip(".") or "png")
                ref = image_name(part.blob, ext)
                images[ref] = part.blob
                out.append(f"![图]({ref})")
    return "".join(out)


def _cell_text(tc, document, images) -> str:
    return " ".join(_paragraph_text(p, document, images) for p in tc.iter(f"{_W}p")).strip()


def table_lines(rows: list[list[str]]) -> list[str]:
    """Return a table as text lines: an answer-key table (题号/答案 rows, or number|answer pairs)
    becomes `1．D` lines; any other table keeps its rows, cells joined by 「 | 」."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    out: list[str] = []
    for i in range(len(rows) - 1):  # horizontal key: 题号 1 2 3 … / 答案 D C A …
        head, ans = rows[i], rows[i + 1]
        if head and re.fullmatch(r"题号|题\s*号|题目", head[0].strip()) and re.fullmatch(r"(参考)?答案", ans[0].strip()):
            out += [f"{n.strip()}．{a.strip()}" for n, a in zip(head[1:], ans[1:]) if n.strip().isdigit() and a.strip()]
    if out:
        return out
    pairs = [r for r in rows if len(r) >= 2]
    def key_row(r: list[str]) -> bool:  # 1 | D | 2 | AC …: numbers, each followed by an answer
        return all(r[k].strip().isdigit() and (parse_answer(r[k + 1]) is not None or not r[k + 1].strip())
                   for k in range(0, len(r), 2))

    if pairs and all(len(r) % 2 == 0 for r in pairs) and sum(key_row(r) for r in pairs) >= max(1, len(pairs) - 1):
        for r in pairs:  # vertical key: 1 | D | 2 | C …
            out += [f"{r[k].strip()}．{r[k + 1].strip()}" for k in range(0, len(r), 2)
                    if r[k].strip().isdigit() and r[k + 1].strip()]
        return out
    return [" | ".join(c.strip() for c in r) for r in rows]


class _Numbering:
    """Word's automatic numbering: the number a paragraph shows, computed from numbering.xml."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (fmt, text, start)
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iter(f"{_W}abstractNum"):
            lv: dict[int, tuple[str, str, int]] = {}
            for lvl in an.iter(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                txt = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                lv[int(lvl.get(f"{_W}ilvl"))] = (fmt.get(f"{_W}val") if fmt is not None else "decimal",
                                                 txt.get(f"{_W}val") if txt is not None else "%1.",
                                                 int(start.get(f"{_W}val")) if start is not None else 1)
            abstract[an.get(f"{_W}abstractNumId")] = lv
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{_W}numId")] = abstract.get(ref.get(f"{_W}val"), {})

    def label(self, p, document) -> str:
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        if num_pr is None:
            style = p.find(f"{_W}pPr/{_W}pStyle")
            if style is not None:
                st = document.styles.element.find(f"{_W}style[@{_W}styleId='{style.get(f'{_W}val')}']")
                num_pr = st.find(f"{_W}pPr/{_W}numPr") if st is not None else None
        if num_pr is None:
            return ""
        nid = num_pr.find(f"{_W}numId")
        ilvl = num_pr.find(f"{_W}ilvl")
        num_id = nid.get(f"{_W}val") if nid is not None else None
        level = int(ilvl.get(f"{_W}val")) if ilvl is not None else 0
        defs = self.levels.get(num_id or "")
        if not defs or level not in defs:
            return ""
        counts = self.counters.setdefault(num_id or "", [0] * 9)
        counts[level] += 1
        for deeper in range(level + 1, 9):
            counts[deeper] = 0
        fmt, text, _ = defs[level]
        if fmt in ("bullet", "none"):
            return ""

        def value(k: int) -> str:
            f, _, start = defs.get(k, ("decimal", "", 1))
            return _format_number(counts[k] + start - 1 if counts[k] else start, f)

        return re.sub(r"%(\d)", lambda m: value(int(m.group(1)) - 1), text) + " "


_CN_DIGITS = "零一二三四五六七八九十"


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("upperLetter", "lowerLetter"):
        s = chr(ord("A") + (n - 1) % 26)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "taiwaneseCounting",
               "chineseLegalSimplified", "ideographDigital"):
        if n <= 10:
            return _CN_DIGITS[n]
        if n < 20:
            return "十" + _CN_DIGITS[n - 10]
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if fmt in ("upperRoman", "lowerRoman"):
        vals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        s = ""
        for v, r in vals:
            while n >= v:
                s, n = s + r, n - v
        return s if fmt == "upperRoman" else s.lower()
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


# ---- grammar -------------------------------------------------------------------------------------

_TYPE_WORDS = [("判断题", ItemType.JUDGE), ("是非题", ItemType.JUDGE), ("判断", ItemType.JUDGE),
               ("单项选择题", ItemType.SINGLE), ("单选题", ItemType.SINGLE), ("单项选择", ItemType.SINGLE),
               ("多项选择题", ItemType.MULTIPLE), ("多选题", ItemType.MULTIPLE), ("不定项选择题", ItemType.MULTIPLE),
               ("多项选择", ItemType.MULTIPLE), ("选择题", None)]
_TYPE_ALT = "|".join(w for w, _ in _TYPE_WORDS)
_HEADING = re.compile(
    rf"^\s*(?:第?[一二三四五六七八九十]+\s*(?:部分)?\s*[、.．:：]?\s*|[IVX]+\s*[.．、]\s*)?({_TYPE_ALT})"
    r"\s*(?:[（(][^)）]*[)）])?\s*(?:[:：].*)?$")
_KEY_HEADING = re.compile(r"^\s*(?:第?[一二三四五六七八九十]+\s*[、.．]\s*)?[【\[]?\s*(参考答案|标准答案|试题答案|答案与解析|答案及解析|"
                          r"参考答案与解析|参考答案及解析|答案)\s*[】\]]?\s*[:：]?\s*$")
_KEY_WITH_ENTRIES = re.compile(r"^\s*(?:参考答案|标准答案|试题答案|答案)\s*[:：]\s*((?:[0-9０-９]{1,4})\s*(?:[-－~～—–至]\s*[0-9０-９]{1,4}\s*)?"
                               r"[.．、:：)）]?\s*[A-EＡ-Ｅ√×✓✗✔✘对错TF].*)$")
_LABEL = re.compile(rf"^\s*[【\[]\s*({_TYPE_ALT})\s*[】\]]\s*")
# 「1.5倍」 is a number, not item 1: a half-width dot followed by a digit does not end an item number
_ITEM = re.compile(r"^\s*(?:[(（]\s*([0-9０-９]{1,4})\s*[)）]|([0-9０-９]{1,4})\s*(?:[．、)）]|\.(?![0-9])))\s*(.*)$")
_OPTION_AT = re.compile(r"(?:^|(?<=[\s　\t]))[(（]?([A-EＡ-Ｅ])\s*(?:[)）]\s*[.．、:：]?|[.．、:：])\s*")
_MARKER = re.compile(r"[【\[]\s*(答案|参考答案|正确答案|解析|试题解析|难度|知识点|鉴定点|考点)\s*[】\]]\s*[:：]?"
                     r"|(?:^|(?<=[\s　]))(?:(正确答案|参考答案|标准答案|答案)|(解析|难度|知识点|鉴定点|考点))\s*[:：]"
                     r"|(?:^|(?<=[\s　]))(正确答案|参考答案)(?=\s*[A-EＡ-Ｅ√×✓✗✔✘对错]+\s*$)")
_ANSWER_BRACKET = re.compile(r"[（(][ \u3000\u00a0]*[)）]")  # 「（ ）」 as a PDF or an author wrote it
_CODE = re.compile(r"\d+\.\d+(?:\.\d+)?(?:[(（]\d+[)）])?")
_RANGE_KEY = re.compile(r"([0-9０-９]{1,4})\s*[-－~～—–至]\s*([0-9０-９]{1,4})\s*[.．、:：]?\s*"
                        r"([A-EＡ-Ｅ√×✓✗✔✘对错TF]+(?:[\s　]+[A-EＡ-Ｅ√×✓✗✔✘对错TF]+)*)")
_ONE_KEY = re.compile(r"([0-9０-９]{1,4})\s*[.．、:：)）]\s*((?:[A-EＡ-Ｅ][\s、,，]*)+|√|×|✓|✗|✔|✘|正确|错误|对|错|T|F)")
_DIFFICULTY_WORDS = {"易": 1, "容易": 1, "简单": 1, "较易": 2, "中": 3, "中等": 3, "一般": 3, "适中": 3, "较难": 4,
                     "难": 5, "困难": 5}


def _type_of(word: str) -> ItemType | None:
    return dict(_TYPE_WORDS).get(word)


@dataclass(kw_only=True)
class ParsedItem:
    """An item as the document wrote it, before it becomes a bank record."""

    number: int
    written: str  # the number as written, e.g. 「12．」 or 「（12）」
    place: str
    section: int
    declared: ItemType | None  # from the section heading or a 【单选题】 label
    declared_by: str = ""
    stem: list[str] = field(default_factory=list)
    options: list[list[str]] = field(default_factory=list)  # [letter, text, place]
    answer: str = ""
    answer_place: str = ""
    explanation: list[str] = field(default_factory=list)
    difficulty: int | None = None
    code: str = ""
    topic: str = ""
    part: str = "stem"


@dataclass
class ParseResult:
    items: list[ParsedItem]
    problems: list[Problem]
    key_entries: int = 0


def _split_markers(text: str) -> list[tuple[str, str]]:
    """Return a line cut at its 【答案】/【解析】/答案：… markers: [(kind, text)], kind '' for plain text."""
    out: list[tuple[str, str]] = []
    pos, kind = 0, ""
    for m in _MARKER.finditer(text):
        word = m.group(1) or m.group(2) or m.group(3) or m.group(4)
        out.append((kind, text[pos:m.start()]))
        kind = {"解析": "explanation", "试题解析": "explanation", "难度": "difficulty", "知识点": "topic",
                "考点": "topic", "鉴定点": "code"}.get(word, "answer")
        pos = m.end()
    out.append((kind, text[pos:]))
    return [(k, t) for k, t in out if k or t.strip()]


def parse_answer(text: str) -> str | None:
    """Return an answer written as letters (`A、C、D`, `ACD`, `Ａ`) or a judge mark (√ × 对 错 正确 T …) in
    canonical form ('ACD', '√', '×'), or None when it is neither."""
    t = unicodedata.normalize("NFKC", text).strip().rstrip("。.;；")
    t = re.sub(r"^[(（]\s*|\s*[)）]$", "", t).strip()
    mark = JUDGE_ALIASES.get(t.upper()) or JUDGE_ALIASES.get(t)
    if mark:
        return mark
    letters = re.sub(r"[\s、,，;；/和与及]+", "", t).upper()
    if letters and re.fullmatch(r"[A-E]+", letters) and len(set(letters)) == len(letters):
        return "".join(sorted(letters))
    return None


def _difficulty(text: str) -> int | None:
    t = unicodedata.normalize("NFKC", text).strip().rstrip("。")
    if t in _DIFFICULTY_WORDS:
        return _DIFFICULTY_WORDS[t]
    m = re.fullmatch(r"([1-5])(?:\s*(?:级|星))?", t)
    if m:
        return int(m.group(1))
    try:
        p = float(t)  # 学科网-style difficulty coefficient: the share who answer right
    except ValueError:
        return None
    if 0 < p < 1:
        return 1 if p >= 0.85 else 2 if p >= 0.7 else 3 if p >= 0.5 else 4 if p >= 0.3 else 5
    return None


def _options_in(text: str) -> list[tuple[str, str]] | None:
    """Return the options a line holds (several may share a line), or None when it does not start with one."""
    marks = list(_OPTION_AT.finditer(text))
    if not marks or marks[0].start() != len(text) - len(text.lstrip()):
        return None
    chosen = [marks[0]]
    for m in marks[1:]:
        prev = unicodedata.normalize("NFKC", chosen[-1].group(1))
        if ord(unicodedata.normalize("NFKC", m.group(1))) == ord(prev) + 1:
            chosen.append(m)
    out = []
    for k, m in enumerate(chosen):
        end = chosen[k + 1].start() if k + 1 < len(chosen) else len(text)
        out.append((unicodedata.normalize("NFKC", m.group(1)), text[m.end():end].strip()))
    return out


def parse_lines(lines: list[Line], file: str) -> ParseResult:
    """Return the items of a document's lines, with every problem located (file and place)."""
    parser = _Parser(file)
    for line in lines:
        text = _ANSWER_BRACKET.sub("（    ）", line.text.replace("\u3000", " ")).rstrip()
        if text.strip():
            parser.line(text, line.place)
    return parser.finish()


class _Parser:
    """The state of one document's parse: the section, the item being read, the answer section."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.items: list[ParsedItem] = []
        self.section, self.section_word = 0, ""
        self.section_type: ItemType | None = None
        self.section_types: dict[int, ItemType | None] = {}
        self.seen: dict[tuple[int, int], ParsedItem] = {}
        self.current: ParsedItem | None = None
        self.key_mode = False
        self.key: dict[tuple[int, int], tuple[str, str]] = {}  # (key section, number) -> (answer, place)
        self.key_section = 0
        self.key_section_types: dict[int, ItemType | None] = {}
        self.key_explained: dict[tuple[int, int], list[str]] = {}
        self.last_key: tuple[int, int] | None = None
        self.pending_numbers: list[int] = []

    def problem(self, message: str, place: str, hint: str = "") -> None:
        self.problems.append(Problem(message, file=self.file, place=place, hint=hint))

    # -- one line ---------------------------------------------------------------------------------
    def line(self, text: str, place: str) -> None:
        if _KEY_HEADING.match(text) and (self.items or self.key_mode):
            self.key_mode, self.current = True, None
            return
        inline_key = _KEY_WITH_ENTRIES.match(text)
        if inline_key and self.items:  # 「参考答案：1-5 ABCDB」 or 「答案：1．D 2．C」 after the items
            self.key_mode, self.current = True, None
            self.key_line(inline_key.group(1), place)
            return
        heading = _HEADING.match(text)
        if heading and len(text.strip()) <= 80:
            self.heading(heading.group(1))
        elif self.key_mode:
            self.key_line(text, place)
        elif not self.item_start(text, place) and self.current is not None:
            # text before the first item (a title, instructions) is skipped
            if not self.option_line(text, place):
                _feed(self.current, text, place, self.problems, self.file)

    def heading(self, word: str) -> None:
        if self.key_mode:
            self.key_section += 1
            self.key_section_types[self.key_section] = _type_of(word)
        else:
            self.section += 1
            self.section_word, self.section_type = word, _type_of(word)
            self.section_types[self.section] = self.section_type
            self.current = None

    def item_start(self, text: str, place: str) -> bool:
        """Start a new item if the line is numbered (and not an option line); return whether it did."""
        m = _ITEM.match(text)
        cur = self.current
        if not m or (cur is not None and cur.part != "explanation" and _options_in(text) is not None):
            return False
        number = int(m.group(1) or m.group(2))
        # inside an explanation a numbered line starts the next item only if its number goes up
        # (a list 1．2． in an explanation of item 1 is then reported as a duplicate, never lost)
        if cur is not None and cur.part == "explanation" and number <= cur.number:
            return False
        written = text.strip()[: len(text.strip()) - len(m.group(3))].strip()
        it = ParsedItem(number=number, written=written, place=place, section=self.section, declared=self.section_type,
                        declared_by=f"「{self.section_word}」部分" if self.section_type else "")
        rest = m.group(3)
        label = _LABEL.match(rest)
        if label:
            it.declared, it.declared_by = _type_of(label.group(1)), f"标注「{label.group(1)}」"
            rest = rest[label.end():]
        first = self.seen.get((self.section, number))
        if first is not None:
            self.problem(f"第 {number} 题的题号重复（首次在{first.place}）", place, "改正题号，使每道题的题号唯一")
        self.seen[(self.section, number)] = it
        self.items.append(it)
        self.current = it
        _feed(it, rest, place, self.problems, self.file)
        return True

    def option_line(self, text: str, place: str) -> bool:
        """Add the options a line holds to the current item; return whether it held any."""
        cur = self.current
        if cur is None or cur.part not in ("stem", "option"):
            return False
        opts = _options_in(text)
        if opts is None:
            return False
        for letter, body in opts:
            cur.options.append([letter, body, place])
        cur.part = "option"
        pieces = _split_markers(cur.options[-1][1])  # 「D．访客数 【答案】A」
        if pieces and pieces[0][0] == "" and len(pieces) > 1:
            cur.options[-1][1] = pieces[0][1].strip()
            for kind, part in pieces[1:]:
                _apply(cur, kind, part, place, self.problems, self.file)
        return True

    # -- the answer section -----------------------------------------------------------------------
    def add_key(self, number: int, raw: str, place: str) -> None:
        value = parse_answer(raw)
        k = (self.key_section, number)
        if value is None:
            self.problem(f"答案部分第 {number} 题的答案「{raw.strip()}」无法识别", place,
                         "选择题写字母（如 B 或 ACD），判断题写 √ 或 ×")
        elif k in self.key:
            self.problem(f"答案部分第 {number} 题出现了两次", place, f"首次在{self.key[k][1]}；删除多余的一处")
        else:
            self.key[k] = (value, place)
            self.last_key = k

    def key_line(self, text: str, place: str) -> None:
        if self.key_table_row(text, place) or self.key_ranges(text, place) or self.key_entries(text, place):
            return
        if self.last_key is not None:
            self.key_explained.setdefault(self.last_key, []).append(text.strip())  # an explanation goes on
        else:
            self.problem(f"答案部分这一行无法识别：「{text.strip()[:40]}」", place, "写成 1．D、1-5 ABCDB 或 1．【答案】D")

    def key_table_row(self, text: str, place: str) -> bool:
        """A key table as a PDF gives it: 题号 1 2 3 … then 答案 D C A …"""
        heads = re.fullmatch(r"\s*题\s*号\s*[:：]?((?:\s+[0-9０-９]{1,4})+)\s*", text)
        if heads:
            self.pending_numbers = [int(n) for n in heads.group(1).split()]
            return True
        row = re.fullmatch(r"\s*(?:参考)?答\s*案\s*[:：]?\s+(.+)", text)
        if not (row and self.pending_numbers):
            return False
        values = row.group(1).split()
        if len(values) != len(self.pending_numbers):
            self.problem(f"答案表这一行有 {len(values)} 个答案，上一行却有 {len(self.pending_numbers)} 个题号", place,
                         "每个题号下写一个答案")
        for number, value in zip(self.pending_numbers, values):
            self.add_key(number, value, place)
        self.pending_numbers = []
        return True

    def key_ranges(self, text: str, place: str) -> bool:
        """「1-5 ABCDB」 or 「1-3 AB ACD BCD」."""
        found = False
        for m in _RANGE_KEY.finditer(text):
            a, b = int(m.group(1)), int(m.group(2))
            answers = m.group(3).split()
            if len(answers) == 1 and b - a + 1 == len(answers[0]):
                answers = list(answers[0])
            if len(answers) != b - a + 1:
                self.problem(f"答案「{m.group(0).strip()}」写了 {b - a + 1} 题的题号，却有 {len(answers)} 个答案", place,
                             "多选题答案之间用空格分开，如 1-3 AB ACD BCD")
            else:
                for k, ans in enumerate(answers):
                    self.add_key(a + k, ans, place)
            found = True
        return found

    def key_entries(self, text: str, place: str) -> bool:
        """「1．D 2．C」, 「1．【答案】D【解析】…」 and explanations after an entry."""
        found = False
        pieces = _split_markers(text)
        head = pieces[0][1] if pieces and not pieces[0][0] else ""
        for m in _ONE_KEY.finditer(head):
            self.add_key(int(m.group(1)), m.group(2), place)
            found = True
        if not found:
            lone = re.match(r"^\s*([0-9０-９]{1,4})\s*[.．、:：)）]?\s*$", head or "")
            if lone and len(pieces) > 1 and pieces[1][0] == "answer":
                self.add_key(int(lone.group(1)), pieces[1][1], place)
                found = True
                pieces = pieces[1:]
        for kind, part in pieces:
            if kind == "explanation" and self.last_key is not None:
                self.key_explained.setdefault(self.last_key, []).append(part.strip())
                found = True
        return found

    # -- the end ----------------------------------------------------------------------------------
    def finish(self) -> ParseResult:
        """Fill the items left without an inline answer from the answer section; report mismatches."""
        key, items = self.key, self.items
        key_total = len(key)
        targets = _key_targets(items, key, self.key_section_types, self.section_types) if key else {}
        for it in items:
            k = targets.get(id(it))
            entry = key.pop(k, None) if k else None
            if entry is None or k is None:
                continue
            explained = self.key_explained.pop(k, None)
            if it.answer and it.answer != entry[0]:
                self.problem(f"第 {it.number} 题题后的答案 {it.answer} 与答案部分的 {entry[0]} 不一致", entry[1],
                             f"题目在{it.place}；改正其中一处")
            it.answer = it.answer or entry[0]
            it.answer_place = it.answer_place or entry[1]
            if explained and not it.explanation:
                it.explanation = explained
        if key:
            extra = "、".join(str(n) for _, n in sorted(key))
            self.problem(f"答案部分比题目多：第 {extra} 题的答案没有对应的题目", next(iter(key.values()))[1],
                         f"文档共 {len(items)} 道题；检查题号或答案部分是否多写")
        for it in items:
            if not it.answer:
                _answer_in_bracket(it)
        unanswered = [it for it in items if not it.answer]
        if key_total and unanswered:
            self.problem(f"答案部分只有 {key_total} 个答案，文档有 {len(items)} 道题：第 "
                         + "、".join(str(it.number) for it in unanswered[:20])
                         + (" 等" if len(unanswered) > 20 else "") + " 题没有答案", unanswered[0].place,
                         "在答案部分补上这些题的答案")
        return ParseResult(items, self.problems, key_total)


_BRACKET_ANSWER = re.compile(r"[（(]\s*([A-EＡ-Ｅ](?:\s*[、,，]?\s*[A-EＡ-Ｅ])*|√|×|✓|✗|✔|✘)\s*[)）]")


def _answer_in_bracket(it: ParsedItem) -> None:
    """Take an item's answer from its stem's bracket, where teachers' documents often write it
    (「……的是（ B ）。」, 「（√）直播前……」), leaving the blank (    ) in its place; only for an item that
    has no answer otherwise, and only when the stem has exactly one such bracket."""
    stem = "\n".join(it.stem)
    found = list(_BRACKET_ANSWER.finditer(stem))
    if len(found) != 1:
        return
    answer = parse_answer(found[0].group(1))
    if answer is None or (answer in (TRUE_MARK, FALSE_MARK)) == bool(it.options):
        return  # a judge mark needs no options, letters need them
    m = found[0]
    it.answer, it.answer_place = answer, it.place
    it.stem = (stem[:m.start()] + "（    ）" + stem[m.end():]).split("\n")


def _key_targets(items: list[ParsedItem], key: dict, key_types: dict, section_types: dict) -> dict:
    """Return {id(item): key entry} matching the answer section to the items.

    With headings in the answer section (一、判断题 …), each of its parts answers the item section of
    the same type (else the same position); without, numbers answer the items that have no inline
    answer when those numbers are unique, else every item by its number."""
    out: dict[int, tuple[int, int]] = {}
    sections = sorted({it.section for it in items})
    if key_types:
        used: set[int] = set()
        for ks, kt in sorted(key_types.items()):
            match = next((s for s in sections if s not in used and kt is not None and section_types.get(s) is kt), None)
            if match is None:
                match = sections[ks - 1] if ks - 1 < len(sections) and sections[ks - 1] not in used else None
            if match is None:
                continue
            used.add(match)
            for it in items:
                if it.section == match:
                    out[id(it)] = (ks, it.number)
        return out
    pending = [it for it in items if not it.answer]
    numbers = [it.number for it in pending]
    pool = pending if len(set(numbers)) == len(numbers) else items
    for it in pool:
        out.setdefault(id(it), (0, it.number))
    return out


def _feed(it: ParsedItem, text: str, place: str, problems: list[Problem], file: str) -> None:
    pieces = _split_markers(text)
    for kind, part in pieces:
        if not kind:
            _continue_part(it, part)
        else:
            _apply(it, kind, part, place, problems, file)


def _continue_part(it: ParsedItem, part: str) -> None:
    part = part.strip()
    if not part:
        return
    if it.part == "stem":
        it.stem.append(part)
    elif it.part == "option" and it.options:
        it.options[-1][1] = (it.options[-1][1] + part) if it.options[-1][1] else part
    elif it.part == "explanation":
        it.explanation.append(part)
    elif it.part in ("answer", "meta"):
        it.part = "explanation" if it.explanation else "stem_tail"  # text after the answer: kept in the explanation
        if it.part == "stem_tail":
            it.part = "explanation"
        it.explanation.append(part)


def _apply(it: ParsedItem, kind: str, part: str, place: str, problems: list[Problem], file: str) -> None:
    value = part.strip()
    if kind == "answer":
        words = value.split()
        answer = parse_answer(value) or (parse_answer(words[0]) if words else None)
        if answer is None:
            problems.append(Problem(f"第 {it.number} 题的答案「{value}」无法识别", file=file, place=place,
                                    hint="选择题写字母（如 B 或 A、C、D），判断题写 √ 或 ×"))
        elif it.answer and it.answer != answer:
            problems.append(Problem(f"第 {it.number} 题写了两个答案：{it.answer}（{it.answer_place}）和 {answer}", file=file,
                                    place=place, hint="删除多余的答案；若是漏写了题号，补上题号（如「2．」）"))
        else:
            it.answer, it.answer_place = answer, place
            if len(words) > 1 and parse_answer(value) is None:
                it.explanation.append(" ".join(words[1:]))
        it.part = "answer"
    elif kind == "explanation":
        if value:
            it.explanation.append(value)
        it.part = "explanation"
    elif kind == "difficulty":
        d = _difficulty(value)
        if d is None:
            problems.append(Problem(f"第 {it.number} 题的难度「{value}」无法识别", file=file, place=place,
                                    hint="写 1～5、易/较易/中/较难/难，或 0～1 的难度系数", severity="warning"))
        it.difficulty = d
        it.part = "meta"
    elif kind in ("code", "topic"):
        m = _CODE.search(unicodedata.normalize("NFKC", value))
        if m:
            it.code = m.group(0).replace("（", "(").replace("）", ")")
        elif value:
            it.topic = value
        it.part = "meta"


# ---- items -> records ----------------------------------------------------------------------------

def resolve_type(it: ParsedItem, file: str, problems: list[Problem]) -> ItemType | None:
    """Return the item's type: the declared one, checked against its options and answer, or the one
    inferred from them; a conflict is reported, never guessed."""
    letters = it.answer if it.answer and it.answer not in (TRUE_MARK, FALSE_MARK) else ""
    judged = it.answer in (TRUE_MARK, FALSE_MARK)
    if it.options:
        inferred = ItemType.SINGLE if len(letters) == 1 else ItemType.MULTIPLE if len(letters) > 1 else None
    else:
        inferred = ItemType.JUDGE if judged or not it.answer else None
    declared = it.declared
    where = f"第 {it.number} 题"
    if declared is None:
        if it.options and judged:
            problems.append(Problem(f"{where}有选项，答案却是 {it.answer}", file=file, place=it.answer_place or it.place,
                                    hint="选择题的答案写选项字母"))
            return None
        return inferred
    if declared is ItemType.JUDGE and it.options:
        problems.append(Problem(f"{where}在{it.declared_by}，却有 {len(it.options)} 个选项", file=file, place=it.place,
                                hint="检查是否漏写了选择题的分节标题，或删去选项"))
        return None
    if declared is not ItemType.JUDGE and not it.options:
        problems.append(Problem(f"{where}在{it.declared_by}，却没有找到选项", file=file, place=it.place,
                                hint="选项写成 A．…、B．…（每行一个或几个同在一行）"))
        return None
    if declared is ItemType.MULTIPLE and len(letters) == 1:
        problems.append(Problem(f"{where}在{it.declared_by}，答案却只有一个字母 {letters}", file=file,
                                place=it.answer_place or it.place, hint="补全答案，或把该题移到单选题部分"))
        return None
    if declared is ItemType.SINGLE and len(letters) > 1:
        problems.append(Problem(f"{where}在{it.declared_by}，答案却有 {len(letters)} 个字母 {letters}", file=file,
                                place=it.answer_place or it.place, hint="改正答案，或把该题移到多选题部分"))
        return None
    if declared is ItemType.JUDGE and it.answer and not judged:
        problems.append(Problem(f"{where}是判断题，答案却是 {it.answer}", file=file, place=it.answer_place or it.place,
                                hint="判断题答案写 √ 或 ×（对/错）"))
        return None
    return declared


def item_problems(it: ParsedItem, t: ItemType | None, file: str) -> list[Problem]:
    """Return the problems of one parsed item: no question, no answer, an answer letter with no option."""
    out: list[Problem] = []
    where = f"第 {it.number} 题"
    if not IMAGE_MARK.sub("", "".join(it.stem)).strip():
        out.append(Problem(f"{where}只有题号，没有题干", file=file, place=it.place, hint="补写题干，或删除这一行"))
    if not it.answer:
        out.append(Problem(f"{where}没有答案", file=file, place=it.place,
                           hint="在题后写【答案】B（或 答案：B），或在文末「参考答案」中写出该题答案"))
    elif t is not None and t is not ItemType.JUDGE:
        have = {o[0] for o in it.options}
        missing = [c for c in it.answer if c not in have]
        if missing:
            out.append(Problem(f"{where}的答案 {it.answer} 中的 {''.join(missing)} 没有对应选项（只有 "
                               f"{''.join(sorted(have))}）", file=file, place=it.answer_place or it.place,
                               hint="改正答案字母，或补上缺少的选项"))
    letters = [o[0] for o in it.options]
    if letters and letters != sorted(letters):
        out.append(Problem(f"{where}的选项顺序是 {''.join(letters)}", file=file, place=it.options[0][2],
                           hint="选项按 A、B、C、D 依次书写"))
    elif letters and len(set(letters)) != len(letters):
        out.append(Problem(f"{where}有重复的选项字母", file=file, place=it.options[0][2]))
    return out
