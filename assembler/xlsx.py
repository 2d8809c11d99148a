"""Saving workbooks: the one place every xlsx the product writes passes through.

Two promises hold for every workbook:
- text is never a formula: a cell whose text starts with = + - @ (or a tab / carriage return) is
  stored as a text cell with Excel's quote prefix, so neither Excel nor LibreOffice evaluates it,
  and reading the file back gives the same text (openpyxl would otherwise store "=…" as a formula);
- times are pinned: the document properties and every zip entry carry the time the caller passes
  (a form's or session's creation time), never the wall clock, so the same inputs give the same bytes.

The product writes no formulas of its own; data validations (drop-down lists) are not cells.
"""
from __future__ import annotations

import io
import zipfile
from datetime import datetime

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EPOCH = "2000-01-01T00:00:00Z"  # the pinned time of outputs that belong to no form or session


def is_formula_like(value: object) -> bool:
    """Return True if value is text that a spreadsheet could read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def neutralise(cell) -> None:
    """Make a cell holding formula-like text a plain text cell (quote prefix)."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def safe_row(ws, values) -> list:
    """Return values for ws.append on a write-only sheet, formula-like text wrapped as text cells."""
    from openpyxl.cell import WriteOnlyCell

    out = []
    for v in values:
        if is_formula_like(v):
            c = WriteOnlyCell(ws, v)
            neutralise(c)
            out.append(c)
        else:
            out.append(v)
    return out


def pinned_time(*created: str | None) -> datetime:
    """Return the earliest of the given ISO 8601 times as a naive UTC datetime (EPOCH when none
    is given or none can be read)."""
    from .render.docx_base import created_datetime

    times = [created_datetime(c) for c in created if c]
    return min(times) if times else created_datetime(EPOCH)


def workbook_bytes(wb, when: datetime | str | None = None) -> bytes:
    """Return the workbook's bytes with every formula-like text cell made text and every time set
    to when (a datetime, an ISO 8601 string, or None for EPOCH).

    Write-only workbooks cannot be walked after the fact: their rows must go through safe_row.
    """
    from openpyxl.writer.excel import ExcelWriter

    from .render.docx_base import normalise_zip

    if not isinstance(when, datetime):
        when = pinned_time(when)
    if not wb.write_only:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    neutralise(cell)
    elif not wb.worksheets:
        wb.create_sheet()
    wb.properties.creator = "zujuan"
    wb.properties.created = wb.properties.modified = when
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # (Workbook.save would stamp the current time)
    return normalise_zip(buf.getvalue(), when)


__all__ = ["FORMULA_START", "EPOCH", "is_formula_like", "neutralise", "safe_row", "pinned_time", "workbook_bytes"]
