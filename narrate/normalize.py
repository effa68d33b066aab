"""Speech text from written text: what a careful human reader would say aloud.

``normalize(text, language)`` runs small steps in a fixed order; each step is a plain function
of a string, so each can be tested on its own. English gets every step. Other languages get the
language-neutral steps and whole numbers in words from num2words, when it knows the language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from num2words import CONVERTER_CLASSES, num2words

__all__ = [
    "MONTH_NAMES",
    "drop_emoji",
    "expand_abbreviations",
    "expand_addresses",
    "expand_dashes",
    "expand_ellipses",
    "expand_numbers",
    "expand_symbols",
    "normalize",
    "plain_punctuation",
    "reduce_urls",
    "tidy",
]

# -- typography ------------------------------------------------------------------------------------

_PLAIN = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2039": "'", "\u203a": "'", "\u2032": "'",
        "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u200a": " ",
        "\u00ad": "", "\u200b": "", "\u2060": "",
        "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "\u2013", "\u2015": "\u2014",
        "\u2026": "...",
    }
)


def plain_punctuation(text: str) -> str:
    """Typographic quotes, apostrophes, spaces, hyphens and the ellipsis character as plain ASCII."""
    return text.translate(_PLAIN)


# Pictographs, dingbats, flags, keycaps, skin tones and the joiners that glue emoji sequences.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff"
    "\ufe0e\ufe0f\u200d\u20e3\U000e0020-\U000e007f\u3030\u303d\u3297\u3299\u00a9\u00ae\u2122]"
)


def drop_emoji(text: str) -> str:
    """Remove emoji and pictographic symbols: engines either skip them or read their names."""
    return _EMOJI.sub("", text)


# -- web addresses ---------------------------------------------------------------------------------

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]}]", re.IGNORECASE)


def _host(match: re.Match[str]) -> str:
    url = match.group()
    host = urlsplit(url if "://" in url else "http://" + url).hostname or url
    return host.removeprefix("www.")


def reduce_urls(text: str) -> str:
    """A URL is read as its host alone: "https://www.fcnl.org/updates?x=1" -> "fcnl.org"."""
    return _URL.sub(_host, text)


_EMAIL = re.compile(r"\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
_DOMAIN = re.compile(r"\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[a-z]{2,6}\b")
_HANDLE = re.compile(r"(?<![\w@])@(?=\w)")
_HASH_NUMBER = re.compile(r"(?<![\w#])#(?=\d)")
_HASHTAG = re.compile(r"(?<![\w#])#(?=[A-Za-z])")


def _spoken_dots(match: re.Match[str]) -> str:
    return match.group().replace(".", " dot ").replace("@", " at ")


def expand_addresses(text: str) -> str:
    """E-mail addresses, domains, @handles and #tags as spoken: "info@fcnl.org" -> "info at fcnl dot org"."""
    text = _EMAIL.sub(_spoken_dots, text)
    text = _DOMAIN.sub(_spoken_dots, text)
    text = _HANDLE.sub("at ", text)
    text = _HASH_NUMBER.sub("number ", text)
    return _HASHTAG.sub("hashtag ", text)


# -- dashes and ellipses ---------------------------------------------------------------------------

_YEAR = r"(?:1[1-9]\d\d|20\d\d)"
_NUMBER_RANGE = re.compile(r"(?<=\d)\s*\u2013\s*(?=[$\u20ac\u00a3]?\d)")
_YEAR_RANGE = re.compile(rf"\b({_YEAR})-({_YEAR})\b(?!-)")
_WORD_DASH = re.compile(r"\s*(?:\u2014|\u2013|--)\s*|\s+-\s+")


def _word_dash(match: re.Match[str]) -> str:
    start, end = match.span()
    before, after = match.string[max(0, start - 1) : start], match.string[end : end + 1]
    if "\u2013" in match.group() and before.isdigit() and after.isdigit():
        return " \u2013 "  # a number range left for an engine that knows the language
    return ", "


