"""Pictures in the machine exports: Moodle XML embeds each as a base64 <file> named by its hash and
points at it with @@PLUGINFILE@@; the QTI package carries it beside the items; the platform
workbook names it in the cell and ships it in a folder beside the workbook. Read back, the bytes are
the bank's picture."""
import base64
import dataclasses
import io
import struct
import zipfile
import zlib

import pytest
from exportutil import hostile_bank, hostile_form
from lxml import etree
from openpyxl import load_workbook

from assembler.bank.models import Bank, Origin
from assembler.errors import DataError
from assembler.formats import WriteContext
from assembler.render.export_items import export_items
from assembler.render.moodle_xml import render_moodle_xml
from assembler.render.platform_xlsx import (
    pictures_folder,
    render_platform_xlsx,
    write_platform,
)
from assembler.render.qti import render_qti_package

STEM_PIC, OPTION_PIC = "images/00000000000000aa.png", "images/00000000000000bb.png"


def png(r: int, g: int, b: int) -> bytes:
    """Return a real 2×2 PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes((r, g, b)) * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture()
def pictured(tmp_path):
    """The hostile form's bank with a picture in H-S-1's stem and in its option D (shown as letter C)."""
    (tmp_path / "images").mkdir()
    stem_png, option_png = png(200, 30, 30), png(30, 30, 200)
    (tmp_path / STEM_PIC).write_bytes(stem_png)
    (tmp_path / OPTION_PIC).write_bytes(option_png)
    origin = Origin(str(tmp_path / "bank.yaml"))
    items = []
    for it in hostile_bank().items:
        it = dataclasses.replace(it, origin=origin)
        if it.id == "H-S-1":
            opts = tuple((k, v + f"![示意图]({OPTION_PIC})" if k == "D" else v) for k, v in it.options)
            it = dataclasses.replace(it, stem=it.stem + f"\n![图]({STEM_PIC})", options=opts)
        items.append(it)
    return Bank(tuple(items), ()), stem_png, option_png


def test_moodle_embeds_each_picture_where_its_text_is(pictured):
    bank, stem_png, option_png = pictured
    quiz = etree.fromstring(render_moodle_xml(hostile_form(), bank))
    q = next(x for x in quiz.iter("question") if x.findtext("idnumber") == "H-S-1")
    qt = q.find("questiontext")
    assert '<img src="@@PLUGINFILE@@/00000000000000aa.png" alt="图"/>' in qt.findtext("text")
    assert "![" not in qt.findtext("text")
    (f,) = qt.findall("file")
    assert (f.get("name"), f.get("path"), f.get("encoding")) == ("00000000000000aa.png", "/", "base64")
    assert base64.b64decode(f.text) == stem_png
    answers = q.findall("answer")
    with_pic = [a for a in answers if a.find("file") is not None]
    assert len(with_pic) == 1 and '<img src="@@PLUGINFILE@@/00000000000000bb.png" alt="示意图"/>' in with_pic[0].findtext("text")
    assert base64.b64decode(with_pic[0].find("file").text) == option_png
    # the other items carry no files
    assert [x.findtext("idnumber") for x in quiz.iter("question") if x.find(".//file") is not None] == ["H-S-1"]


def test_qti_package_carries_the_pictures_beside_the_items(pictured):
    bank, stem_png, option_png = pictured
    with zipfile.ZipFile(io.BytesIO(render_qti_package(hostile_form(), bank))) as z:
        assert z.read("items/images/00000000000000aa.png") == stem_png
        assert z.read("items/images/00000000000000bb.png") == option_png
        item_name = next(n for n in z.namelist() if n.startswith("items/") and "H-S-1" in n and n.endswith(".xml"))
        item = etree.fromstring(z.read(item_name))
        manifest = etree.fromstring(z.read("imsmanifest.xml"))
    ns = {"q": "http://www.imsglobal.org/xsd/imsqti_v2p1"}
    imgs = item.xpath("//q:img", namespaces=ns)
    assert [(i.get("src"), i.get("alt")) for i in imgs] == [("images/00000000000000aa.png", "图"),
                                                              ("images/00000000000000bb.png", "示意图")]
    assert imgs[1].getparent().tag.endswith("simpleChoice")
    hrefs = manifest.xpath("//*[local-name()='file']/@href")
    assert "items/images/00000000000000aa.png" in hrefs and "items/images/00000000000000bb.png" in hrefs


def test_platform_workbook_names_the_picture_and_ships_it(pictured, std):
    bank, stem_png, option_png = pictured
    form = hostile_form()
    ws = load_workbook(io.BytesIO(render_platform_xlsx([form], bank))).active
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[-1] == "H-S-1")
    assert row[1].endswith("[图片:00000000000000aa.png]")
    assert any(str(v).endswith("[图片:00000000000000bb.png]") for v in row[2:7])
    docs = write_platform([form], WriteContext(bank, std))
    folder = pictures_folder([form])
    assert {d.name: d.data for d in docs[1:]} == {f"{folder}/00000000000000aa.png": stem_png,
                                                 f"{folder}/00000000000000bb.png": option_png}


def test_a_missing_picture_is_named_not_exported_as_text(pictured, tmp_path):
    bank, _, _ = pictured
    (tmp_path / OPTION_PIC).unlink()
    with pytest.raises(DataError) as exc:
        export_items(hostile_form(), bank)
    assert "题目 H-S-1 的图片文件不存在" in str(exc.value) and "00000000000000bb.png" in str(exc.value)
