"""Moodle XML (`<quiz>`) of a theory form, for import into a Moodle question bank.

One category per form and 职业功能 (`$course$/试卷编号/职业功能`); judge → truefalse; single →
multichoice with <single>true</single>; multiple → multichoiceset, the «All-or-Nothing Multiple
Choice» question type (plugin qtype_multichoiceset), because the national rule scores a multiple-
choice item only when the selection is exactly the key (所选答案完全一致方得分) and Moodle's core
multichoice cannot do that: it adds up per-choice fractions, so a correct subset always earns part
of the mark. Points are <defaultgrade>, the explanation is <generalfeedback>, the item id is
<idnumber> and a tag, so results come back keyed by id. Pictures travel inside the XML: each
text that shows one carries a <file name="<sha16>.png" encoding="base64"> and points at it as
@@PLUGINFILE@@/<sha16>.png, as Moodle's own export does. Options are in the paper's order;
<shuffleanswers> follows the item's `shuffle`, so the platform may shuffle per candidate.
"""
from __future__ import annotations

import base64
from pathlib import Path

from lxml import etree

from ..bank.models import FALSE_MARK, TRUE_MARK, Bank
from ..form import Form
from ..formats import Document, Group, WriteContext
from ..structure import ItemType
from .export_items import (
    ExportItem,
    Picture,
    export_items,
    picture_html,
    pictures_in,
    points_value,
    to_html,
)

QTYPE = {ItemType.JUDGE: "truefalse", ItemType.SINGLE: "multichoice", ItemType.MULTIPLE: "multichoiceset"}


def _text(parent: etree._Element, tag: str, value: str, fmt: str | None = "html",
          files: list[Picture] | tuple[Picture, ...] = ()) -> etree._Element:
    el = etree.SubElement(parent, tag)
    if fmt:
        el.set("format", fmt)
    t = etree.SubElement(el, "text")
    t.text = etree.CDATA(value) if fmt == "html" and value else value
    _files(el, files)
    return el


def _files(el: etree._Element, files) -> None:
    for p in files:  # a text's pictures, embedded where Moodle's file API looks for them
        f = etree.SubElement(el, "file", name=p.name, path="/", encoding="base64")
        f.text = base64.b64encode(p.data).decode("ascii")


def _plugin_src(p: Picture) -> str:
    return f"@@PLUGINFILE@@/{p.name}"


def _simple(parent: etree._Element, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value


def category_path(form: Form, function: str) -> str:
    """Return the Moodle category path of a form's 职业功能 (a "/" inside a name is written "//")."""
    esc = [part.replace("/", "//") for part in (form.code, function)]
    return "$course$/" + "/".join(esc)


def _question(quiz: etree._Element, form: Form, it: ExportItem) -> None:
    q = etree.SubElement(quiz, "question", type=QTYPE[it.type])
    _text(q, "name", f"{form.code} 第{it.number}题 {it.id}", fmt=None)
    pic = picture_html(it, _plugin_src)
    _text(q, "questiontext", to_html(it.stem, pic), files=pictures_in(it, it.stem))
    _text(q, "generalfeedback", to_html(it.explanation, pic), files=pictures_in(it, it.explanation))
    _simple(q, "defaultgrade", points_value(it.points))
    _simple(q, "penalty", "0")
    _simple(q, "hidden", "0")
    _simple(q, "idnumber", it.id)
    if it.type is ItemType.JUDGE:
        for value, mark in (("true", TRUE_MARK), ("false", FALSE_MARK)):
            a = etree.SubElement(q, "answer", fraction="100" if it.answer == mark else "0", format="moodle_auto_format")
            _simple(a, "text", value)
            _text(a, "feedback", "")
    else:
        if it.type is ItemType.SINGLE:
            _simple(q, "single", "true")
        _simple(q, "shuffleanswers", "true" if it.shuffle else "false")
        _simple(q, "answernumbering", "ABCD")
        _text(q, "correctfeedback", "")
        if it.type is ItemType.SINGLE:
            _text(q, "partiallycorrectfeedback", "")
        _text(q, "incorrectfeedback", "")
        for letter, text in it.options:
            a = etree.SubElement(q, "answer", fraction="100" if letter in it.answer else "0", format="html")
            t = etree.SubElement(a, "text")
            t.text = etree.CDATA(to_html(text, pic))
            _files(a, pictures_in(it, text))
            _text(a, "feedback", "")
    tags = etree.SubElement(q, "tags")
    for value in (f"id:{it.id}", f"鉴定点:{it.code}", f"试卷:{form.code}", f"题号:{it.number}"):
        t = etree.SubElement(tags, "tag")
        _simple(t, "text", value.replace(",", "，"))  # Moodle splits tags at commas


def render_moodle_xml(form: Form, bank: Bank) -> bytes:
    """Return the Moodle XML of a theory form (UTF-8). Raises InputError for a skill form, DataError
    if an entry is missing from the bank."""
    items = export_items(form, bank)
    quiz = etree.Element("quiz")
    quiz.append(etree.Comment(f" zujuan 试卷 {form.code} 种子 {form.seed} 题库 {form.bank_hash} 蓝图 {form.blueprint_hash} "))
    functions: dict[str, list[ExportItem]] = {}
    for it in items:  # functions in order of first appearance, items in paper order
        functions.setdefault(it.function, []).append(it)
    for function, of_function in functions.items():
        c = etree.SubElement(quiz, "question", type="category")
        _text(c, "category", category_path(form, function), fmt=None)
        _text(c, "info", to_html(f"{form.title} 理论知识试卷 {form.code}：{function}"))
        for it in of_function:
            _question(quiz, form, it)
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def moodle_file_name(form: Form) -> str:
    return f"{form.code}-moodle.xml"


def write_moodle_xml(form: Form, bank: Bank, path: str | Path) -> Path:
    """Write the Moodle XML of a form to path. Raises as render_moodle_xml."""
    p = Path(path)
    p.write_bytes(render_moodle_xml(form, bank))
    return p


def write_moodle(form: Form, context: WriteContext) -> list[Document]:
    """Return the form's Moodle XML as a document of the keys group (it holds the answers)."""
    return [Document(moodle_file_name(form), Group.KEYS, render_moodle_xml(form, context.bank))]


__all__ = ["render_moodle_xml", "write_moodle_xml", "write_moodle", "moodle_file_name", "category_path", "QTYPE"]
