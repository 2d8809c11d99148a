"""Saving workbooks: the one place every xlsx the product writes passes through; and opening the
workbooks users give it (open_workbook), refused with a Chinese reason when the package is damaged.

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
import zlib
from datetime import datetime
from pathlib import Path

from openpyxl.utils.exceptions import InvalidFileException

# What openpyxl's load_workbook raises for a file that is not a readable workbook: not a zip, a
# damaged one, an encrypted entry (RuntimeError), a missing part, malformed XML, or a name openpyxl
# refuses.
UNREADABLE_WORKBOOK = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, InvalidFileException, KeyError,
                       OSError, ValueError, TypeError, SyntaxError)

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
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:  # normalise_zip compresses it, once
        ExcelWriter(wb, archive).save()  # (Workbook.save would stamp the current time)
    return normalise_zip(buf.getvalue(), when)


MAX_UNPACKED = 1 << 30  # a workbook unpacking to more than 1 GiB is refused (a zip bomb)
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def package_problem(data: bytes) -> str | None:
    """Return why data is not a readable .xlsx package (Chinese), or None.

    Checks what openpyxl would otherwise fail on with a traceback or, worse, silently: not a zip,
    a password (encrypted entries), an unpacked size above MAX_UNPACKED, a missing workbook part,
    a sheet the workbook declares but whose part is missing (its rows would be dropped), and XML
    that is not well-formed (broken markup, raw control characters) in any part.
    """
    from lxml import etree

    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return "不是有效的 Excel 工作簿（.xlsx）：文件不是 zip 压缩包或已截断"
    with z:
        infos = z.infolist()
        if any(i.flag_bits & 0x1 for i in infos):
            return "工作簿已加密（设置了打开密码），无法读取：请在 Excel 中取消密码后另存为 .xlsx"
        if sum(i.file_size for i in infos) > MAX_UNPACKED:
            return "工作簿解压后超过 1 GB，拒绝读取"
        names = set(z.namelist())
        if "xl/workbook.xml" not in names:
            return "不是有效的 Excel 工作簿（.xlsx）：缺少 xl/workbook.xml"
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        declared: dict[str, str] = {}
        for name in sorted((n for n in names if n.endswith((".xml", ".rels"))), key=lambda n: (n != "xl/workbook.xml", n)):
            try:
                root = etree.fromstring(z.read(name), parser)
            except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, OSError, RuntimeError, ValueError) as exc:
                where = declared.get(name, name)
                return f"工作簿已损坏：{where} 不是完整的 XML（{getattr(exc, 'msg', None) or exc}）"
            if name == "xl/_rels/workbook.xml.rels":
                targets = {r.get("Id"): r.get("Target", "") for r in root.iter(_REL)}
                sheets = etree.fromstring(z.read("xl/workbook.xml"), parser).iter(f"{_MAIN}sheet")
                for sh in sheets:
                    target = targets.get(sh.get(_R_ID), "")
                    part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                    if target and part not in names:
                        return f"工作簿已损坏：缺少工作表「{sh.get('name')}」的内容（{part}），其中的行无法读取"
                    declared[part] = f"工作表「{sh.get('name')}」"
    return None


def open_workbook(path: str | Path, title: str, **options):
    """Return the openpyxl workbook at path (options go to load_workbook).

    Raises DataError (with title) naming the file when it is missing, unreadable, a folder, or not
    a readable .xlsx package (see package_problem).
    """
    from openpyxl import load_workbook

    from .errors import DataError, Problem

    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem("文件不存在", file=str(p))], title=title) from None
    except IsADirectoryError:
        raise DataError([Problem("是文件夹，不是 Excel 工作簿", file=str(p))], title=title) from None
    except OSError as exc:
        raise DataError([Problem(f"无法读取：{exc.strerror or exc}", file=str(p))], title=title) from None
    problem = package_problem(data)
    if problem is None:
        try:
            return load_workbook(io.BytesIO(data), **options)
        except UNREADABLE_WORKBOOK:
            problem = "不是有效的 Excel 工作簿（.xlsx），无法读取"
    raise DataError([Problem(problem, file=str(p))], title=title)


__all__ = ["FORMULA_START", "EPOCH", "is_formula_like", "neutralise", "safe_row", "pinned_time", "workbook_bytes",
           "package_problem", "open_workbook"]
