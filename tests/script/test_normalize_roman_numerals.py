"""Roman numerals (narrate.script.normalize.roman_numerals)."""

from __future__ import annotations

from narrate.script.normalize import read_roman_numerals


def test_roman_numerals_need_a_name_or_a_counted_word_before_them() -> None:
    assert read_roman_numerals("Edward VI, Part II, Act I began, MIX, Washington DC, An IV, King George I.") == (
        "Edward the sixth, Part two, Act I began, MIX, Washington DC, An IV, King George the first."
    )
