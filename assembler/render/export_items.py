"""What every machine-readable export (Moodle XML, QTI, the platform workbook) writes for an item:
the form's order, the paper's option order and answer letters, the points of the manifest.

The exports and the Word paper of one form are the same form: options appear in the paper's
displayed order (the manifest's permutation), answers are the displayed letters.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from ..bank.models import Bank
from ..bank.quality import EMPHASIS, plain_text
from ..errors import InputError
from ..form import Form
from ..standard import Kind
from ..structure import ItemType
from .answer_key import remap_letters
from .docx_base import clean
from .theory_paper import displayed_options, judge_stem, lookup_items


@dataclass(frozen=True)
class ExportItem:
    number: int
    id: str
    type: ItemType
    function: str
    code: str
    work_content: str
    stem: str  # as in the bank (emphasis marks **…** kept), cleaned for XML
    options: tuple[tuple[str, str], ...]  # (displayed letter, text) in paper order
    answer: str  # displayed letters, or √ / ×
    points: float
    difficulty: int
    explanation: str  # option letters remapped to the paper's order
    shuffle: bool


def export_items(form: Form, bank: Bank) -> list[ExportItem]:
    """Return the form's items in paper order as the exports write them.

    Raises InputError for a skill form and DataError if an entry is not in the bank.
    """
    if form.kind is not Kind.THEORY:
        raise InputError(f"试卷 {form.code} 是操作技能考核试卷，不能导出为机考题目（moodle、qti、xlsx 仅用于理论知识试卷）。")
    items = lookup_items(form, bank)
    out = []
    for e in sorted(form.entries, key=lambda e: e.number):
        it = items[e.id]
        options: tuple[tuple[str, str], ...]
        if e.type is ItemType.JUDGE:
            stem, options = judge_stem(it.stem), ()
        else:
            stem, options = clean(it.stem).strip(), tuple(displayed_options(it, e))
        out.append(ExportItem(e.number, e.id, e.type, e.function, e.code, e.work_content, stem, options,
                              e.answer, e.points, e.difficulty,
                              remap_letters(clean(it.explanation).strip(), it, e), it.shuffle))
    return out


def to_html(text: str) -> str:
    """Return text as an HTML fragment: everything escaped (so <b>, & and = stay text), emphasis
    marks as <strong>, line breaks as <br>."""
    out, pos = [], 0
    for m in EMPHASIS.finditer(text):
        out.append(html.escape(text[pos:m.start()], quote=False))
        out.append(f"<strong>{html.escape(m.group(1), quote=False)}</strong>")
        pos = m.end()
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out).replace("\n", "<br>")


def points_value(points: float) -> str:
    """Return points as a decimal literal: 1, 0.5, 2.5."""
    return str(int(points)) if float(points).is_integer() else repr(round(float(points), 4))


__all__ = ["ExportItem", "export_items", "to_html", "plain_text", "points_value"]
