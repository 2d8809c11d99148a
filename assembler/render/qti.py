"""IMS QTI 2.1 content package (zip) of a theory form.

imsmanifest.xml (IMS Content Packaging 1.1) lists one assessmentTest (test.xml: one testPart, one
assessmentSection per item type in paper order) and one assessmentItem per item (items/*.xml). Each
item declares RESPONSE (single: one identifier; multiple: a set of identifiers) with its correct
response, and SCORE with normalMaximum = the item's points; responseProcessing sets SCORE to the
points only when the response matches the key exactly (for a multiple item, the whole set:
所选答案完全一致方得分), else 0. The test sums the items' SCORE. Choices are in the paper's order;
choiceInteraction's shuffle follows the item's `shuffle`. The form's manifest rides along as
zujuan-manifest.json.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from lxml import etree

from ..bank.models import TRUE_MARK, Bank
from ..bank.quality import EMPHASIS
from ..form import Form, manifest_json
from ..formats import Document, Group, WriteContext
from ..structure import THEORY_TYPES, ItemType
from .docx_base import created_datetime
from .export_items import ExportItem, export_items, points_value

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_LOCATION = f"{QTI_NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_LOCATION = f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
JUDGE_CHOICES = (("T", "正确（√）"), ("F", "错误（×）"))
_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]")


def q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def identifier(prefix: str, value: str) -> str:
    """Return an xs:NCName built from value (letters, digits, . _ - only; never starting with a digit)."""
    return prefix + _NOT_NAME.sub("_", value)


def item_identifier(it: ExportItem) -> str:
    return identifier(f"Q{it.number:03d}-", it.id)


def _flow(parent: etree._Element, text: str) -> None:
    """Append text to an element as QTI inline content: emphasis as <strong>, line breaks as <br/>.
    Everything else is character data (lxml escapes <, & …), never markup."""
    def add_text(s: str) -> None:
        for k, line in enumerate(s.split("\n")):
            if k:
                etree.SubElement(parent, q("br"))
            if not line:
                continue
            if len(parent):
                last = parent[-1]
                last.tail = (last.tail or "") + line
            else:
                parent.text = (parent.text or "") + line

    pos = 0
    for m in EMPHASIS.finditer(text):
        add_text(text[pos:m.start()])
        strong = etree.SubElement(parent, q("strong"))
        strong.text = m.group(1)
        pos = m.end()
    add_text(text[pos:])


def _value(parent: etree._Element, text: str) -> None:
    v = etree.SubElement(parent, q("value"))
    v.text = text


def correct_response(it: ExportItem) -> list[str]:
    """Return the correct choice identifiers: T/F for a judge item, the displayed letters otherwise."""
    if it.type is ItemType.JUDGE:
        return ["T" if it.answer == TRUE_MARK else "F"]
    return list(it.answer)


def render_item(form: Form, it: ExportItem) -> bytes:
    """Return one assessmentItem document."""
    root = etree.Element(q("assessmentItem"), nsmap={None: QTI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", QTI_LOCATION)
    root.set("identifier", item_identifier(it))
    root.set("title", f"{form.code} 第{it.number}题 {it.id}")
    root.set("label", it.id)
    root.set("adaptive", "false")
    root.set("timeDependent", "false")
    multiple = it.type is ItemType.MULTIPLE
    rd = etree.SubElement(root, q("responseDeclaration"), identifier="RESPONSE",
                          cardinality="multiple" if multiple else "single", baseType="identifier")
    cr = etree.SubElement(rd, q("correctResponse"))
    for ident in correct_response(it):
        _value(cr, ident)
    points = points_value(it.points)
    od = etree.SubElement(root, q("outcomeDeclaration"), identifier="SCORE", cardinality="single", baseType="float",
                          normalMaximum=points)
    _value(etree.SubElement(od, q("defaultValue")), "0")
    mx = etree.SubElement(root, q("outcomeDeclaration"), identifier="MAXSCORE", cardinality="single",
                          baseType="float")
    _value(etree.SubElement(mx, q("defaultValue")), points)
    body = etree.SubElement(root, q("itemBody"))
    _flow(etree.SubElement(body, q("p")), it.stem)
    choices = JUDGE_CHOICES if it.type is ItemType.JUDGE else it.options
    ci = etree.SubElement(body, q("choiceInteraction"), responseIdentifier="RESPONSE",
                          shuffle="true" if (it.shuffle and it.type is not ItemType.JUDGE) else "false",
                          maxChoices=str(len(choices)) if multiple else "1",
                          minChoices="0")
    for ident, text in choices:
        sc = etree.SubElement(ci, q("simpleChoice"), identifier=ident)
        _flow(sc, text)
    rp = etree.SubElement(root, q("responseProcessing"))
    cond = etree.SubElement(rp, q("responseCondition"))
    rif = etree.SubElement(cond, q("responseIf"))
    match = etree.SubElement(rif, q("match"))
    etree.SubElement(match, q("variable"), identifier="RESPONSE")
    etree.SubElement(match, q("correct"), identifier="RESPONSE")
    sov = etree.SubElement(rif, q("setOutcomeValue"), identifier="SCORE")
    etree.SubElement(sov, q("baseValue"), baseType="float").text = points
    rel = etree.SubElement(cond, q("responseElse"))
    sov = etree.SubElement(rel, q("setOutcomeValue"), identifier="SCORE")
    etree.SubElement(sov, q("baseValue"), baseType="float").text = "0"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render_test(form: Form, items: list[ExportItem], hrefs: dict[str, str]) -> bytes:
    """Return the assessmentTest: one testPart, one assessmentSection per item type, SCORE summed."""
    root = etree.Element(q("assessmentTest"), nsmap={None: QTI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", QTI_LOCATION)
    root.set("identifier", identifier("T-", form.code))
    root.set("title", f"{form.title} 理论知识试卷 {form.code}")
    total = points_value(round(sum(it.points for it in items), 6))
    od = etree.SubElement(root, q("outcomeDeclaration"), identifier="SCORE", cardinality="single", baseType="float",
                          normalMaximum=total)
    _value(etree.SubElement(od, q("defaultValue")), "0")
    if form.duration_minutes:
        etree.SubElement(root, q("timeLimits"), maxTime=str(form.duration_minutes * 60))
    part = etree.SubElement(root, q("testPart"), identifier="P1", navigationMode="nonlinear",
                            submissionMode="simultaneous")
    for k, t in enumerate(THEORY_TYPES, 1):
        of_type = [it for it in items if it.type is t]
        if not of_type:
            continue
        sec = etree.SubElement(part, q("assessmentSection"), identifier=f"S{k}-{t.value}", title=t.label,
                               visible="true")
        for it in of_type:
            ident = item_identifier(it)
            etree.SubElement(sec, q("assessmentItemRef"), identifier=ident, href=hrefs[ident])
    op = etree.SubElement(root, q("outcomeProcessing"))
    sov = etree.SubElement(op, q("setOutcomeValue"), identifier="SCORE")
    s = etree.SubElement(sov, q("sum"))
    etree.SubElement(s, q("testVariables"), variableIdentifier="SCORE")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render_manifest(form: Form, items: list[ExportItem], hrefs: dict[str, str]) -> bytes:
    """Return imsmanifest.xml: the test resource (depending on every item) and one resource per item."""
    c = lambda tag: f"{{{CP_NS}}}{tag}"  # noqa: E731
    root = etree.Element(c("manifest"), nsmap={None: CP_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", CP_LOCATION)
    root.set("identifier", identifier("M-", form.code))
    md = etree.SubElement(root, c("metadata"))
    etree.SubElement(md, c("schema")).text = "QTIv2.1 Package"
    etree.SubElement(md, c("schemaversion")).text = "1.0.0"
    etree.SubElement(root, c("organizations"))
    res = etree.SubElement(root, c("resources"))
    test_id = identifier("T-", form.code)
    tr = etree.SubElement(res, c("resource"), identifier=test_id, type="imsqti_test_xmlv2p1", href="test.xml")
    etree.SubElement(tr, c("file"), href="test.xml")
    for it in items:
        etree.SubElement(tr, c("dependency"), identifierref=item_identifier(it))
    for it in items:
        ident = item_identifier(it)
        r = etree.SubElement(res, c("resource"), identifier=ident, type="imsqti_item_xmlv2p1", href=hrefs[ident])
        etree.SubElement(r, c("file"), href=hrefs[ident])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render_qti_package(form: Form, bank: Bank) -> bytes:
    """Return the QTI 2.1 content package (zip bytes) of a theory form, byte-identical for the same
    form. Raises InputError for a skill form, DataError if an entry is missing from the bank."""
    items = export_items(form, bank)
    hrefs = {item_identifier(it): f"items/{item_identifier(it)}.xml" for it in items}
    files = {"imsmanifest.xml": render_manifest(form, items, hrefs), "test.xml": render_test(form, items, hrefs)}
    for it in items:
        files[hrefs[item_identifier(it)]] = render_item(form, it)
    files["zujuan-manifest.json"] = manifest_json(form).encode("utf-8")
    when = created_datetime(form.created)
    stamp = (max(1980, min(2107, when.year)), when.month, when.day, when.hour, when.minute, when.second - when.second % 2)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # UTF-8 names
            z.writestr(info, data)
    return buf.getvalue()


def qti_file_name(form: Form) -> str:
    return f"{form.code}-qti.zip"


def write_qti_package(form: Form, bank: Bank, path: str | Path) -> Path:
    """Write the QTI package of a form to path. Raises as render_qti_package."""
    p = Path(path)
    p.write_bytes(render_qti_package(form, bank))
    return p


def write_qti(form: Form, context: WriteContext) -> list[Document]:
    """Return the form's QTI package as a document of the keys group (it holds the answers)."""
    return [Document(qti_file_name(form), Group.KEYS, render_qti_package(form, context.bank))]


__all__ = ["render_qti_package", "write_qti_package", "write_qti", "qti_file_name", "item_identifier", "correct_response",
           "QTI_NS", "CP_NS"]
