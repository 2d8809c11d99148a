"""Reading the embedded manifest back: damaged packages read as carrying none, real bugs still raise."""
import io
import zipfile

import pytest

from assembler.bank.tag_review import is_review_workbook
from assembler.errors import DataError
from assembler.render.embed import DAMAGED_PACKAGE, NS, read_embedded
from assembler.review import load_forms

PART = (f'<zujuan xmlns="{NS}"><document>paper</document><form>4A-T-1-01</form><seed>1</seed>'
        f'<bank_hash>ab</bank_hash><manifest>{{"code": "4A-T-1-01"}}</manifest>'
        f'<!-- {"填充 " * 200} --></zujuan>').encode()  # long enough that damage lands in compressed data


def _package(part: bytes = PART) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("customXml/item1.xml", part)
    return buf.getvalue()


def _damaged(data: bytes) -> bytes:
    """Return the package with bytes in the middle of the customXml entry's compressed data flipped."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("customXml/item1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + 8]) + data[middle + 8:]


def test_a_readable_package_gives_its_fields():
    found = read_embedded(_package(PART))
    assert found == {"document": "paper", "form": "4A-T-1-01", "seed": 1, "bank_hash": "ab",
                     "manifest": {"code": "4A-T-1-01"}}


def test_a_damaged_package_reads_as_carrying_no_manifest():
    data = _damaged(_package())
    with zipfile.ZipFile(io.BytesIO(data)) as z, pytest.raises(DAMAGED_PACKAGE):
        z.read("customXml/item1.xml")  # the damage is real: zipfile itself refuses the entry
    assert read_embedded(data) is None
    assert read_embedded(b"not a zip at all") is None


def test_a_bug_is_not_taken_for_a_damaged_package():
    with pytest.raises(AttributeError):
        read_embedded(12345)  # not a path, bytes or file: a caller's bug, not "no manifest"


def test_review_names_a_damaged_docx_as_not_ours(tmp_path):
    p = tmp_path / "坏的.docx"
    p.write_bytes(_damaged(_package()))
    with pytest.raises(DataError) as exc:
        load_forms([p])
    assert "不是 zujuan 生成的试卷：文档中没有内嵌的试卷清单" in str(exc.value)


def test_a_damaged_workbook_is_not_a_tag_review_workbook(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_bytes(b"PK\x03\x04 broken")
    assert is_review_workbook(p) is False
