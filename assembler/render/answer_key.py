"""The answer key (理论知识试卷 答案及评分标准): per section a heading with its points and the answers in
rows of ten; optionally a 解析 list with each item's explanation."""
from __future__ import annotations

import re

from ..bank.models import LETTERS, Bank, Item
from ..form import Form, FormEntry
from ..structure import ItemType
from .docx_base import TEXT_W, Cell, DocBuilder, R, clean, pts
from .embed import finish_form_document
from .theory_paper import displayed_options, lookup_items, theory_sections

PER_ROW = 10
LABEL_W = 1000
NUMBER_SHADE = "F2F2F2"

# a lone option letter in an explanation ("A、B见…", "C项…"), not part of a word such as GMV, B站, A股
_LETTER = re.compile(r"(?<![A-Za-z0-9/])([A-E])(?![A-Za-z0-9/站股端轮级类型面区超测版])")


def remap_letters(text: str, item: Item, entry: FormEntry) -> str:
    """Return an explanation with option letters changed from the bank's order to the paper's."""
    if not entry.permutation:
        return text
    mapping = {orig: LETTERS[k] for k, orig in enumerate(entry.permutation)}
    return _LETTER.sub(lambda m: mapping.get(m.group(1), m.group(1)), text)


def answer_rows(entries: tuple[FormEntry, ...]) -> list[list[Cell]]:
    """Return the table rows: 题号 1–10 then 答案, 题号 11–20 then 答案 …"""
    rows: list[list[Cell]] = []
    for k in range(0, len(entries), PER_ROW):
        chunk = entries[k:k + PER_ROW]
        pad = PER_ROW - len(chunk)
        rows.append([Cell("题号", shade=NUMBER_SHADE)] + [Cell(str(e.number), shade=NUMBER_SHADE) for e in chunk]
                    + [Cell("", shade=NUMBER_SHADE)] * pad)
        rows.append([Cell("答案")] + [Cell(clean(e.answer), bold=True) for e in chunk] + [Cell("")] * pad)
    return rows


def render_answer_key(form: Form, bank: Bank, explanations: bool = False) -> bytes:
    items = lookup_items(form, bank)
    sections = theory_sections(form)
    paper_title = f"{clean(form.title)} 理论知识试卷"
    title = f"{paper_title} 答案及评分标准"
    doc = DocBuilder(f"{title}　　试卷编号：{clean(form.code)}")
    doc.para(paper_title, "ZJSubtitle", before=120)
    doc.para("答案及评分标准", "ZJSubtitle")
    doc.para(f"试卷编号：{form.code}", "ZJCode")
    cell_w = (TEXT_W - LABEL_W) // PER_ROW
    widths = [LABEL_W] + [cell_w] * PER_ROW
    for sec in sections:
        doc.para(f"{sec.numeral}、{sec.type.label}（{sec.range_text()}。{sec.points_text()}）", "ZJHeading",
                 before=200)
        doc.table(answer_rows(sec.entries), widths, row_height=400)
    total = round(sum(s.total for s in sections), 6)
    doc.para("评分说明", "ZJHeading", before=240)
    notes = []
    simple = [s.type.label for s in sections if s.type is not ItemType.MULTIPLE]
    if simple:
        notes.append(f"{'、'.join(simple)}：答案与参考答案一致得分，错答、漏答或多答均不得分。")
    if any(s.type is ItemType.MULTIPLE for s in sections):
        notes.append("多项选择题：所选答案与参考答案完全一致方得分，错选、少选或多选均不得分。")
    notes.append(f"本试卷满分{pts(total)}分，各大题得分填入试卷首页的得分栏。")
    for k, text in enumerate(notes, 1):
        doc.para(f"{k}．{text}", "ZJNote")
    if explanations:
        doc.para("解析", "ZJHeading", before=240)
        for sec in sections:
            doc.para(f"{sec.numeral}、{sec.type.label}", "ZJHeading2", before=120)
            for e in sec.entries:
                it = items[e.id]
                runs: list = [R(f"{e.number}．"), R("答案：", bold=True), R(clean(e.answer), bold=True)]
                if e.type is ItemType.SINGLE:
                    shown = dict(displayed_options(it, e))
                    if e.answer in shown:
                        runs.append(R(f"（{shown[e.answer]}）"))
                text = clean(it.explanation).strip()
                runs += [R("　解析：", bold=True), R(remap_letters(text, it, e) if text else "（题库未提供解析）")]
                doc.para(runs, "ZJStem")
    return finish_form_document(doc, form, "key", title)
