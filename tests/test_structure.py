"""Number formatting shared by every report: plain_number and points_text."""
from fractions import Fraction

from assembler.structure import plain_number, points_text


def test_plain_number_is_an_int_when_whole_else_a_float():
    assert plain_number(Fraction(5, 1)) == 5 and isinstance(plain_number(Fraction(5, 1)), int)
    assert plain_number(Fraction(5, 2)) == 2.5
    assert plain_number(3.0) == 3 and isinstance(plain_number(3.0), int)
    assert plain_number(2.345678, 2) == 2.35
    assert plain_number(2.99999, 4) == 3 and isinstance(plain_number(2.99999, 4), int)
    assert points_text(Fraction(1, 2)) == "0.5" and points_text(2) == "2"
