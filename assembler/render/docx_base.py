"""The small docx toolkit every writer shares: page set-up, styles and fonts, safe text, paragraphs,
tables, fields, header and footer, and a reproducible save.

Writers build WordprocessingML directly with lxml (fast and exact) on a python-docx package, and
`finish()` pins the core properties, embeds the manifest and rewrites the zip with fixed dates so
that the same form always gives byte-identical files.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from lxml import etree

from ..structure import points_text

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# ---- page geometry (twips: 1 cm = 567) -------------------------------------------------------------
PAGE_W, PAGE_H = 11906, 16838  # A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 1418, 1247, 1418, 1247
HEADER_DIST, FOOTER_DIST = 851, 794
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 9241 twips ≈ 16.3 cm

# ---- fonts and sizes (half-points) -----------------------------------------------------------------
SONG, HEI, LATIN = "宋体", "黑体", "Times New Roman"
SIZE_XIAOER, SIZE_SANHAO, SIZE_XIAOSAN, SIZE_SIHAO = 36, 32, 30, 28
SIZE_XIAOSI, SIZE_WUHAO, SIZE_XIAOWU = 24, 21, 18
BODY_CHAR = 210  # width of one CJK character at 五号, in twips (10.5 pt)

# ---- safe text --------------------------------------------------------------------------------------
# Characters XML 1.0 cannot hold (C0 controls except tab/newline, U+FFFE/U+FFFF, lone surrogates)
# and C1 controls, which are never meant to be printed.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(value: object) -> str:
    """Return value as text that XML can hold: line ends unified, unprintable characters removed."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", text)


def display_width(text: str) -> int:
    """Return the printed width in half-width units (a CJK character counts 2)."""
    n = 0
    for ch in text:
        n += 2 if unicodedata.east_asian_width(ch) in "WFA" else 1
    return n


