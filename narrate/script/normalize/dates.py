"""Dates and clock times: "Feb. 6, 2024", "6 February", "2/6/2024", "3:30 p.m.", "14:00"; the month names."""

from __future__ import annotations

import re

from narrate.script.normalize.letters import spelled
from narrate.script.normalize.number_words import _YEAR, _ordinal, _words
from narrate.script.normalize.symbols import _sub_apart

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


# -- times -----------------------------------------------------------------------------------------

_NOON = re.compile(r"\b12(?::00)?\s?(noon|midnight)\b", re.IGNORECASE)
_CLOCK_SUFFIX = re.compile(r"\b(\d{1,2})\s?([ap])\.?m\b\.?", re.IGNORECASE)
_SUFFIX_RANGE = re.compile(r"(?<=[AP][ .]M)\s?[-\u2013]\s?(?=\d)")
_TIME = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)\b(?!:\d)(\s?[AP][ .]M\b)?")


def _time(match: re.Match[str]) -> str:
    hour, minutes, suffix = int(match.group(1)), match.group(2), match.group(3) or ""
    spoken_hour = _words(hour)
    if minutes == "00":
        if suffix:
            return f"{spoken_hour}{suffix}"
        # "14:00" is "fourteen hundred"; "10:00" is "ten o'clock".
        return f"{spoken_hour} hundred" if hour > 12 else f"{spoken_hour} o'clock"
    spoken_minutes = f"oh {_words(int(minutes))}" if minutes.startswith("0") else _words(int(minutes))
    return f"{spoken_hour} {spoken_minutes}{suffix}"


def read_times(text: str) -> str:
    """Clock times: "3:30 p.m." -> "three thirty P M", "9am" -> "nine A.M", "14:00" -> "fourteen hundred"."""
    text = _NOON.sub(lambda m: m.group(1).lower(), text)
    text = _CLOCK_SUFFIX.sub(lambda m: f"{m.group(1)} {spelled(m.group(2).upper() + 'M')}", text)
    text = _SUFFIX_RANGE.sub(" to ", text)
    return _sub_apart(_TIME, _time, text)


# -- dates -----------------------------------------------------------------------------------------

_MONTHS = "|".join(MONTH_NAMES)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_NUMERIC_DATE = re.compile(rf"(?<![\w/.,-])(\d{{1,2}})/(\d{{1,2}})/({_YEAR})(?![\w/]|[.,]\d)")
_ISO_DATE = re.compile(rf"(?<![\w/.-])({_YEAR})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?![\w/-])")
_DAY_MONTH = re.compile(rf"(?<![\w.,$])({_DAY}) ({_MONTHS})\b")
_MONTH_DAY_RANGE = re.compile(rf"\b({_MONTHS}) ({_DAY}) to ({_DAY})\b(?![.,:]\d|\s?%)")
_MONTH_DAY = re.compile(rf"\b({_MONTHS}) ({_DAY})\b(?![.,:]\d|\s?%)")


def _date(year: str, month: int, day: int) -> str:
    return f"{MONTH_NAMES[month - 1]} {_ordinal(day)}, {year}"


def _numeric_date(match: re.Match[str]) -> str:
    first, second, year = int(match.group(1)), int(match.group(2)), match.group(3)
    if 1 <= first <= 12 and 1 <= second <= 31:
        return _date(year, first, second)  # en-US: month first
    if 13 <= first <= 31 and 1 <= second <= 12:
        return _date(year, second, first)  # only a day can be 13 or more
    return match.group()


def read_dates(text: str) -> str:
    """Dates: "Feb. 6, 2024" (after abbreviations) -> "February sixth, 2024", "6 February" -> "the sixth of February".

    "2/6/2024" is read as en-US month/day; it needs its four-digit year, since "2/6" alone is a fraction.
    Years are left as digits for the year rule.
    """
    text = _NUMERIC_DATE.sub(_numeric_date, text)
    text = _ISO_DATE.sub(lambda m: _date(m.group(1), int(m.group(2)), int(m.group(3))), text)
    text = _DAY_MONTH.sub(lambda m: f"the {_ordinal(int(m.group(1)))} of {m.group(2)}", text)
    text = _MONTH_DAY_RANGE.sub(
        lambda m: f"{m.group(1)} {_ordinal(int(m.group(2)))} to {_ordinal(int(m.group(3)))}", text
    )
    return _MONTH_DAY.sub(lambda m: f"{m.group(1)} {_ordinal(int(m.group(2)))}", text)
