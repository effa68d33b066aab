"""Ranges, dashes and ellipses (narrate.script.normalize.ranges)."""

from __future__ import annotations

from narrate.script.normalize import expand_dashes, expand_ellipses


def test_expand_dashes_distinguishes_ranges_from_pauses() -> None:
    assert expand_dashes("1999\u20132001 was hard\u2014very hard") == "1999 to 2001 was hard, very hard"
    assert expand_dashes("Pages 10-12, a 5-4 vote, the 2019-20 term, (202) 555-0143 and 2024-02-06.") == (
        "Pages 10 to 12, a 5-4 vote, the 2019 to twenty term, (202) 555-0143 and 2024-02-06."
    )


def test_expand_ellipses() -> None:
    assert expand_ellipses("...so. Wait . . . go...") == "so. Wait, go."