def expand_dashes(text: str, to_word: str | None = "to") -> str:
    """Ranges read with ``to_word`` ("2002\u20132003" -> "2002 to 2003"); other em/en dashes become a comma pause.

    With ``to_word=None`` (languages without English words) a number range keeps its en dash.
    """
    if to_word:
        text = _NUMBER_RANGE.sub(f" {to_word} ", text)
        text = _YEAR_RANGE.sub(rf"\1 {to_word} \2", text)
    return _WORD_DASH.sub(_word_dash, text)


_ELLIPSIS = re.compile(r"\s*\.(?:\s?\.){2,}\s*")
_CLOSERS = "\"')]}"
_PRONOUN_I = re.compile(r"I\b")


def _ellipsis(match: re.Match[str]) -> str:
    rest = match.string[match.end():]
    if match.start() == 0:
        return ""
    if not rest.strip(_CLOSERS + " "):
        return "."
    if rest[0] in "?!.,;:":
        return ""
    # "Tokyo... So what?" trails off into a new sentence; "then... nothing" is a pause inside one.
    return ". " if rest[0].isupper() and not _PRONOUN_I.match(rest) else ", "


def expand_ellipses(text: str) -> str:
    """An ellipsis is a pause inside a sentence, and a full stop at its end or before a capital."""
    return _ELLIPSIS.sub(_ellipsis, text)


# -- abbreviations (English) -----------------------------------------------------------------------

_TITLES = {
    "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Prof": "Professor", "Sen": "Senator",
    "Rep": "Representative", "Gov": "Governor", "Gen": "General", "Lt": "Lieutenant", "Col": "Colonel",
    "Capt": "Captain", "Sgt": "Sergeant", "Rev": "Reverend", "Hon": "Honorable", "Pres": "President",
    "Jr": "Junior", "Sr": "Senior", "Mt": "Mount", "Ft": "Fort", "Ave": "Avenue", "Blvd": "Boulevard",
    "Dept": "Department", "Inc": "Incorporated", "Corp": "Corporation", "Ltd": "Limited",
}
_TITLE = re.compile(r"\b(" + "|".join(sorted(_TITLES, key=len, reverse=True)) + r")\.")
_PHRASES = [
    (re.compile(r"\be\.\s?g\.", re.IGNORECASE), "for example"),
    (re.compile(r"\bi\.\s?e\.", re.IGNORECASE), "that is"),
    (re.compile(r"\betc\.", re.IGNORECASE), "et cetera"),
    (re.compile(r"\bvs\.?(?=\s)", re.IGNORECASE), "versus"),
    (re.compile(r"(?<=\w )v\.(?= [A-Z])"), "versus"),
    (re.compile(r"\bapprox\.", re.IGNORECASE), "approximately"),
    (re.compile(r"\bcf\.", re.IGNORECASE), "compare"),
    (re.compile(r"\bPh\.\s?D\."), "P H D"),
    (re.compile(r"\bNo\.(?=\s?\d)", re.IGNORECASE), "number"),
    (re.compile(r"\bNos\.(?=\s?\d)", re.IGNORECASE), "numbers"),
]
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_MONTH_ABBREVIATIONS = {name[:3]: name for name in MONTH_NAMES} | {"Sept": "September"}
_MONTH_ABBREVIATION = re.compile(r"\b(" + "|".join(_MONTH_ABBREVIATIONS) + r")\.(?=\s*\d)")
_SAINT_STREET = re.compile(r"\bSt\.(\s+[A-Z])?")
_DOCTOR_DRIVE = re.compile(r"(\b[A-Z0-9][\w']*\s+)?\bDr\.(\s+[A-Z])?")
_INITIALISM = re.compile(r"\b(?:[A-Za-z]\.){2,}")
_INITIAL = re.compile(r"\b([A-Z])\.(?=\s+[A-Z])")


