"""Native Word charts: an openpyxl chart (with literal data) as a chart part in a python-docx package.

Word and LibreOffice draw the chart from the values held in the chart part itself, so no embedded
workbook is needed; the chart stays a real chart (not a picture) that the reader can restyle.
"""
from __future__ import annotations

from xml.etree import ElementTree

from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Cm
from lxml import etree
from openpyxl.chart.data_source import (
    AxDataSource,
    NumData,
    NumDataSource,
    NumVal,
    StrData,
    StrVal,
)

CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


def numbers(values) -> NumDataSource:
    """Return a literal number series for a chart (None becomes an empty point)."""
    pts = [NumVal(idx=i, v=float(v)) for i, v in enumerate(values) if v is not None]
    return NumDataSource(numLit=NumData(pt=pts, ptCount=len(values)))


def x_numbers(values) -> AxDataSource:
    """Return literal x values (scatter charts)."""
    return AxDataSource(numLit=numbers(values).numLit)


def categories(labels) -> AxDataSource:
    """Return literal category labels (bar charts)."""
    pts = [StrVal(idx=i, v=str(v)) for i, v in enumerate(labels)]
    return AxDataSource(strLit=StrData(pt=pts, ptCount=len(labels)))


def series_title(text: str):
    """Return a literal series title."""
    from openpyxl.chart.series import SeriesLabel

    return SeriesLabel(v=text)


def chart_paragraph(doc, chart, width_cm: float, height_cm: float, name: str) -> etree._Element:
    """Return a centred paragraph holding `chart` (an openpyxl chart with literal data) as a native
    chart part of the DocBuilder's package."""
    package = doc.doc.part.package
    counter = doc.__dict__.setdefault("_charts", [0])
    counter[0] += 1
    xml = ElementTree.tostring(chart._write(), encoding="utf-8")
    partname = PackURI(f"/word/charts/chart{counter[0]}.xml")
    part = Part(partname, CHART_CT, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml, package)
    rid = doc.doc.part.relate_to(part, CHART_REL)
    cx, cy = int(Cm(width_cm)), int(Cm(height_cm))
    return parse_xml(
        f'<w:p {_NS}><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:drawing><wp:inline>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{900 + counter[0]}" name="{name}"/>'
        f'<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        f'<c:chart r:id="{rid}"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')


def chart_count(docx_bytes: bytes) -> int:
    """Return how many chart parts a .docx holds (for read-back checks)."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        return sum(1 for n in z.namelist() if n.startswith("word/charts/chart") and n.endswith(".xml"))
