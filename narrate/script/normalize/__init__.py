"""Speech text from written text: what a careful human reader would say aloud.

``normalize(text, language)`` runs small steps in a fixed order; each step is a plain function
of a string, so each can be tested on its own. English gets every step. Other languages get the
language-neutral steps and whole numbers in words from num2words, when it knows the language.
Every number word comes from num2words; the steps only decide how a number is read (as a year,
an ordinal, digit by digit, a fraction).

The order matters: phone numbers, fiscal years and grades go before ranges (a hyphen inside "555-0143" is no
range, "FY2025-26" and "K-3" are read their own way), party
tags and bill numbers before dotted initialisms ("D-N.M.", "H.R."), abbreviations before numbers
("Feb. 6"), and acronyms last, so that letters written out by earlier steps are not spelled again.
"""

from __future__ import annotations

from narrate.script.normalize.abbreviations import expand_abbreviations
from narrate.script.normalize.acronyms import WORD_ACRONYMS, _acronym_readings, _is_headline, read_acronyms
from narrate.script.normalize.addresses import expand_addresses, read_phone_numbers, reduce_urls
from narrate.script.normalize.dates import MONTH_NAMES, read_dates, read_times
from narrate.script.normalize.fiscal import read_fiscal_years
from narrate.script.normalize.letters import spelled
from narrate.script.normalize.money import read_money
from narrate.script.normalize.numbers import _whole_numbers, expand_numbers, read_fractions
from narrate.script.normalize.politics import expand_bill_numbers, expand_party_tags
from narrate.script.normalize.punctuation import _keep_final_stop, drop_emoji, plain_punctuation, symbols_apart, tidy
from narrate.script.normalize.ranges import expand_dashes, expand_ellipses, read_grade_ranges
from narrate.script.normalize.roads import read_road_numbers
from narrate.script.normalize.roman_numerals import read_roman_numerals
from narrate.script.normalize.symbols import expand_symbols
from narrate.script.normalize.units import read_units

__all__ = [
    "MONTH_NAMES",
    "WORD_ACRONYMS",
    "acronyms",
    "drop_emoji",
    "expand_abbreviations",
    "expand_addresses",
    "expand_bill_numbers",
    "expand_dashes",
    "expand_ellipses",
    "expand_numbers",
    "expand_party_tags",
    "expand_symbols",
    "normalize",
    "plain_punctuation",
    "read_acronyms",
    "read_dates",
    "read_fiscal_years",
    "read_fractions",
    "read_grade_ranges",
    "read_money",
    "read_phone_numbers",
    "read_road_numbers",
    "read_roman_numerals",
    "read_times",
    "read_units",
    "reduce_urls",
    "spelled",
    "tidy",
]


def _english_steps(text: str) -> str:
    """Every English step but the acronyms and the clean-up."""
    spoken = reduce_urls(drop_emoji(plain_punctuation(text)))
    spoken = read_phone_numbers(spoken)
    spoken = read_grade_ranges(read_fiscal_years(spoken))
    spoken = expand_ellipses(expand_dashes(spoken))
    spoken = expand_party_tags(spoken)
    spoken = expand_bill_numbers(spoken)
    spoken = read_road_numbers(spoken)
    spoken = expand_abbreviations(spoken)
    spoken = expand_addresses(spoken)
    spoken = expand_symbols(spoken)
    spoken = expand_numbers(spoken)
    return read_roman_numerals(spoken)


def normalize(text: str, language: str = "en") -> str:
    """The speech text for ``text``: numbers, abbreviations, symbols and acronyms as a careful reader says them."""
    language = (language or "en").split("-")[0].split("_")[0].lower()
    if language != "en":
        spoken = reduce_urls(drop_emoji(plain_punctuation(text)))
        spoken = expand_ellipses(expand_dashes(spoken, to_word=None))
        return _keep_final_stop(text, tidy(symbols_apart(_whole_numbers(language)(spoken))))
    # Headline or not is judged on the written text: number words would add lowercase letters.
    spoken = read_acronyms(_english_steps(text), shouting=_is_headline(text))
    return _keep_final_stop(text, tidy(symbols_apart(spoken)))


def acronyms(text: str) -> list[str]:
    """The acronyms ``normalize`` finds in ``text``, as written, once each, in order of first appearance.

    These are the ALL-CAPS tokens of 2-6 letters it reads as letters or as a WORD_ACRONYMS word,
    without a plural or possessive ending ("NGOs" -> "NGO"). Not counted: Roman numerals, unit
    symbols after a number, capitals for emphasis ("NOT") and the sayable words of a headline in
    capitals ("STOP THE WAR"); each line of ``text`` is judged on its own.
    """
    found: dict[str, None] = {}
    for line in text.splitlines():
        spoken = _english_steps(line)
        for match, reading in _acronym_readings(spoken, shouting=_is_headline(line)):
            if reading in ("letters", "word"):
                found.setdefault(match.group(1))
    return list(found)

