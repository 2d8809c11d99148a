"""Read back what a paper or key we wrote shows on the page (for review and verify): the printed
answers of a key and the printed stems of a paper, keyed by item number."""
from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document

_NUMBERED = re.compile(r"^\s*(\d+)\s*[.．、]\s*(.*)$", re.S)


def _open(source):
    if isinstance(source, (bytes, bytearray)):
        return Document(io.BytesIO(source))
    return Document(str(source) if isinstance(source, Path) else source)


def read_key_answers(source) -> dict[int, str]:
    """Return {number: answer} from a key's tables (a 题号 row followed by an 答案 row)."""
    try:
        doc = _open(source)
    except Exception:
        return {}
    found: dict[int, str] = {}
    for t in doc.tables:
        rows = [[c.text.strip() for c in r.cells] for r in t.rows]
        for a, b in zip(rows, rows[1:]):
            if a and b and a[0] == "题号" and b[0] == "答案":
                for n, ans in zip(a[1:], b[1:]):
                    if n.isdigit():
                        found[int(n)] = ans
    return found


def read_paper_stems(source) -> dict[int, str]:
    """Return {number: stem text} from a paper's item paragraphs (style 「ZJ 题干」)."""
    try:
        doc = _open(source)
    except Exception:
        return {}
    found: dict[int, str] = {}
    for p in doc.paragraphs:
        if p.style is None or p.style.name != "ZJ 题干":
            continue
        m = _NUMBERED.match(p.text)
        if m:
            found[int(m.group(1))] = m.group(2)
    return found
