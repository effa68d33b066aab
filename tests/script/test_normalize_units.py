"""Units of measure (narrate.script.normalize.units)."""

from __future__ import annotations

from narrate.script.normalize import read_units


def test_read_units_needs_a_number_before_the_unit() -> None:
    assert read_units("Drive 5 km in km-long lines; 5 in 10 ride; a 5m grant.") == (
        "Drive 5 kilometers in km-long lines; 5 in 10 ride; a 5m grant."
    )