def _saint_or_street(match: re.Match[str]) -> str:
    # "St. Louis" is a saint; "Main St." and "5th St. in" are streets.
    return f"Saint{match.group(1)}" if match.group(1) else "Street"


def _doctor_or_drive(match: re.Match[str]) -> str:
    before, after = match.group(1) or "", match.group(2) or ""
    # "Dr. Ruiz" is a doctor; "Elm Dr." after a name is a drive, unless that name only opens the sentence.
    opens_sentence = match.string[max(0, match.start() - 4) : match.start()].rstrip()[-1:] in ("", ".", "!", "?")
    if before and not after and not opens_sentence:
        return f"{before}Drive"
    return f"{before}Doctor{after}"


def expand_abbreviations(text: str) -> str:
    """Titles, Latin abbreviations, "No. 5", month abbreviations in dates and dotted initialisms ("U.S." -> "U S")."""
    text = _SAINT_STREET.sub(_saint_or_street, text)
    text = _DOCTOR_DRIVE.sub(_doctor_or_drive, text)
    text = _TITLE.sub(lambda m: _TITLES[m.group(1)], text)
    for pattern, spoken in _PHRASES:
        text = pattern.sub(spoken, text)
    text = _MONTH_ABBREVIATION.sub(lambda m: _MONTH_ABBREVIATIONS[m.group(1)], text)
    text = _INITIALISM.sub(lambda m: " ".join(m.group().replace(".", "").upper()), text)
    return _INITIAL.sub(r"\1", text)


# -- symbols (English) -----------------------------------------------------------------------------

_SYMBOLS = [
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"(?<=\d)\s?\u00b0\s?C\b"), " degrees Celsius"),
    (re.compile(r"(?<=\d)\s?\u00b0\s?F\b"), " degrees Fahrenheit"),
    (re.compile(r"\s?\u00b0"), " degrees"),
    (re.compile(r"(?<![\w+])\+(?=\d)"), "plus "),
    (re.compile(r"(?<=\w)\+(?![\w+])"), " plus"),
    (re.compile(r"(?<![\w.])~(?=\d)"), "about "),
    (re.compile(r"\s@\s"), " at "),
    (re.compile(r"\u00a7\s?"), "section "),
    (re.compile(r"\b24/7\b"), "24 7"),
]


def expand_symbols(text: str) -> str:
    """Symbols a reader says as words: "&" -> "and", "10+" -> "ten plus", "20\u00b0C" -> "20 degrees Celsius"."""
    for pattern, spoken in _SYMBOLS:
        text = pattern.sub(spoken, text)
    return text


# -- numbers ---------------------------------------------------------------------------------------

_INTEGER = r"(?:\d{1,3}(?:,\d{3})+|\d+)"


@lru_cache(maxsize=4096)
def _words(number: int, language: str = "en", to: str = "cardinal") -> str:
    # num2words writes "one thousand, two hundred": the comma would be read as a pause.
    return num2words(number, lang=language, to=to).replace(",", "")


def cardinal(digits: str, language: str = "en") -> str:
    """ "12,500" -> "twelve thousand two hundred and fifty"; a leading zero or a long code is read digit by digit."""
    digits = digits.replace(",", "")
    if (digits.startswith("0") and len(digits) > 1) or len(digits) > 15:
        return " ".join(_words(int(d), language) for d in digits)
    return _words(int(digits), language)


def decimal(whole: str, fraction: str) -> str:
    """ "2", "50" -> "two point five zero": digits after the point are read one by one."""
    return f"{cardinal(whole)} point " + " ".join(_words(int(d)) for d in fraction)


def _plural(words: str) -> str:
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}" if head else last


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
_MONEY = re.compile(
    rf"([$\u20ac\u00a3\u00a5])\s?({_INTEGER})(?:\.(\d+))?"
    r"(?:\s(thousand|million|billion|trillion)\b|(k|m|mn|b|bn|t|tn)\b)?",
    re.IGNORECASE,
)
_MONEY_AFTER = re.compile(rf"(?<![\w.,])({_INTEGER})(?:[.,](\d\d))?\s?([\u20ac\u00a3])")


