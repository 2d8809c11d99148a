"""The platform import workbook: the layout common Chinese 考试系统 import (题型, 题干, 选项A–选项E,
答案, 分值, 解析, 难度, 知识点, 试题编号), one sheet per form, one row per item in paper order.

Every cell is a text cell (data_type "s"), never a formula: text starting with = + - @ is stored
as a string with Excel's quote prefix, so neither the import nor a user opening the file evaluates it.
The bank's emphasis marks (**不**) are dropped (a text cell carries no bold); line breaks stay.
"""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..bank.models import IMAGE_MARK, TRUE_MARK, Bank
from ..bank.quality import plain_text
from ..form import Form
from ..formats import Document, Group, WriteContext
from ..structure import ItemType
from ..xlsx import neutralise, pinned_time, workbook_bytes
from .export_items import ExportItem, export_items, points_value

HEADER = ("题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "答案", "分值", "解析", "难度", "知识点", "试题编号")
WIDTHS = (8, 60, 24, 24, 24, 24, 24, 8, 6, 50, 6, 12, 16)
DIFFICULTY = {1: "易", 2: "较易", 3: "中等", 4: "较难", 5: "难"}
JUDGE_ANSWER = {True: "正确", False: "错误"}
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def cell_text(text: str) -> str:
    """Return an item text as the workbook holds it: no emphasis marks, each picture as
    [图片:<sha16>.png], the name of its file in the pictures folder beside the workbook."""
    return plain_text(IMAGE_MARK.sub(lambda m: f"[图片:{PurePosixPath(m.group(2)).name}]", text))


def item_rows(form: Form, bank: Bank, items: list[ExportItem] | None = None) -> list[list[str]]:
    """Return the form's rows (without the header), every value a string; `items` are the form's
    export_items when the caller already has them."""
    rows = []
    for it in items if items is not None else export_items(form, bank):
        options = dict(it.options)
        if it.type is ItemType.JUDGE:
            answer = JUDGE_ANSWER[it.answer == TRUE_MARK]
        else:
            answer = it.answer
        rows.append([it.type.short, cell_text(it.stem), *(cell_text(options.get(k, "")) for k in "ABCDE"),
                     answer, points_value(it.points), cell_text(it.explanation),
                     DIFFICULTY.get(it.difficulty, str(it.difficulty)), it.code, it.id])
    return rows


def text_cell(ws, row: int, col: int, value: str):
    """Write value as a text cell, never a formula (data_type "s"; quote prefix where Excel would
    read a formula)."""
    c = ws.cell(row, col)
    c.value = value
    c.data_type = "s"
    neutralise(c)
    return c


def sheet_title(code: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub("_", code)[:31] or "试卷"
    title, k = base, 2
    while title in taken:
        suffix = f"~{k}"
        title, k = base[:31 - len(suffix)] + suffix, k + 1
    taken.add(title)
    return title


def render_platform_xlsx(forms: list[Form] | tuple[Form, ...], bank: Bank,
                         exported: dict[str, list[ExportItem]] | None = None) -> bytes:
    """Return the import workbook of theory forms, one sheet per form named by its code
    (`exported`: each form's export_items by code, when the caller already has them).

    Raises InputError for a skill form, DataError if an entry is missing from the bank.
    """
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for form in forms:
        rows = item_rows(form, bank, exported.get(form.code) if exported else None)
        ws = wb.create_sheet(sheet_title(form.code, taken))
        for j, h in enumerate(HEADER, 1):
            text_cell(ws, 1, j, h).font = bold
        for i, row in enumerate(rows, 2):
            for j, value in enumerate(row, 1):
                text_cell(ws, i, j, value).alignment = wrap
        for j, width in enumerate(WIDTHS):
            ws.column_dimensions[chr(ord("A") + j)].width = width
        ws.freeze_panes = "A2"
    return workbook_bytes(wb, pinned_time(*(f.created for f in forms)))


def platform_file_name(forms: list[Form] | tuple[Form, ...]) -> str:
    """Return the workbook's name: the forms' common code prefix + -考试系统导入.xlsx."""
    parts = [f.code.split("-") for f in forms]
    common: list[str] = []
    for segment in zip(*parts):
        if len(set(segment)) > 1:
            break
        common.append(segment[0])
    prefix = "-".join(common) or "试卷"
    return f"{prefix}-考试系统导入.xlsx"


def write_platform_xlsx(forms: list[Form] | tuple[Form, ...], bank: Bank, path: str | Path) -> Path:
    """Write the import workbook to path. Raises as render_platform_xlsx."""
    p = Path(path)
    p.write_bytes(render_platform_xlsx(forms, bank))
    return p


def pictures_folder(forms: list[Form] | tuple[Form, ...]) -> str:
    """Return the folder beside the workbook that holds the pictures its cells name."""
    return platform_file_name(forms)[:-len(".xlsx")] + "-图片"


def write_platform(forms: list[Form], context: WriteContext) -> list[Document]:
    """Return one import workbook for all the run's forms and, when items show pictures, each
    picture once in the pictures folder beside it (keys group: they hold the answers)."""
    exported = {f.code: export_items(f, context.bank) for f in forms}  # read once: rows and pictures
    docs = [Document(platform_file_name(forms), Group.KEYS, render_platform_xlsx(forms, context.bank, exported))]
    pictures = {p.name: p for items in exported.values() for it in items for p in it.pictures}
    folder = pictures_folder(forms)
    docs += [Document(f"{folder}/{name}", Group.KEYS, p.data) for name, p in sorted(pictures.items())]
    return docs


__all__ = ["render_platform_xlsx", "write_platform_xlsx", "write_platform", "platform_file_name", "item_rows", "text_cell",
           "HEADER", "DIFFICULTY", "JUDGE_ANSWER"]
