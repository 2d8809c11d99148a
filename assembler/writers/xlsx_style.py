"""Shared openpyxl styling for printable reviewer workbooks."""
from __future__ import annotations

from collections.abc import Iterable
from copy import copy

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TITLE_FONT = Font(name="黑体", size=14, bold=True)
HEADER_FONT = Font(name="黑体", size=10, bold=True)
BODY_FONT = Font(name="宋体", size=10)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def stamp_style(cells: Iterable, **styles) -> None:
    """Give every cell the same style attributes (font, fill, border, alignment, …).

    The first cell takes them through openpyxl's attributes; the others copy its style index array,
    as openpyxl itself copies a cell's style. Assigning the attributes cell by cell looks each style
    up in the workbook's style lists by hash, which costs more than writing the values of a big sheet.
    """
    it = iter(cells)
    first = next(it, None)
    if first is None:
        return
    for name, value in styles.items():
        setattr(first, name, value)
    for c in it:
        c._style = copy(first._style)


def write_table(ws, title: str, subtitle: str, header: list[str], rows: list[list], widths: list[int],
                left_cols: tuple[int, ...] = ()) -> int:
    """Write a titled, bordered table with a frozen header row, set for A4 printing.

    Return the row number of the header.
    """
    ncol = len(header)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(1, 1, title).font = TITLE_FONT
    ws.cell(1, 1).alignment = CENTER
    ws.row_dimensions[1].height = 26
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    ws.cell(2, 1, subtitle).font = BODY_FONT
    ws.cell(2, 1).alignment = CENTER
    hr = 3
    for j, h in enumerate(header, 1):
        c = ws.cell(hr, j, h)
        c.font, c.fill, c.border, c.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
    left: list = []
    centred: list = []
    for i, row in enumerate(rows, hr + 1):
        for j, v in enumerate(row, 1):
            (left if (j - 1) in left_cols else centred).append(ws.cell(i, j, v))
    stamp_style(left, font=BODY_FONT, border=BORDER, alignment=LEFT)
    stamp_style(centred, font=BODY_FONT, border=BORDER, alignment=CENTER)
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = ws.cell(hr + 1, 1)
    ws.print_title_rows = f"{hr}:{hr}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(widths) > 110 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    return hr