def fmt_number(value: object) -> str:
    """Return a cell value as people write it: 1200, 0.35, 12.5 (never 1e-05 or 3.0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        return points_text(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        return text
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return clean(value)


def is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal, Fraction)) and not isinstance(value, bool)


def pts(value: float | int) -> str:
    """Return a point value: 1, 0.5, 2.5."""
    return points_text(Fraction(value).limit_denominator(100) if isinstance(value, float) else value)


CN_NUMERALS = "一二三四五六七八九十"


def cn_numeral(k: int) -> str:
    """Return 一, 二 … for 1, 2 … (up to 99)."""
    if k <= 10:
        return CN_NUMERALS[k - 1]
    tens, ones = divmod(k, 10)
    return (CN_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMERALS[ones - 1] if ones else "")


# ---- styles -----------------------------------------------------------------------------------------
def _fonts(east: str, latin: str = LATIN) -> str:
    return (f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}" '
            f'w:hint="eastAsia"/>')


def _pstyle(sid: str, name: str, east: str = SONG, size: int = SIZE_WUHAO, *, bold: bool = False,
            jc: str | None = None, keep_next: bool = False, keep_lines: bool = False,
            before: int = 0, after: int = 0, line: int | None = None, ind: str = "", extra_ppr: str = "") -> str:
    ppr = ""
    if keep_next:
        ppr += "<w:keepNext/>"
    if keep_lines:
        ppr += "<w:keepLines/>"
    ppr += extra_ppr
    spacing = f'<w:spacing w:before="{before}" w:after="{after}"'
    if line is not None:
        spacing += f' w:line="{line}" w:lineRule="auto"'
    ppr += spacing + "/>"
    ppr += ind
    if jc:
        ppr += f'<w:jc w:val="{jc}"/>'
    rpr = _fonts(east) + ("<w:b/><w:bCs/>" if bold else "") + f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    return (f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{sid}"><w:name w:val="{name}"/>'
            f'<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>')


OPTION_INDENT = 2 * BODY_CHAR + 40  # options start under the stem text, after "21. "

STYLES_XML = (
    f'<w:styles xmlns:w="{W_NS}">'
    '<w:docDefaults><w:rPrDefault><w:rPr>' + _fonts(SONG) +
    '<w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="21"/>'
    '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
    '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
    '</w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
    '<w:pPr><w:widowControl/><w:jc w:val="both"/></w:pPr></w:style>'
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
    '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
    '<w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
    # titles
    + _pstyle("ZJTitle", "ZJ 试卷标题", HEI, SIZE_XIAOER, jc="center", keep_next=True, before=120, after=120)
    + _pstyle("ZJSubtitle", "ZJ 试卷副标题", HEI, SIZE_SANHAO, jc="center", keep_next=True, after=120)
    + _pstyle("ZJCode", "ZJ 试卷编号", SONG, SIZE_WUHAO, jc="center", keep_next=True, after=120)
    + _pstyle("ZJSheetTitle", "ZJ 单据标题", HEI, SIZE_XIAOSAN, jc="center", keep_next=True, before=0, after=160)
    # headings
    + _pstyle("ZJHeading", "ZJ 大题标题", HEI, SIZE_WUHAO, keep_next=True, keep_lines=True, before=120, after=80,
              line=276)
    + _pstyle("ZJHeading2", "ZJ 小标题", HEI, SIZE_WUHAO, keep_next=True, keep_lines=True, before=160, after=80)
    + _pstyle("ZJCaption", "ZJ 表题", HEI, SIZE_WUHAO, jc="center", keep_next=True, keep_lines=True,
              before=120, after=60)
    # body
    + _pstyle("ZJBody", "ZJ 正文", SONG, SIZE_WUHAO, line=300, ind=f'<w:ind w:firstLine="{2 * BODY_CHAR}"/>')
    + _pstyle("ZJList", "ZJ 列表", SONG, SIZE_WUHAO, line=300,
              ind=f'<w:ind w:left="{2 * BODY_CHAR}" w:hanging="{BODY_CHAR + 105}"/>')
    + _pstyle("ZJNote", "ZJ 注意事项", SONG, SIZE_WUHAO, line=276,
              ind=f'<w:ind w:left="{2 * BODY_CHAR}" w:hanging="{BODY_CHAR}"/>')
    + _pstyle("ZJStem", "ZJ 题干", SONG, SIZE_WUHAO, keep_lines=True, before=50, line=288)
    + _pstyle("ZJOption", "ZJ 选项", SONG, SIZE_WUHAO, keep_lines=True, line=288,
              ind=f'<w:ind w:left="{OPTION_INDENT}"/>')
    + _pstyle("ZJCell", "ZJ 表格文字", SONG, SIZE_WUHAO, jc="center")
    + _pstyle("ZJCellLeft", "ZJ 表格文字（左）", SONG, SIZE_WUHAO, jc="left")
    + _pstyle("ZJSmall", "ZJ 小字", SONG, SIZE_XIAOWU, jc="center")
    + _pstyle("ZJSign", "ZJ 签名", SONG, SIZE_WUHAO, keep_lines=True, before=240, line=300)
    + _pstyle("ZJHeader", "ZJ 页眉", SONG, SIZE_XIAOWU, jc="center",
              extra_ppr='<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>')
    + _pstyle("ZJFooter", "ZJ 页脚", SONG, SIZE_XIAOWU, jc="center")
    + '</w:styles>'
)

FONT_TABLE_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{W_NS}">'
    f'<w:font w:name="{LATIN}"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>'
    '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    f'<w:font w:name="{SONG}"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
    f'<w:font w:name="{HEI}"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
    '</w:fonts>'
).encode()

APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b'<Application>zujuan</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>'
    b'<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>'
    b'</Properties>'
)

_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


# ---- run and paragraph builders ------------------------------------------------------------------
@dataclass(frozen=True)
class R:
    """A run of text with optional direct formatting."""

    text: str
    bold: bool = False
    font: str | None = None  # East Asian font override (e.g. HEI)
    size: int | None = None  # half-points
    underline: bool = False
    emphasis: bool = False  # bold with the dots under each character (着重号), for marked negations


def emphasis_runs(text: str) -> list[R]:
    """Return text as runs, the parts the bank marks with **…** as emphasised runs."""
    from ..bank.quality import EMPHASIS

    runs: list[R] = []
    pos = 0
    for m in EMPHASIS.finditer(text):
        if m.start() > pos:
            runs.append(R(text[pos:m.start()]))
        runs.append(R(m.group(1), emphasis=True))
        pos = m.end()
    if pos < len(text) or not runs:
        runs.append(R(text[pos:]))
    return runs


def _add_text(r: etree._Element, text: str) -> None:
    """Append text to a run as w:t / w:tab / w:br; the text is never interpreted otherwise."""
    for k, line in enumerate(text.split("\n")):
        if k:
            etree.SubElement(r, w("br"))
        for j, chunk in enumerate(line.split("\t")):
            if j:
                etree.SubElement(r, w("tab"))
            if chunk:
                t = etree.SubElement(r, w("t"))
                t.text = chunk
                if chunk[0] == " " or chunk[-1] == " " or "  " in chunk:
                    t.set(XML_SPACE, "preserve")


def add_run(p: etree._Element, run: R | str) -> etree._Element:
    if isinstance(run, str):
        run = R(run)
    r = etree.SubElement(p, w("r"))
    if run.bold or run.font or run.size or run.underline or run.emphasis:
        rpr = etree.SubElement(r, w("rPr"))
        if run.font:
            f = etree.SubElement(rpr, w("rFonts"))
            f.set(w("eastAsia"), run.font)
            f.set(w("hint"), "eastAsia")
        if run.bold or run.emphasis:
            etree.SubElement(rpr, w("b"))
            etree.SubElement(rpr, w("bCs"))
        if run.size:
            etree.SubElement(rpr, w("sz")).set(w("val"), str(run.size))
            etree.SubElement(rpr, w("szCs")).set(w("val"), str(run.size))
        if run.underline:
            etree.SubElement(rpr, w("u")).set(w("val"), "single")
        if run.emphasis:
            etree.SubElement(rpr, w("em")).set(w("val"), "dot")
    _add_text(r, clean(run.text))
    return r


def add_field(p: etree._Element, instr: str, placeholder: str = "1") -> None:
    """Append a simple field (PAGE, NUMPAGES …) as fldChar begin / instrText / separate / end."""
    def fld(kind: str) -> None:
        etree.SubElement(etree.SubElement(p, w("r")), w("fldChar")).set(w("fldCharType"), kind)
    fld("begin")
    it = etree.SubElement(etree.SubElement(p, w("r")), w("instrText"))
    it.set(XML_SPACE, "preserve")
    it.text = f" {instr} "
    fld("separate")
    t = etree.SubElement(etree.SubElement(p, w("r")), w("t"))
    t.text = placeholder
    fld("end")


def make_paragraph(content: str | R | list | None = None, style: str | None = None, *, align: str | None = None,  # noqa: C901
                   keep_next: bool | None = None, keep_lines: bool | None = None, page_break_before: bool = False,
                   tabs: list[int] | None = None, before: int | None = None, after: int | None = None,
                   left: int | None = None, hanging: int | None = None, first_line: int | None = None
                   ) -> etree._Element:
    """Return a w:p element. Properties are written in the schema's order (Word is strict)."""
    p = etree.Element(w("p"))
    ppr = etree.SubElement(p, w("pPr"))
    if style:
        etree.SubElement(ppr, w("pStyle")).set(w("val"), style)
    if keep_next is not None:
        el = etree.SubElement(ppr, w("keepNext"))
        if not keep_next:
            el.set(w("val"), "0")
    if keep_lines is not None:
        el = etree.SubElement(ppr, w("keepLines"))
        if not keep_lines:
            el.set(w("val"), "0")
    if page_break_before:
        etree.SubElement(ppr, w("pageBreakBefore"))
    if tabs:
        tb = etree.SubElement(ppr, w("tabs"))
        for pos in tabs:
            t = etree.SubElement(tb, w("tab"))
            t.set(w("val"), "left")
            t.set(w("pos"), str(pos))
    if before is not None or after is not None:
        sp = etree.SubElement(ppr, w("spacing"))
        if before is not None:
            sp.set(w("before"), str(before))
        if after is not None:
            sp.set(w("after"), str(after))
    if left is not None or hanging is not None or first_line is not None:
        ind = etree.SubElement(ppr, w("ind"))
        if left is not None:
            ind.set(w("left"), str(left))
        if hanging is not None:
            ind.set(w("hanging"), str(hanging))
        if first_line is not None:
            ind.set(w("firstLine"), str(first_line))
    if align:
        etree.SubElement(ppr, w("jc")).set(w("val"), align)
    if content is not None:
        for run in content if isinstance(content, list) else [content]:
            add_run(p, run)
    return p


