"""Build small question documents for the import tests: Word files with automatic numbering,
answer tables and pictures, written as an author would."""
from __future__ import annotations

import io
import struct
import zlib

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

# Items numbered 「1．」 at level 0, their options 「A．」 at level 1 (as Word's multilevel list does it).
_ABSTRACT = (f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
             '<w:multiLevelType w:val="multilevel"/>'
             '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1．"/></w:lvl>'
             '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%2．"/></w:lvl>'
             '</w:abstractNum>')
_HEADINGS = (f'<w:abstractNum {nsdecls("w")} w:abstractNumId="91">'
             '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
             '</w:abstractNum>')


def auto_numbered(document: docx.document.Document) -> tuple[str, str]:
    """Add the item list and the heading list to a document's numbering; return their numIds."""
    numbering = document.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    for xml in (_ABSTRACT, _HEADINGS):
        el = parse_xml(xml)
        if first_num is not None:
            first_num.addprevious(el)
        else:
            numbering.append(el)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    return "90", "91"


def numbered(document, text: str, num_id: str, level: int = 0):
    """Add a paragraph whose number Word draws (the text itself carries none)."""
    p = document.add_paragraph(text)
    ppr = p._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def png(width: int = 40, height: int = 20, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """Return a small solid-colour PNG."""
    raw = b"".join(b"\x00" + bytes(colour) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def save(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
