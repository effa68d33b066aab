"""Amounts of money (narrate.script.normalize.money)."""

from __future__ import annotations

from narrate.script.normalize import read_money


def test_read_money_only_touches_amounts() -> None:
    assert read_money("$5 to 10 million for 3 towns, $4.50 each, 20\u20ac.") == (
        "five to ten million dollars for 3 towns, four dollars and fifty cents each, twenty euros."
    )