def _amount(symbol: str, whole: str, fraction: str | None, scale: str | None) -> str:
    one, many, small_one, small_many = _CURRENCIES[symbol]
    if scale:
        number = decimal(whole, fraction) if fraction else cardinal(whole)
        return f"{number} {_SCALES[scale.lower()]} {many}"
    if fraction and len(fraction) != 2:
        return f"{decimal(whole, fraction)} {many}"
    units, cents = int(whole.replace(",", "")), int(fraction or "0")
    parts = []
    if units or not cents:
        parts.append(f"{cardinal(whole)} {one if units == 1 else many}")
    if cents:
        parts.append(f"{_words(cents)} {small_one if cents == 1 else small_many}")
    return " and ".join(parts)


def _money(match: re.Match[str]) -> str:
    return _amount(match.group(1), match.group(2), match.group(3), match.group(4) or match.group(5))


def _money_after(match: re.Match[str]) -> str:
    return _amount(match.group(3), match.group(1), match.group(2), None)


_DIGIT = re.compile(r"\d")
_TIME = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b(?!:\d)(\s?[AP] M\b)?")
_CLOCK_SUFFIX = re.compile(r"\b(\d{1,2})\s?([ap])\.?m\b\.?", re.IGNORECASE)
_NEGATIVE = re.compile(r"(?<![\w.,-])-(?=\d)")
_PERCENT = re.compile(rf"(?<![\w.])({_INTEGER})(?:\.(\d+))?\s?%")
_PERCENT_SIGN = re.compile(r"\s?%")
_DECADE_SHORT = re.compile(r"(?<![\w'])'([1-9]0)s\b")
_DECADE_YEAR = re.compile(r"(?<![\w.,])((?:1[1-9]|20)\d0)s\b")
_DECADE_TENS = re.compile(r"(?<![\w.,'])([2-9]0)s\b")
_ORDINAL = re.compile(rf"(?<![\w.])({_INTEGER})(?:st|nd|rd|th)\b", re.IGNORECASE)
_MONTH_DAY = re.compile(r"\b(" + "|".join(MONTH_NAMES) + r")\s([1-9]|[12]\d|3[01])\b(?![.,:]\d|\s?%)")
_YEAR_NUMBER = re.compile(rf"(?<![\w.,])({_YEAR})(?![\w%]|[.,]\d|\s?percent)")
_DECIMAL = re.compile(rf"(?<![\w.])(?<!\d,)({_INTEGER})\.(\d+)(?!\w|\.\d)")
_CARDINAL = re.compile(rf"(?<![\w.])({_INTEGER})(?!\w|\.\d)")
_PHONE = re.compile(r"(?<![\w(])(\(\d{3}\)\s?|\d{3}[\s.-])(\d{3})[.-](\d{4})(?!\w)")


def _time(match: re.Match[str]) -> str:
    hour, minutes, suffix = match.group(1), match.group(2), match.group(3) or ""
    if minutes == "00":
        return f"{cardinal(hour)}{suffix}" if suffix else f"{cardinal(hour)} o'clock"
    spoken_minutes = f"oh {_words(int(minutes))}" if minutes.startswith("0") else _words(int(minutes))
    return f"{cardinal(hour)} {spoken_minutes}{suffix}"


def _phone(match: re.Match[str]) -> str:
    # Phone numbers are read digit by digit, in their groups.
    groups = (re.sub(r"\D", "", group) for group in match.groups())
    return ", ".join(" ".join(_words(int(digit)) for digit in group) for group in groups)


