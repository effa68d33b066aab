"""Dates and clock times (narrate.script.normalize.dates)."""

from __future__ import annotations

from narrate.script.normalize import read_dates, read_times


def test_read_times_leaves_ratios_and_durations() -> None:
    assert read_times("At 9:05 a.m. the 3:1 vote, a 2:03:45 marathon.") == (
        "At nine oh five A.M the 3:1 vote, a 2:03:45 marathon."
    )


def test_read_dates_needs_a_year_for_numeric_dates() -> None:
    assert read_dates("On 4/5/2023, not 4/5; on 2023-11-30 and 1 March.") == (
        "On April fifth, 2023, not 4/5; on November thirtieth, 2023 and the first of March."
    )


def test_read_dates_leaves_impossible_dates() -> None:
    assert read_dates("Case 13/14/2024 and 2023-13-01.") == "Case 13/14/2024 and 2023-13-01."
