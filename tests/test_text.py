"""One width function: the terminal's (ambiguous narrow) and the printed page's (ambiguous wide)."""
from assembler.render import docx_base
from assembler.writers.text import display_width, table_row


def test_cjk_is_two_columns_everywhere_and_ambiguous_only_in_print():
    assert display_width("组卷ab") == docx_base.display_width("组卷ab") == 6
    assert display_width("“①”") == 3          # a terminal shows East Asian ambiguous characters narrow
    assert docx_base.display_width("“①”") == 6  # a CJK font prints them full width
    assert display_width("“①”", ambiguous_wide=True) == 6


def test_table_rows_align_by_terminal_width():
    assert table_row(["组卷", 3], [6, 4]) == "组卷     3"
