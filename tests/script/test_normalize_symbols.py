"""Symbols said as words (narrate.script.normalize.symbols)."""

from __future__ import annotations

from narrate.script.normalize import expand_symbols


def test_expand_symbols() -> None:
    assert expand_symbols("A&B +3 5+ 30\u00b0F \u00a7 4 2x4 1+1=2 and/or") == (
        "A and B plus 3 5 plus 30 degrees Fahrenheit section 4 2 by 4 1 plus 1 equals 2 and or"
    )


def test_symbols_written_twice_are_two_words() -> None:
    assert expand_symbols("0&&1") == "0 and and 1"
    assert expand_symbols("a==b") == "a equals equals b"
    assert expand_symbols("R&D and Q&A") == "R and D and Q and A"
