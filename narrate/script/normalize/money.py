"""Amounts of money: "$2.3M", "\u20ac5", "$5 to 10 million", "dollars/year"."""

from __future__ import annotations

import re

from narrate.script.normalize.number_words import _INTEGER, _number, _words, cardinal, decimal
from narrate.script.normalize.symbols import _sub_apart

_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "\u20ac": ("euro", "euros", "cent", "cents"),
    "\u00a3": ("pound", "pounds", "penny", "pence"),
    "\u00a5": ("yen", "yen", "sen", "sen"),
}
_SCALES = {
    "thousand": "thousand", "million": "million", "billion": "billion", "trillion": "trillion",
    "k": "thousand", "m": "million", "mn": "million", "b": "billion", "bn": "billion", "t": "trillion",
    "tn": "trillion",
}
_SYMBOL = "[$\u20ac\u00a3\u00a5]"
_SCALE = r"(?:\s(thousand|million|billion|trillion)\b|(k|m|mn|b|bn|t|tn)\b)?"
_MONEY = re.compile(rf"({_SYMBOL})\s?({_INTEGER})(?:\.(\d+))?{_SCALE}", re.IGNORECASE)
_MONEY_RANGE = re.compile(
    rf"({_SYMBOL})\s?({_INTEGER})(?:\.(\d+))? to ({_SYMBOL})?\s?({_INTEGER})(?:\.(\d+))?{_SCALE}", re.IGNORECASE
)
_MONEY_AFTER = re.compile(rf"(?<![\w.,])({_INTEGER})(?:[.,](\d\d))?\s?([\u20ac\u00a3])")
_PER = re.compile(r"\b(dollars?|cents?|euros?|pounds?|pence|yen)/(?=[A-Za-z])")


def _amount_number(whole: str, fraction: str | None) -> str:
    return decimal(whole, fraction) if fraction else cardinal(whole)


def _amount(symbol: str, whole: str, fraction: str | None, scale: str | None) -> str:
    one, many, small_one, small_many = _CURRENCIES[symbol]
    if scale:
        return f"{_amount_number(whole, fraction)} {_SCALES[scale.lower()]} {many}"
    if fraction and len(fraction) != 2:
        return f"{decimal(whole, fraction)} {many}"
    units, cents = _number(whole), int(fraction or "0")
    parts = []
    if units or not cents:
        parts.append(f"{cardinal(whole)} {one if units == 1 else many}")
    if cents:
        parts.append(f"{_words(cents)} {small_one if cents == 1 else small_many}")
    return " and ".join(parts)


def _money_range(match: re.Match[str]) -> str:
    symbol, whole, fraction, second_symbol, second_whole, second_fraction = match.groups()[:6]
    scale = match.group(7) or match.group(8)
    if scale:
        # "$5-10 million": the scale and the currency belong to both ends.
        first = _amount_number(whole, fraction)
        return f"{first} to {_amount(second_symbol or symbol, second_whole, second_fraction, scale)}"
    second = _amount(second_symbol or symbol, second_whole, second_fraction, None)
    if second_symbol or fraction or second_fraction:
        return f"{_amount(symbol, whole, fraction, None)} to {second}"
    return f"{cardinal(whole)} to {second}"  # "$5 to 10" is five to ten dollars


def read_money(text: str) -> str:
    """Amounts: "$2.3M" -> "two point three million dollars", "$5 to 10 million" -> "five to ten million dollars"."""
    text = _sub_apart(_MONEY_RANGE, _money_range, text)
    text = _sub_apart(_MONEY, lambda m: _amount(m.group(1), m.group(2), m.group(3), m.group(4) or m.group(5)), text)
    text = _sub_apart(_MONEY_AFTER, lambda m: _amount(m.group(3), m.group(1), m.group(2), None), text)
    return _PER.sub(r"\1 per ", text)
