"""Plain-text tables for the terminal, aligned by display width (CJK characters take two columns)."""
from __future__ import annotations

import unicodedata


def display_width(text: str, ambiguous_wide: bool = False) -> int:
    """Return how many columns text takes: CJK (wide and full-width) characters take two, and so do
    East Asian ambiguous ones (“ ” ① …) when ambiguous_wide, as in a printed CJK font; a terminal
    shows them narrow. The one width function (render.docx_base uses it with ambiguous_wide)."""
    wide = "WFA" if ambiguous_wide else "WF"
    return sum(2 if unicodedata.east_asian_width(c) in wide else 1 for c in text)


def table_row(cells: list, widths: list[int], left: int = 1) -> str:
    """Return one table line: the first `left` cells left-aligned, the rest right-aligned."""
    out = []
    for k, (cell, w) in enumerate(zip(cells, widths)):
        text = str(cell)
        pad = " " * max(0, w - display_width(text))
        out.append(text + pad if k < left else pad + text)
    return "".join(out)
