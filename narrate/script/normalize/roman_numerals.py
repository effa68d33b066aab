"""Roman numerals in names and titles: "World War II", "Henry VIII"."""

from __future__ import annotations

import re

from narrate.script.normalize.number_words import _ordinal, _words

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_ROMAN = r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
# Words after which a numeral counts ("World War II" is "World War two"); those that also take "I".
_COUNTED = (
    "War Title Chapter Part Volume Book Article Phase Stage Tier Class Category Type Schedule Episode "
    "Appendix Annex Act Round Level Division Section Series Season Bowl Vatican Apollo Psalm Canto Figure"
).split()
_COUNTED_WITH_I = frozenset(
    "War Title Chapter Part Volume Book Article Phase Stage Tier Class Category Type Schedule Episode "
    "Appendix Annex Division Level".split()
)
_COUNTED_NUMERAL = re.compile(
    r"\b(" + "|".join(_COUNTED + [word.upper() for word in _COUNTED]) + rf") (?=[MDCLXVI])({_ROMAN})\b(?!\w)"
)
# A numeral after a name is a regnal number ("Henry VIII" is "Henry the eighth"); only I, V and X,
# so "Washington DC" or "MIX" are never numbers. A one-letter numeral only after "King", "Pope", ...
_REGNAL_NUMERAL = re.compile(r"\b([A-Z][a-z]+) (?=[IVX])((?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))\b(?!\w)")
# Capitalised words that open sentences but are no names: "An IV drip" is no "An the fourth".
_NOT_NAMES = frozenset(
    "The A An In On At By For Of With From To Into And But Or Nor Via Per No Our Their His Her Its My Your This "
    "That These Those Some Any Each Every All New Get Got Had Has Have Needs Needed Gave Give".split()
)
_MONARCH_BEFORE = re.compile(r"\b(?:King|Queen|Pope|Emperor|Empress|Tsar|Czar|Kaiser|Pharaoh|Sultan|Prince|Princess) $")


def _roman_value(numeral: str) -> int:
    values = [_ROMAN_VALUES[letter] for letter in numeral]
    return sum(-value if value < after else value for value, after in zip(values, values[1:] + [0]))


def _counted_numeral(match: re.Match[str]) -> str:
    word, numeral = match.groups()
    if len(numeral) == 1 and numeral not in "IVX":
        return match.group()  # "Medicare Part D" and "a Class C felony" are letters
    if numeral == "I" and word.capitalize() not in _COUNTED_WITH_I:
        return match.group()  # "the Act I mentioned"
    return f"{word} {_words(_roman_value(numeral))}"


def _regnal_numeral(match: re.Match[str]) -> str:
    name, numeral = match.groups()
    if name in _NOT_NAMES:
        return match.group()
    # A one-letter numeral needs a title: "King Henry V", but "Malcolm X" and "Then Sam I left" are no kings.
    if len(numeral) == 1 and not _MONARCH_BEFORE.search(match.string[max(0, match.start() - 9) : match.start()]):
        return match.group()
    return f"{name} the {_ordinal(_roman_value(numeral))}"


def read_roman_numerals(text: str) -> str:
    """Roman numerals in names and titles: "World War II" -> "World War two", "Henry VIII" -> "Henry the eighth"."""
    text = _COUNTED_NUMERAL.sub(_counted_numeral, text)
    return _REGNAL_NUMERAL.sub(_regnal_numeral, text)
