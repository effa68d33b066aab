"""Fiscal years: "FY2025" -> "fiscal year 2025", "FY25" -> "fiscal year twenty-five", "FY 2025-26" -> a range."""

from __future__ import annotations

import re

from narrate.script.normalize.number_words import short_year

_FISCAL_YEAR = re.compile(r"\b(FYs?)\s?'?(\d{4}|\d{2})(?:\s?[-\u2013/]\s?'?(\d{4}|\d{2}))?\b(?![-\u2013.,/]\d)")


def _year(digits: str) -> str:
    # Four digits are left to the year rule ("twenty twenty-five"); two are said as written.
    return digits if len(digits) == 4 else short_year(digits)


def _fiscal_year(match: re.Match[str]) -> str:
    written, first, last = match.groups()
    spoken = f"fiscal year{'s' if written == 'FYs' else ''} {_year(first)}"
    return f"{spoken} to {_year(last)}" if last else spoken


def read_fiscal_years(text: str) -> str:
    """ "FY2025" -> "fiscal year 2025", "FY25" -> "fiscal year twenty-five", "FY 2025-26" -> "fiscal year 2025 to
    twenty-six", "FY24/25" -> "fiscal year twenty-four to twenty-five" (four-digit years are left to the year rule)."""
    return _FISCAL_YEAR.sub(_fiscal_year, text)
