"""Symbols said as words ("&" -> "and", "=" -> "equals"), kept apart from a letter or digit written against them."""

from __future__ import annotations

import re
from collections.abc import Callable

# -- symbols (English) -----------------------------------------------------------------------------

_SYMBOLS = [
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"(?<=\d)\s?\u00b0\s?C\b"), " degrees Celsius"),
    (re.compile(r"(?<=\d)\s?\u00b0\s?F\b"), " degrees Fahrenheit"),
    (re.compile(r"\s?\u00b0"), " degrees"),
    (re.compile(r"(?<=\d)\s?\+\s?(?=\d)"), " plus "),
    (re.compile(r"(?<![\w+])\+(?=\d)"), "plus "),
    (re.compile(r"(?<=\w)\+(?![\w+])"), " plus"),
    (re.compile(r"\s?=\s?"), " equals "),
    (re.compile(r"(?<=\d)\s?x\s?(?=\d)"), " by "),
    (re.compile(r"(?<=\d)x\b"), " times"),
    (re.compile(r"(?<![\w.])~(?=\d)"), "about "),
    (re.compile(r"\s@\s"), " at "),
    (re.compile(r"\u00a7\s?"), "section "),
    (re.compile(r"\band/or\b"), "and or"),
]


def expand_symbols(text: str) -> str:
    """Symbols a reader says as words: "&" -> "and", "10+" -> "10 plus", "2x4" -> "2 by 4", "=" -> "equals".

    The words stay apart from a letter or digit written against the symbol ("5\u00b0x", "0\u00a7" must not say
    "degreesx", "0section").
    """
    for pattern, spoken in _SYMBOLS:
        text = _sub_apart(pattern, lambda _, words=spoken.strip(): words, text)
    return text


# -- words kept apart from the letters around them (symbols, money, times) -------------------------


def _sub_apart(pattern: re.Pattern[str], spoken: Callable[[re.Match[str]], str], text: str) -> str:
    """``pattern.sub`` whose words stay apart from a letter or digit written against the match ("a$5" -> "a five"),
    and from the words of a match right after it ("&&" -> "and and")."""

    def replace(match: re.Match[str]) -> str:
        before = match.string[match.start() - 1 : match.start()] if match.start() else ""
        after = match.string[match.end() : match.end() + 1]
        space_after = after.isalnum() or pattern.match(match.string, match.end()) is not None
        return (" " if before.isalnum() else "") + spoken(match) + (" " if space_after else "")

    return pattern.sub(replace, text)
