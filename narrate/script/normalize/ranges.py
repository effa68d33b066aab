"""Ranges, dashes and ellipses: "2002\u20132003" is "2002 to 2003", "K-3" is "K through 3"; other dashes and
ellipses are pauses."""

from __future__ import annotations

import re

from narrate.script.normalize.number_words import _INTEGER, _YEAR, _number, short_year

_SHORT_YEAR_RANGE = re.compile(rf"(?<![\w.,])({_YEAR})[-\u2013](\d\d)\b(?![-\u2013]\d)")
_NUMBER_RANGE = re.compile(r"(?<=\d)\s*\u2013\s*(?=[$\u20ac\u00a3]?\d)")
_YEAR_RANGE = re.compile(rf"\b({_YEAR})-({_YEAR})\b(?!-)")
_HYPHEN_RANGE = re.compile(rf"(?<![\w/])(?<!\d[-.,:])({_INTEGER})-({_INTEGER})(?!\w|[-./:]\d|,\d{{3}})")
_CLOCK_RANGE = re.compile(r"\b(\d{1,2}:\d\d)\s?-\s?(?=\d{1,2}:\d\d)")
_WORD_DASH = re.compile(r"\s*(?:\u2014|\u2013|--)\s*|\s+-\s+")


def _word_dash(match: re.Match[str]) -> str:
    start, end = match.span()
    before, after = match.string[max(0, start - 1) : start], match.string[end : end + 1]
    if "\u2013" in match.group() and before.isdigit() and after.isdigit():
        return " \u2013 "  # a number range left for an engine that knows the language
    return ", "


def _short_year_range(match: re.Match[str], to_word: str) -> str:
    # "2019-20" is a season, "1939-45" a war; "2019-12" is no range (a month, or a code).
    # The second year is said as written: "2021-22" is "twenty twenty-one to twenty-two".
    year, short = match.groups()
    if int(short) <= int(year[2:]):
        return match.group()
    return f"{year} {to_word} {short_year(short)}"


# School grades: "K-3", "K\u201312", "pre-K-5", "PreK\u20138" and "grades 4-8" are read "K through 3", "grades 4 through 8".
_GRADE = r"(?:1[0-2]|[1-9])"
_KINDERGARTEN_RANGE = re.compile(rf"(?<![\w-])((?:[Pp]re-?)?K)\s?[-\u2013]\s?({_GRADE})\b(?![-\u2013.,/]\d)")
_GRADES_RANGE = re.compile(rf"\b([Gg]rades?)\s({_GRADE})\s?[-\u2013]\s?({_GRADE})\b(?![-\u2013.,/]\d)")
_PRE_K = re.compile(r"(?<![\w-])[Pp]re-?K\b")


def _grades_range(match: re.Match[str]) -> str:
    word, first, last = match.groups()
    return f"{word} {first} through {last}" if int(first) < int(last) else match.group()


def read_grade_ranges(text: str) -> str:
    """School grades: "K-3" -> "K through 3", "PreK-12" -> "pre-K through 12", "grades 4\u20138" -> "grades 4 through 8"."""
    text = _KINDERGARTEN_RANGE.sub(lambda m: f"{'pre-K' if len(m.group(1)) > 1 else 'K'} through {m.group(2)}", text)
    text = _GRADES_RANGE.sub(_grades_range, text)
    return _PRE_K.sub("pre-K", text)


def _hyphen_range(match: re.Match[str], to_word: str) -> str:
    # "pages 10-12" rises; "a 5-4 ruling" or "won 3-2" is a score and keeps its hyphen.
    first, second = match.groups()
    if first.startswith("0") or second.startswith("0") or _number(first) >= _number(second):
        return match.group()
    return f"{first} {to_word} {second}"


def expand_dashes(text: str, to_word: str | None = "to") -> str:
    """Ranges read with ``to_word`` ("2002\u20132003" -> "2002 to 2003"); other em/en dashes become a comma pause.

    A hyphen makes a range only between rising numbers ("pages 10-12"); "a 5-4 vote" keeps it.
    With ``to_word=None`` (languages without English words) a number range keeps its en dash.
    """
    if to_word:
        text = _SHORT_YEAR_RANGE.sub(lambda m: _short_year_range(m, to_word), text)
        text = _NUMBER_RANGE.sub(f" {to_word} ", text)
        text = _YEAR_RANGE.sub(rf"\1 {to_word} \2", text)
        text = _HYPHEN_RANGE.sub(lambda m: _hyphen_range(m, to_word), text)
        text = _CLOCK_RANGE.sub(rf"\1 {to_word} ", text)
    return _WORD_DASH.sub(_word_dash, text)


_ELLIPSIS = re.compile(r"\s*\.(?:\s?\.){2,}\s*")
_ONLY_CLOSERS_LEFT = re.compile(r"[\"')\]} ]*$")
_PRONOUN_I = re.compile(r"I\b")


def _ellipsis(match: re.Match[str]) -> str:
    text, end = match.string, match.end()
    if match.start() == 0:
        return ""
    # Matched in place, not on a copy of the rest: a long text with many ellipses stays linear.
    if _ONLY_CLOSERS_LEFT.match(text, end):
        return "."
    if text[end] in "?!.,;:":
        return ""
    # "Tokyo... So what?" trails off into a new sentence; "then... nothing" is a pause inside one.
    return ". " if text[end].isupper() and not _PRONOUN_I.match(text, end) else ", "


def expand_ellipses(text: str) -> str:
    """An ellipsis is a pause inside a sentence, and a full stop at its end or before a capital."""
    return _ELLIPSIS.sub(_ellipsis, text)
