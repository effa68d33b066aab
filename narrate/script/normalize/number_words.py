"""Number words, every one of them from num2words: cardinal, ordinal, year, digit by digit, with a point."""

from __future__ import annotations

from functools import lru_cache

_INTEGER = r"(?:\d{1,3}(?:,\d{3})+|\d+)"
_YEAR = r"(?:1[1-9]\d\d|20\d\d)"


@lru_cache(maxsize=4096)
def _words(number: int, language: str = "en", to: str = "cardinal") -> str:
    from num2words import num2words  # imported on first use: importing the script package stays light

    # num2words writes "one thousand, two hundred": the comma would be read as a pause.
    return num2words(number, lang=language, to=to).replace(",", "")


def _number(digits: str) -> int:
    return int(digits.replace(",", ""))


def cardinal(digits: str, language: str = "en") -> str:
    """ "12,500" -> "twelve thousand five hundred"; a leading zero or a long code is read digit by digit."""
    digits = digits.replace(",", "")
    if (digits.startswith("0") and len(digits) > 1) or len(digits) > 15:
        return _digit_by_digit(digits, language)
    return _words(int(digits), language)


def _digit_by_digit(digits: str, language: str = "en") -> str:
    return " ".join(_words(int(digit), language) for digit in digits if digit.isdigit())


def decimal(whole: str, fraction: str) -> str:
    """ "2", "50" -> "two point five zero": digits after the point are read one by one."""
    return f"{cardinal(whole)} point {_digit_by_digit(fraction)}"


def _ordinal(number: int) -> str:
    return _words(number, to="ordinal")


def _year(number: int) -> str:
    return _words(number, to="year")


def short_year(digits: str) -> str:
    """A year's last two digits as said: "25" -> "twenty-five", "05" -> "oh-five"."""
    return f"oh-{_words(int(digits))}" if digits.startswith("0") else _words(int(digits))


def _plural(words: str) -> str:
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}" if head else last
