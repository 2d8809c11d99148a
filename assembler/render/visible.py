"""What a Word document we wrote shows, as a sequence of labelled text blocks, and the comparison
of a returned document with the one the bank and its manifest produce (for review and verify).

Every paragraph of the body and the header, and every table cell, is one block (an option line
with several options gives one block per option), in document order, hidden text included. The
labels say where a block belongs in authors' terms: 第 5 题 T-0001 的选项 B, 第 21 题的答案.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from difflib import SequenceMatcher

from lxml import etree

from ..form import Form

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_NUMBERED = re.compile(r"^\s*(\d+)\s*[.．、]")
_SHEET = re.compile(r"第\s*(\d+)\s*题")
_OPTION = re.compile(r"^\s*([A-Z])\s*．")
DOCUMENT_NAMES = {"paper": "试卷", "key": "答案文档", "skill_paper": "试卷", "scoring_sheet": "评分记录表"}
MAX_REASONS = 8


@dataclass(frozen=True)
class Block:
    label: str
    text: str


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _text(el: etree._Element) -> str:
    out = []
    for node in el.iter(_q("t"), _q("tab"), _q("br"), _q("cr"), _q("noBreakHyphen"), _q("sym")):
        if node.tag == _q("t"):
            out.append(node.text or "")
        elif node.tag == _q("tab"):
            out.append("\t")
        elif node.tag in (_q("br"), _q("cr")):
            out.append("\n")
        elif node.tag == _q("noBreakHyphen"):
            out.append("-")
        else:
            out.append("\ufffd")
    return "".join(out)


def _style(p: etree._Element) -> str:
    s = p.find(f"{_q('pPr')}/{_q('pStyle')}")
    return s.get(_q("val"), "") if s is not None else ""


class _Labeller:
    def __init__(self, kind: str, ids: dict[int, str]):
        self.kind, self.ids = kind, ids
        self.item: int | None = None

    def item_name(self) -> str:
        """Return e.g. "第 5 题 L4-NRCZ-014 " (with the id, a space before the 的 that follows)."""
        n = self.item
        return f"第 {n} 题 {self.ids[n]} " if n is not None and n in self.ids else f"第 {n} 题"

    def paragraph(self, style: str, text: str) -> list[Block]:
        if self.kind in ("skill_paper", "scoring_sheet") and style == "ZJSheetTitle":
            m = _SHEET.search(text)
            self.item = int(m.group(1)) if m else self.item
            return [Block(f"{self.item_name()}的单据标题" if self.item else "单据标题", text)]
        if style == "ZJStem":
            m = _NUMBERED.match(text)
            if m:
                self.item = int(m.group(1))
            if self.kind == "key":
                return [Block(f"{self.item_name()}的解析" if self.item else "解析", text)]
            return [Block(f"{self.item_name()}的题干" if self.item else "题干", text)]
        if style == "ZJOption":
            out = []
            for part in text.split("\t"):
                m = _OPTION.match(part)
                where = f"{self.item_name()}的选项" if self.item else "选项"
                out.append(Block(f"{where} {m.group(1)} " if m else where, part))
            return out
        if style in ("ZJHeading", "ZJHeading2"):
            if self.kind in ("paper", "key"):
                self.item = None
            return [Block("大题标题" if style == "ZJHeading" else "小标题", text)]
        if self.item and self.kind in ("skill_paper", "scoring_sheet"):
            return [Block(f"{self.item_name()}的内容", text)]
        return [Block({"ZJTitle": "试卷标题", "ZJSubtitle": "副标题", "ZJCode": "试卷编号行",
                       "ZJHeader": "页眉", "ZJNote": "说明"}.get(style, "正文"), text)]

    def table(self, tbl: etree._Element) -> list[Block]:
        out = []
        numbers: list[str] = []
        for tr in tbl.iter(_q("tr")):
            cells = ["\n".join(_text(p) for p in tc.iter(_q("p"))) for tc in tr.iter(_q("tc"))]
            if cells and cells[0].strip() == "题号":
                numbers = [c.strip() for c in cells]
            answers = self.kind == "key" and cells and cells[0].strip() == "答案" and numbers
            for k, c in enumerate(cells):
                if answers and k and k < len(numbers) and numbers[k].isdigit():
                    label = f"第 {numbers[k]} 题的答案"
                elif self.item and self.kind in ("skill_paper", "scoring_sheet"):
                    label = f"{self.item_name()}的表格"
                else:
                    label = "表格"
                out.append(Block(label, c))
        return out


def _walk(el: etree._Element, lab: _Labeller, out: list[Block]) -> None:
    for child in el:
        if child.tag == _q("p"):
            out += lab.paragraph(_style(child), _text(child))
        elif child.tag == _q("tbl"):
            out += lab.table(child)
        elif child.tag != _q("sectPr"):
            _walk(child, lab, out)


def visible_blocks(data: bytes, kind: str, form: Form | None = None) -> list[Block]:
    """Return the document's visible text as labelled blocks. Raises ValueError if it is not a
    readable Word package."""
    ids = {e.number: e.id for e in form.entries} if form else {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            parts = [z.read("word/document.xml")]
            headers = [z.read(n) for n in sorted(names) if re.fullmatch(r"word/header\d*\.xml", n)]
    except (zipfile.BadZipFile, KeyError, RuntimeError, OSError, NotImplementedError) as exc:
        raise ValueError(f"无法读取 Word 文档：{exc}") from None
    lab = _Labeller(kind, ids)
    out: list[Block] = []
    try:
        for h in headers:
            _walk(etree.fromstring(h, _PARSER), lab, out)
        body = etree.fromstring(parts[0], _PARSER).find(_q("body"))
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"Word 文档的 XML 已损坏：{exc}") from None
    if body is not None:
        _walk(body, lab, out)
    return out


def _show(text: str, limit: int = 40) -> str:
    t = " ".join(text.replace("\u00a0", " ").split())
    return t if len(t) <= limit else t[:limit - 1] + "…"


def compare_blocks(expected: list[Block], actual: list[Block], document: str) -> list[str]:
    """Return the differences between the document's blocks and those the bank produces, each
    naming the place (at most MAX_REASONS, then a count of the rest).

    The two documents are aligned by their labels (the structure: items, options, cells), so a
    changed text is reported where it is; what one has and the other lacks is reported as such.
    """
    la = [b.label for b in expected]
    lb = [b.label for b in actual]
    out: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, la, lb, autojunk=False).get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            for i, j in zip(range(i1, i2), range(j1, j2)):
                a, b = expected[i].text.strip(), actual[j].text.strip()
                if a != b:
                    out.append(f"{document}中{expected[i].label}为「{_show(b)}」，按题库应为「{_show(a)}」")
            continue
        where = expected[i1].label if i1 < len(expected) else (expected[-1].label + "之后" if expected else "文档")
        if i2 > i1:
            missing = "、".join(f"「{_show(expected[i].text, 24)}」" for i in range(i1, min(i2, i1 + 3)))
            out.append(f"{document}中{where}起缺少按题库应有的 {i2 - i1} 处文字：{missing}" + ("等" if i2 - i1 > 3 else ""))
        if j2 > j1:
            extra = "、".join(f"「{_show(actual[j].text, 24)}」" for j in range(j1, min(j2, j1 + 3)))
            out.append(f"{document}中{where}处多出按题库不应有的 {j2 - j1} 处文字：{extra}" + ("等" if j2 - j1 > 3 else ""))
    if len(out) > MAX_REASONS:
        out = out[:MAX_REASONS] + [f"{document}中另有 {len(out) - MAX_REASONS} 处与按题库生成的不一致"]
    return out


def expected_document(form: Form, bank, standard, kind: str, explanations: bool = False) -> bytes:
    """Return the document of this kind that the bank and the form produce. Raises DataError."""
    from .answer_key import render_answer_key
    from .scoring_sheet import render_scoring_sheets
    from .skill_paper import render_skill_paper
    from .theory_paper import render_theory_paper

    if kind == "paper":
        return render_theory_paper(form, bank)
    if kind == "key":
        return render_answer_key(form, bank, explanations)
    if kind == "skill_paper":
        return render_skill_paper(form, bank, standard)
    if kind == "scoring_sheet":
        return render_scoring_sheets(form, bank)
    raise ValueError(f"unknown document kind {kind!r}")


def document_problems(data: bytes, kind: str, form: Form, bank, standard) -> list[str]:
    """Return how the document's visible content differs from what the bank and the form produce
    (stems, every option with its letter, answers, points, order, section headings and counts)."""
    from ..errors import AssemblerError

    name = DOCUMENT_NAMES.get(kind, "文档")
    try:
        actual = visible_blocks(data, kind, form)
    except ValueError as exc:
        return [f"{name}无法读取：{exc}"]
    explanations = kind == "key" and any(b.label == "大题标题" and b.text.strip() == "解析" for b in actual)
    try:
        expected = visible_blocks(expected_document(form, bank, standard, kind, explanations), kind, form)
    except AssemblerError:
        return []  # the entries the bank lacks are reported by the review itself
    return compare_blocks(expected, actual, name)