# ---- tables -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    content: str | R | list = ""
    span: int = 1
    align: str | None = None  # "left" | "center" | "right"; None = the style's (centred)
    bold: bool = False
    shade: str | None = None  # fill colour, e.g. "F2F2F2"
    style: str | None = None  # paragraph style; default ZJCell


def make_table(rows: Sequence[Sequence[Cell | str]], widths: list[int], *, borders: str | None = "single",
               align: str = "center", row_height: int | None = None, header_rows: int = 0,
               keep_with_next: bool = False, keep_together: bool = True, cell_style: str = "ZJCell",
               outer_size: int = 8, inner_size: int = 4, valign: str = "center") -> etree._Element:
    """Return a w:tbl with fixed column widths (twips).

    keep_together keeps every row's paragraphs with the next (the table never splits across pages,
    which suits small tables); keep_with_next also ties the last row to the following paragraph.
    """
    tbl = etree.Element(w("tbl"))
    tpr = etree.SubElement(tbl, w("tblPr"))
    tw = etree.SubElement(tpr, w("tblW"))
    tw.set(w("w"), str(sum(widths)))
    tw.set(w("type"), "dxa")
    etree.SubElement(tpr, w("jc")).set(w("val"), align)
    if borders:
        b = etree.SubElement(tpr, w("tblBorders"))
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            e = etree.SubElement(b, w(side))
            e.set(w("val"), borders)
            e.set(w("sz"), str(outer_size if side in ("top", "left", "bottom", "right") else inner_size))
            e.set(w("space"), "0")
            e.set(w("color"), "auto")
    else:
        b = etree.SubElement(tpr, w("tblBorders"))
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            etree.SubElement(b, w(side)).set(w("val"), "nil")
    etree.SubElement(tpr, w("tblLayout")).set(w("type"), "fixed")
    look = etree.SubElement(tpr, w("tblLook"))
    look.set(w("val"), "0000")
    grid = etree.SubElement(tbl, w("tblGrid"))
    for wd in widths:
        etree.SubElement(grid, w("gridCol")).set(w("w"), str(wd))
    n_rows = len(rows)
    for ri, row in enumerate(rows):
        tr = etree.SubElement(tbl, w("tr"))
        trpr = etree.SubElement(tr, w("trPr"))
        etree.SubElement(trpr, w("cantSplit"))
        if row_height:
            h = etree.SubElement(trpr, w("trHeight"))
            h.set(w("val"), str(row_height))
            h.set(w("hRule"), "atLeast")
        if ri < header_rows:
            etree.SubElement(trpr, w("tblHeader"))
        keep = (keep_together and (ri < n_rows - 1 or keep_with_next)) or ri < header_rows
        col = 0
        for cell in row:
            if not isinstance(cell, Cell):
                cell = Cell(cell)
            span = max(1, cell.span)
            tc = etree.SubElement(tr, w("tc"))
            tcpr = etree.SubElement(tc, w("tcPr"))
            cw = etree.SubElement(tcpr, w("tcW"))
            cw.set(w("w"), str(sum(widths[col:col + span])))
            cw.set(w("type"), "dxa")
            if span > 1:
                etree.SubElement(tcpr, w("gridSpan")).set(w("val"), str(span))
            if cell.shade:
                sh = etree.SubElement(tcpr, w("shd"))
                sh.set(w("val"), "clear")
                sh.set(w("color"), "auto")
                sh.set(w("fill"), cell.shade)
            etree.SubElement(tcpr, w("vAlign")).set(w("val"), valign)
            col += span
            content = cell.content
            if isinstance(content, str):
                content = R(content, bold=cell.bold)
            elif isinstance(content, R) and cell.bold:
                content = R(content.text, True, content.font, content.size, content.underline)
            # one paragraph per line, so text in cells wraps and justifies cleanly
            lines = _split_lines(content)
            for k, line in enumerate(lines):
                tc.append(make_paragraph(line, cell.style or cell_style, align=cell.align,
                                         keep_next=True if keep or k < len(lines) - 1 else None))
    return tbl


