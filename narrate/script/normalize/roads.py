"""Road numbers as drivers say them: "Route 101" -> "Route one oh-one", "I-405" -> "I four oh-five"."""

from __future__ import annotations

import re

from narrate.script.normalize.number_words import _year

# "Route 66", "Highway 1", "Hwy. 101", "State Route 99", "SR 99", "US 101", "U.S. 1", "Interstate 405", "I-95".
_ROAD = re.compile(
    r"\b(Route|Rte\.?|Highway|Hwy\.?|Interstate|Freeway|Turnpike|State Route|State Highway|SR|US|U\.\s?S\.)"
    r"(\s|-)(\d{1,4})\b(?![.,]\d|\s?%)"
)
_INTERSTATE = re.compile(r"(?<![\w-])I-(\d{1,3})\b(?![.,-]\d)")
_SPOKEN_ROAD = {"Rte": "Route", "Hwy": "Highway"}


def _road(match: re.Match[str]) -> str:
    written, number = match.group(1), int(match.group(3))
    if written.startswith("U") and number > 999:
        return match.group()  # "the US 2024 election" is no road
    return f"{_SPOKEN_ROAD.get(written.rstrip('.'), written)} {_year(number)}"


def read_road_numbers(text: str) -> str:
    """Road numbers in pairs with "oh" for a zero, as people say them: "Route 128" -> "Route one twenty-eight"."""
    text = _ROAD.sub(_road, text)
    return _INTERSTATE.sub(lambda m: f"I {_year(int(m.group(1)))}", text)