def expand_numbers(text: str) -> str:
    """Numbers in English words: money, percentages, times, decades, ordinals, dates, years, decimals, cardinals."""
    if not _DIGIT.search(text):
        return _PERCENT_SIGN.sub(" percent", text)
    text = _PHONE.sub(_phone, text)
    text = _MONEY.sub(_money, text)
    text = _MONEY_AFTER.sub(_money_after, text)
    text = _CLOCK_SUFFIX.sub(lambda m: f"{m.group(1)} {m.group(2).upper()} M", text)
    text = _TIME.sub(_time, text)
    text = _NEGATIVE.sub("minus ", text)
    text = _PERCENT.sub(lambda m: (decimal(*m.groups()) if m.group(2) else cardinal(m.group(1))) + " percent", text)
    text = _PERCENT_SIGN.sub(" percent", text)
    text = _DECADE_SHORT.sub(lambda m: _plural(_words(int(m.group(1)))), text)
    text = _DECADE_YEAR.sub(lambda m: _plural(_words(int(m.group(1)), to="year")), text)
    text = _DECADE_TENS.sub(lambda m: _plural(_words(int(m.group(1)))), text)
    text = _ORDINAL.sub(lambda m: _words(int(m.group(1).replace(",", "")), to="ordinal"), text)
    text = _MONTH_DAY.sub(lambda m: f"{m.group(1)} {_words(int(m.group(2)), to='ordinal')}", text)
    text = _YEAR_NUMBER.sub(lambda m: _words(int(m.group(1)), to="year"), text)
    text = _DECIMAL.sub(lambda m: decimal(m.group(1), m.group(2)), text)
    return _CARDINAL.sub(lambda m: cardinal(m.group(1)), text)


def _whole_numbers(language: str) -> Callable[[str], str]:
    if language not in CONVERTER_CLASSES:
        # Better digits the engine may know than words in the wrong language.
        return lambda text: text
    return lambda text: _CARDINAL.sub(lambda m: cardinal(m.group(1), language), text)


# -- clean-up --------------------------------------------------------------------------------------

_TIDY = [
    (re.compile(r"\s+"), " "),
    (re.compile(r"\s+([,.;:!?)\]}])"), r"\1"),
    (re.compile(r"([(\[{])\s+"), r"\1"),
    (re.compile(r",(?:\s*,)+"), ","),
    (re.compile(r"(?<=[a-z]),(?=[a-z])"), ", "),
    (re.compile(r",\s*([.;:!?])"), r"\1"),
    (re.compile(r"([;:!?])\s*,"), r"\1"),
    (re.compile(r"^[\s,;:.]+|[\s,;:]+$"), ""),
]


def tidy(text: str) -> str:
    """One space between words, no space before punctuation, no stray commas left by earlier steps."""
    for pattern, replacement in _TIDY:
        text = pattern.sub(replacement, text)
    return text.strip()


_FINAL_STOP = re.compile(r"[.!?][\"')\]}]*$")


def _keep_final_stop(original: str, spoken: str) -> str:
    # "... in the U.S." loses its full stop to the initialism; the voice still needs the sentence end.
    if spoken and _FINAL_STOP.search(original.rstrip()) and not _FINAL_STOP.search(spoken):
        return spoken + "."
    return spoken


def normalize(text: str, language: str = "en") -> str:
    """The speech text for ``text``: typography, addresses, abbreviations, symbols and numbers as a reader says them."""
    language = (language or "en").split("-")[0].split("_")[0].lower()
    spoken = drop_emoji(plain_punctuation(text))
    spoken = reduce_urls(spoken)
    if language != "en":
        spoken = expand_ellipses(expand_dashes(spoken, to_word=None))
        return _keep_final_stop(text, tidy(_whole_numbers(language)(spoken)))
    spoken = expand_ellipses(expand_dashes(spoken))
    spoken = expand_abbreviations(spoken)
    spoken = expand_addresses(spoken)
    spoken = expand_symbols(spoken)
    spoken = expand_numbers(spoken)
    return _keep_final_stop(text, tidy(spoken))
