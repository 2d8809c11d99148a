"""The manifest embedded in every document we write, and reading it back.

Each .docx carries a custom XML part (customXml/itemN.xml, namespace urn:zujuan:manifest:1) with
the document kind, form code, seed, bank hash and the full manifest as JSON, plus the same short
fields as custom document properties (visible in Word under 文件 › 属性 › 自定义). Review and
verify can thus tell which form a printed-and-returned file belongs to.
"""
from __future__ import annotations

import io
import json
import uuid
import zipfile
from os import PathLike

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from ..form import Form
from .docx_base import DocBuilder, clean, created_datetime

NS = "urn:zujuan:manifest:1"
CATEGORIES = {"paper": "试卷", "key": "答案", "skill_paper": "试卷", "scoring_sheet": "评分记录表"}
DOCUMENT_KINDS = ("paper", "key", "skill_paper", "scoring_sheet")
_CUSTOM_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def manifest_xml(form: Form, kind: str) -> bytes:
    """Return the custom XML part's bytes. The JSON is ASCII-escaped, so any text is safe in XML."""
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    root = etree.Element(f"{{{NS}}}zujuan", nsmap={None: NS})
    root.set("version", "1")
    for name, value in (("document", kind), ("form", form.code), ("seed", str(form.seed)),
                        ("bank_hash", form.bank_hash)):
        etree.SubElement(root, f"{{{NS}}}{name}").text = clean(value)
    etree.SubElement(root, f"{{{NS}}}manifest").text = json.dumps(
        form.to_manifest(), ensure_ascii=True, separators=(",", ":"), default=str)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _custom_properties_xml(form: Form, kind: str) -> bytes:
    root = etree.Element(f"{{{_CUSTOM_PROPS_NS}}}Properties", nsmap={None: _CUSTOM_PROPS_NS, "vt": _VT_NS})
    for pid, (name, value) in enumerate((("zujuan.document", kind), ("zujuan.form", form.code),
                                         ("zujuan.seed", str(form.seed)), ("zujuan.bank_hash", form.bank_hash)), 2):
        prop = etree.SubElement(root, f"{{{_CUSTOM_PROPS_NS}}}property")
        prop.set("fmtid", _FMTID)
        prop.set("pid", str(pid))
        prop.set("name", name)
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = clean(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def embed_manifest(document, form: Form, kind: str) -> None:
    """Add the custom XML part (with its itemProps) and custom properties to a python-docx Document."""
    package = document.part.package
    item_name = package.next_partname("/customXml/item%d.xml")
    number = str(item_name)[len("/customXml/item"):-len(".xml")]
    item = Part(item_name, CT.XML, manifest_xml(form, kind), package)
    # a stable GUID, so the same form gives the same bytes
    guid = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NS}/{form.code}/{form.seed}/{kind}")).upper() + "}"
    ds = etree.Element(f"{{{_DS_NS}}}datastoreItem", nsmap={"ds": _DS_NS})
    ds.set(f"{{{_DS_NS}}}itemID", guid)
    refs = etree.SubElement(ds, f"{{{_DS_NS}}}schemaRefs")
    etree.SubElement(refs, f"{{{_DS_NS}}}schemaRef").set(f"{{{_DS_NS}}}uri", NS)
    props = Part(PackURI(f"/customXml/itemProps{number}.xml"), CT.OFC_CUSTOM_XML_PROPERTIES,
                 etree.tostring(ds, xml_declaration=True, encoding="UTF-8", standalone=True), package)
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT.CUSTOM_XML)
    custom = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, _custom_properties_xml(form, kind),
                  package)
    package.relate_to(custom, RT.CUSTOM_PROPERTIES)


# ---- reading back -------------------------------------------------------------------------------------
def _open_zip(source) -> zipfile.ZipFile | None:
    stream: io.BytesIO | str | PathLike
    if isinstance(source, (bytes, bytearray, memoryview)):
        stream = io.BytesIO(bytes(source))
    elif isinstance(source, (str, PathLike)):
        stream = source  # FileNotFoundError is the caller's to see
    else:
        stream = source  # a binary file object
    try:
        return zipfile.ZipFile(stream)
    except zipfile.BadZipFile:
        return None


def read_embedded(source) -> dict | None:
    """Return {"document", "form", "seed", "bank_hash", "manifest"} embedded in a docx we wrote.

    source is a path, the file's bytes or a binary file object. Returns None if the file is not a
    zip package or carries no zujuan part. "manifest" is None if only the custom properties remain.
    """
    z = _open_zip(source)
    if z is None:
        return None
    with z:
        names = z.namelist()
        for name in sorted(n for n in names if n.startswith("customXml/item") and "Props" not in n
                           and n.endswith(".xml")):
            try:
                root = etree.fromstring(z.read(name), _SAFE_PARSER)
            except etree.XMLSyntaxError:
                continue
            if root.tag != f"{{{NS}}}zujuan":
                continue
            out: dict = {k: root.findtext(f"{{{NS}}}{k}") for k in ("document", "form", "seed", "bank_hash")}
            try:
                out["seed"] = int(out["seed"])
            except (TypeError, ValueError):
                pass
            text = root.findtext(f"{{{NS}}}manifest")
            try:
                out["manifest"] = json.loads(text) if text else None
            except json.JSONDecodeError:
                out["manifest"] = None
            return out
        if "docProps/custom.xml" in names:
            try:
                root = etree.fromstring(z.read("docProps/custom.xml"), _SAFE_PARSER)
            except etree.XMLSyntaxError:
                return None
            found = {}
            for prop in root.iter(f"{{{_CUSTOM_PROPS_NS}}}property"):
                name = prop.get("name", "")
                if name.startswith("zujuan."):
                    found[name[len("zujuan."):]] = "".join(prop.itertext())
            if "form" in found:
                try:
                    seed: object = int(found.get("seed", ""))
                except ValueError:
                    seed = found.get("seed")
                return {"document": found.get("document"), "form": found["form"], "seed": seed,
                        "bank_hash": found.get("bank_hash"), "manifest": None}
    return None


def read_embedded_manifest(path_or_bytes) -> dict | None:
    """Return the manifest dict embedded in a docx we wrote (None if absent)."""
    found = read_embedded(path_or_bytes)
    return found.get("manifest") if found else None


def finish_form_document(doc: DocBuilder, form: Form, kind: str, title: str) -> bytes:
    """Return the bytes of one of a form's documents: pinned properties, the embedded manifest,
    fixed zip dates. Raises KeyError for a kind not in DOCUMENT_KINDS."""
    category = CATEGORIES[kind]
    embed_manifest(doc.doc, form, kind)
    return doc.pinned_bytes(created_datetime(form.created), title, subject=f"试卷编号 {form.code}",
                            keywords=form.code, category=category)
