"""What every machine-readable export (Moodle XML, QTI, the platform workbook) writes for an item:
the form's order, the paper's option order and answer letters, the points of the manifest.

The exports and the Word paper of one form are the same form: options appear in the paper's
displayed order (the manifest's permutation), answers are the displayed letters.
"""
from __future__ import annotations

import html
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..bank.models import IMAGE_MARK, Bank
from ..bank.quality import EMPHASIS, plain_text
from ..errors import DataError, InputError, Problem
from ..form import Form
from ..standard import Kind
from ..structure import ItemType
from .answer_key import remap_letters
from .docx_base import clean
from .theory_paper import displayed_options, judge_stem, lookup_items, picture_path


@dataclass(frozen=True)
class Picture:
    """A picture an item shows, as the exports embed it: the mark's reference (images/<sha16>.png),
    the file name it travels under (its content hash, so equal pictures share one file), its bytes."""

    ref: str
    name: str
    data: bytes

    @property
    def mime(self) -> str:
        return mimetypes.guess_type(self.name)[0] or "application/octet-stream"


@dataclass(frozen=True, kw_only=True)
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
    pictures: tuple[Picture, ...] = ()  # every picture the stem, options and explanation name

    def picture(self, ref: str) -> Picture:
        return next(p for p in self.pictures if p.ref == ref)


def export_items(form: Form, bank: Bank) -> list[ExportItem]:
    """Return the form's items in paper order as the exports write them.

    Raises InputError for a skill form and DataError if an entry is not in the bank.
    """
    if form.kind is not Kind.THEORY:
        raise InputError(f"试卷 {form.code} 是操作技能考核试卷，不能导出为机考题目（moodle、qti、xlsx 仅用于理论知识试卷）。")
    items = lookup_items(form, bank)
    out = []
    problems: list[Problem] = []
    for e in sorted(form.entries, key=lambda e: e.number):
        it = items[e.id]
        options: tuple[tuple[str, str], ...]
        if e.type is ItemType.JUDGE:
            stem, options = judge_stem(it.stem), ()
        else:
            stem, options = clean(it.stem).strip(), tuple(displayed_options(it, e))
        pictures = _pictures(it, (it.stem, it.explanation, *(v for _, v in it.options)), problems)
        out.append(ExportItem(number=e.number, id=e.id, type=e.type, function=e.function, code=e.code,
                              work_content=e.work_content, stem=stem, options=options,
                              answer=e.answer, points=e.points, difficulty=e.difficulty,
                              explanation=remap_letters(clean(it.explanation).strip(), it, e), shuffle=it.shuffle,
                              pictures=pictures))
    if problems:  # never hand a candidate the mark's text instead of the picture
        raise DataError(problems, title=f"试卷 {form.code} 的图片缺失，无法导出")
    return out


def _pictures(item, texts, problems: list[Problem]) -> tuple[Picture, ...]:
    """Return the pictures an item's texts name, read from beside its bank file."""
    out: dict[str, Picture] = {}
    for text in texts:
        for m in IMAGE_MARK.finditer(text or ""):
            ref = m.group(2)
            if ref in out:
                continue
            path = picture_path(item, ref)
            try:
                data = path.read_bytes()
            except OSError:
                problems.append(Problem(f"题目 {item.id} 的图片文件不存在：{path}", file=item.origin.file if item.origin else "",
                                        column="stem"))
                continue
            out[ref] = Picture(ref, PurePosixPath(ref).name, data)
    return tuple(out.values())


def picture_html(it: ExportItem, src: Callable[[Picture], str]) -> Callable[[str, str], str]:
    """Return the function that writes one picture mark (alt, ref) of an item as an <img> whose
    address `src` gives (e.g. @@PLUGINFILE@@/<name> for Moodle, a package path for QTI)."""
    def write(alt: str, ref: str) -> str:
        return (f'<img src="{html.escape(src(it.picture(ref)), quote=True)}" '
                f'alt="{html.escape(alt or "图", quote=True)}"/>')
    return write


def to_html(text: str, picture: Callable[[str, str], str] | None = None) -> str:
    """Return text as an HTML fragment: everything escaped (so <b>, & and = stay text), emphasis
    marks as <strong>, line breaks as <br>, and picture marks ![alt](ref) written by `picture`
    (see picture_html; without it a mark stays text)."""
    if picture is None or not IMAGE_MARK.search(text):
        return _html_text(text)
    out, pos = [], 0
    for m in IMAGE_MARK.finditer(text):
        out.append(_html_text(text[pos:m.start()]))
        out.append(picture(m.group(1), m.group(2)))
        pos = m.end()
    out.append(_html_text(text[pos:]))
    return "".join(out)


def _html_text(text: str) -> str:
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


def pictures_in(it: ExportItem, text: str) -> list[Picture]:
    """Return the pictures one of an item's texts names, in order, each once."""
    refs = list(dict.fromkeys(m.group(2) for m in IMAGE_MARK.finditer(text or "")))
    return [it.picture(r) for r in refs]


__all__ = ["ExportItem", "Picture", "export_items", "to_html", "picture_html", "pictures_in", "plain_text",
           "points_value"]
