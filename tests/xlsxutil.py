"""Reading an xlsx package back as Excel sees it, without openpyxl's private attributes."""
from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Return {relationship id: (type, target part)} of a part."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in z.namelist():
        return {}
    out = {}
    for r in etree.fromstring(z.read(rels)).iter(_PKG + "Relationship"):
        target = r.get("Target")  # relative to the part's folder, or absolute from the package root
        where = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[r.get("Id")] = (r.get("Type").rsplit("/", 1)[-1], where)
    return out


def sheet_chart_count(path: str | Path, title: str) -> int:
    """Return how many charts the sheet named `title` shows (its drawing's chart relationships)."""
    with zipfile.ZipFile(path) as z:
        book = etree.fromstring(z.read("xl/workbook.xml"))
        by_id = _rels(z, "xl/workbook.xml")
        sheet = next(s for s in book.iter(_MAIN + "sheet") if s.get("name") == title)
        part = by_id[sheet.get(_REL + "id")][1]
        drawings = [t for kind, t in _rels(z, part).values() if kind == "drawing"]
        return sum(1 for d in drawings for kind, _ in _rels(z, d).values() if kind == "chart")