def _split_lines(content: R | list) -> list:
    """Split cell content at newlines into paragraphs (each a list of runs)."""
    runs = content if isinstance(content, list) else [content]
    lines: list[list] = [[]]
    for run in runs:
        if isinstance(run, str):
            run = R(run)
        parts = clean(run.text).split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append([])
            if part:
                lines[-1].append(R(part, run.bold, run.font, run.size, run.underline))
    return lines


def fit_widths(desired: list[int], total: int, floor: int = 1300) -> list[int]:
    """Return column widths (twips) summing exactly to total.

    A column gets its whole desired width up to `floor` first (short columns such as names and
    numbers never wrap); the rest of the line is shared in proportion to what each still wants.
    """
    desired = [max(1, d) for d in desired]
    base = [min(d, floor) for d in desired]
    if sum(desired) <= total or sum(base) >= total:
        widths = [total * d // sum(desired) for d in desired]
    else:
        rest = total - sum(base)
        extra = [d - b for d, b in zip(desired, base)]
        widths = [b + rest * e // sum(extra) for b, e in zip(base, extra)]
    widths[widths.index(max(widths))] += total - sum(widths)
    return widths


# ---- the document -------------------------------------------------------------------------------------
class DocBuilder:
    """A python-docx package with our styles, A4 page, header and footer; body built with lxml."""

    def __init__(self, header_text: str):
        self.doc = Document()
        part = self.doc.part
        # our own small style sheet (CJK fonts via w:eastAsia) instead of the template's
        part._styles_part._element = parse_xml(STYLES_XML.encode("utf-8"))
        for rid, rel in list(part.rels.items()):
            if rel.reltype in (_STYLES_WITH_EFFECTS, RT.CUSTOM_XML):
                del part.rels[rid]  # effects copy of the template styles; its bibliography store
            elif rel.reltype == RT.FONT_TABLE:
                rel.target_part._blob = FONT_TABLE_XML
        pkg_rels = part.package.rels
        for rid, rel in list(pkg_rels.items()):
            if rel.reltype == RT.THUMBNAIL:  # a picture of the template's empty page
                del pkg_rels[rid]
            elif rel.reltype == RT.EXTENDED_PROPERTIES:  # the template's says "Microsoft Macintosh Word"
                rel.target_part._blob = APP_XML
        settings = self.doc.settings.element
        lang = settings.find(w("themeFontLang"))
        if lang is not None:
            lang.set(w("eastAsia"), "zh-CN")
        body = self.doc.element.body
        for child in list(body):
            if child.tag != w("sectPr"):
                body.remove(child)
        self.body = body
        self._sect = body.find(w("sectPr"))
        sec = self.doc.sections[0]
        pg = self._sect.find(w("pgSz"))
        pg.set(w("w"), str(PAGE_W))
        pg.set(w("h"), str(PAGE_H))
        mar = self._sect.find(w("pgMar"))
        for k, v in (("top", MARGIN_TOP), ("right", MARGIN_RIGHT), ("bottom", MARGIN_BOTTOM),
                     ("left", MARGIN_LEFT), ("header", HEADER_DIST), ("footer", FOOTER_DIST), ("gutter", 0)):
            mar.set(w(k), str(v))
        grid = self._sect.find(w("docGrid"))
        if grid is not None:
            grid.set(w("linePitch"), "312")
        self._fill_story(sec.header._element, [make_paragraph(header_text, "ZJHeader")])
        fp = make_paragraph(None, "ZJFooter")
        add_run(fp, "第 ")
        add_field(fp, "PAGE")
        add_run(fp, " 页  共 ")
        add_field(fp, "NUMPAGES")
        add_run(fp, " 页")
        self._fill_story(sec.footer._element, [fp])

    @staticmethod
    def _fill_story(story: etree._Element, elements: list) -> None:
        for child in list(story):
            story.remove(child)
        for el in elements:
            story.append(el)

    # -- body -------------------------------------------------------------------------------------
    def add(self, element: etree._Element) -> etree._Element:
        self._sect.addprevious(element)
        return element

    def para(self, content=None, style: str | None = None, **kw) -> etree._Element:
        return self.add(make_paragraph(content, style, **kw))

    def table(self, rows, widths, **kw) -> etree._Element:
        return self.add(make_table(rows, widths, **kw))

    def spacer(self, points: float = 3) -> etree._Element:
        """An empty paragraph of a small height (between adjacent tables, for instance)."""
        p = make_paragraph(None, None)
        rpr = etree.SubElement(p.find(w("pPr")), w("rPr"))
        size = str(max(2, int(points * 2)))
        etree.SubElement(rpr, w("sz")).set(w("val"), size)
        etree.SubElement(rpr, w("szCs")).set(w("val"), size)
        return self.add(p)

    # -- save ---------------------------------------------------------------------------------------
    def pinned_bytes(self, when: datetime, title: str, *, subject: str = "", keywords: str = "",
                     category: str = "", comments: str = "") -> bytes:
        """Return the document's bytes with its properties and every zip entry dated `when`
        (so the same inputs give the same bytes)."""
        cp = self.doc.core_properties
        cp.author = cp.last_modified_by = "zujuan"
        cp.title = clean(title)
        cp.subject, cp.keywords, cp.category, cp.comments = clean(subject), clean(keywords), category, comments
        cp.revision = 1
        cp.created = cp.modified = cp.last_printed = when
        buf = io.BytesIO()
        self.doc.save(buf)
        return normalise_zip(buf.getvalue(), when)


def created_datetime(created: str) -> datetime:
    """Return form.created as a naive UTC datetime (2000-01-01 if it cannot be read)."""
    try:
        dt = datetime.fromisoformat(str(created).strip().replace("Z", "+00:00"))
    except ValueError:
        return datetime(2000, 1, 1)
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt.replace(microsecond=0)


def normalise_zip(data: bytes, when: datetime) -> bytes:
    """Return the package rewritten with one fixed date on every entry and a stable entry order."""
    stamp = (max(1980, min(2107, when.year)), when.month, when.day, when.hour, when.minute, when.second - when.second % 2)
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        names = zin.namelist()
        order = sorted(names, key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", n))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in order:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o644 << 16
                zout.writestr(info, zin.read(name))
    return out.getvalue()
