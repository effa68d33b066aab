"""Numbers in English words: money, times, dates, fractions and units first, then percentages, years and the rest."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from narrate.script.normalize.dates import read_dates, read_times
from narrate.script.normalize.money import _amount_number, read_money
from narrate.script.normalize.number_words import (
    _INTEGER,
    _YEAR,
    _number,
    _ordinal,
    _plural,
    _words,
    _year,
    cardinal,
    decimal,
)
from narrate.script.normalize.units import read_units

# -- fractions -------------------------------------------------------------------------------------

_VULGAR_FRACTION = re.compile(r"[\u00bc-\u00be\u2150-\u215e]")
_NAMED_PAIRS = {"24/7": "twenty-four seven", "9/11": "nine eleven", "50/50": "fifty-fifty"}
_NAMED_PAIR = re.compile(r"(?<![\w/.])(" + "|".join(_NAMED_PAIRS) + r")(?![\w/]|[.,]\d)")
_FRACTION = re.compile(r"(?<![\w/.,])(?:(\d{1,3}) )?([1-9]\d?)/([1-9]\d{0,2})(?![\w/]|[.,]\d)")


def _vulgar_fraction(match: re.Match[str]) -> str:
    # NFKC writes "\u00bd" as "1\u20442"; "2\u00bd" becomes "2 1/2" for the mixed-number rule.
    written = unicodedata.normalize("NFKC", match.group()).replace("\u2044", "/")
    return " " + written if match.string[match.start() - 1 : match.start()].isdigit() else written


def _fraction_name(denominator: int, plural: bool) -> str:
    # A half and a quarter have their own names; other parts are ordinals ("thirds", "eighths").
    if denominator == 2:
        return "halves" if plural else "half"
    name = "quarter" if denominator == 4 else _ordinal(denominator)
    return name + "s" if plural else name


def _fraction(match: re.Match[str]) -> str:
    whole, numerator, denominator = match.group(1), int(match.group(2)), int(match.group(3))
    if not (2 <= denominator <= 16 or denominator == 100):
        return match.group()  # "35/40" is a score, not a fraction
    name = _fraction_name(denominator, plural=numerator != 1)
    if whole:
        part = f"a {name}" if numerator == 1 else f"{_words(numerator)} {name}"
        return f"{cardinal(whole)} and {part}"
    return f"{_words(numerator)} {name}"


def read_fractions(text: str) -> str:
    """Fractions: "3/4 of" -> "three quarters of", "2 1/2" -> "two and a half", "\u00bd" -> "one half"."""
    text = _VULGAR_FRACTION.sub(_vulgar_fraction, text)
    text = _NAMED_PAIR.sub(lambda m: _NAMED_PAIRS[m.group(1)], text)
    return _FRACTION.sub(_fraction, text)


# -- numbers ---------------------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")
_NEGATIVE = re.compile(r"(?<![\w.,-])-(?=\d)")
_PERCENT = re.compile(rf"(?<![\w.])({_INTEGER})(?:\.(\d+))?\s?%")
_PERCENT_SIGN = re.compile(r"\s?%")
# "%5", "50%off": the sign glued to the word after it would be said glued too ("percentoff").
_PERCENT_GLUED = re.compile(r"%(?=[^\W_])")
_DECADE_SHORT = re.compile(r"(?<![\w'])'([1-9]0)s\b")
_YEAR_SHORT = re.compile(r"(?<![\w'])'(\d\d)\b(?!')")
_DECADE_YEAR = re.compile(r"(?<![\w.,])((?:1[1-9]|20)\d0)s\b")
_DECADE_TENS = re.compile(r"(?<![\w.,'])([2-9]0)s\b")
_ORDINAL = re.compile(rf"(?<![\w.])({_INTEGER})(?:st|nd|rd|th)\b", re.IGNORECASE)
_YEAR_NUMBER = re.compile(rf"(?<![\w.,])({_YEAR})(?![\w%]|[.,]\d|\s?percent)")
_DECIMAL = re.compile(rf"(?<![\w.])(?<!\d,)({_INTEGER})\.(\d+)(?!\w|\.\d)")
_CARDINAL = re.compile(rf"(?<![\w.])({_INTEGER})(?!\w|\.\d)")


def _short_year(match: re.Match[str]) -> str:
    digits = match.group(1)
    return f"oh-{_words(int(digits))}" if digits.startswith("0") else _words(int(digits))


def expand_numbers(text: str) -> str:
    """Numbers in English words: money, times, dates, fractions, units, percentages, ordinals, years, the rest."""
    text = _PERCENT_GLUED.sub("% ", text)
    if not _DIGIT.search(text) and not _VULGAR_FRACTION.search(text):
        return _PERCENT_SIGN.sub(" percent", text)
    text = read_money(text)
    text = read_times(text)
    text = read_dates(text)
    text = read_fractions(text)
    text = read_units(text)
    text = _NEGATIVE.sub("minus ", text)
    text = _PERCENT.sub(lambda m: _amount_number(m.group(1), m.group(2)) + " percent", text)
    text = _PERCENT_SIGN.sub(" percent", text)
    text = _DECADE_SHORT.sub(lambda m: _plural(_words(int(m.group(1)))), text)
    text = _YEAR_SHORT.sub(_short_year, text)
    text = _DECADE_YEAR.sub(lambda m: _plural(_year(int(m.group(1)))), text)
    text = _DECADE_TENS.sub(lambda m: _plural(_words(int(m.group(1)))), text)
    text = _ORDINAL.sub(lambda m: _ordinal(_number(m.group(1))), text)
    text = _YEAR_NUMBER.sub(lambda m: _year(int(m.group(1))), text)
    text = _DECIMAL.sub(lambda m: decimal(m.group(1), m.group(2)), text)
    return _CARDINAL.sub(lambda m: cardinal(m.group(1)), text)


def _whole_numbers(language: str) -> Callable[[str], str]:
    from num2words import CONVERTER_CLASSES

    if language not in CONVERTER_CLASSES:
        # Better digits the engine may know than words in the wrong language.
        return lambda text: text
    return lambda text: _CARDINAL.sub(lambda m: cardinal(m.group(1), language), text)
