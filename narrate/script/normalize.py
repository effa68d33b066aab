"""Speech text from written text: what a careful human reader would say aloud.

``normalize(text, language)`` runs small steps in a fixed order; each step is a plain function
of a string, so each can be tested on its own. English gets every step. Other languages get the
language-neutral steps and whole numbers in words from num2words, when it knows the language.
Every number word comes from num2words; the steps only decide how a number is read (as a year,
an ordinal, digit by digit, a fraction).

The order matters: phone numbers go before ranges (a hyphen inside "555-0143" is no range), party
tags and bill numbers before dotted initialisms ("D-N.M.", "H.R."), abbreviations before numbers
("Feb. 6"), and acronyms last, so that letters written out by earlier steps are not spelled again.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from urllib.parse import urlsplit

from num2words import CONVERTER_CLASSES, num2words

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
    "read_fractions",
    "read_money",
    "read_phone_numbers",
    "read_roman_numerals",
    "read_times",
    "read_units",
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
        "\u2026": "...", "\u2044": "/",
    }
)


# "2\u00d74" and "3\u00d7" read as "2x4" and "3x" do ("2 by 4", "3 times"); elsewhere the sign is a word of its own,
# never glued to a letter ("A\u00d7B" is not "AxB").
_MULTIPLY_DIGITS = re.compile(r"(?<=\d)(\s?)\u00d7(\s?)(?=\d)|(?<=\d)\u00d7")


def plain_punctuation(text: str) -> str:
    """Typographic quotes, apostrophes, spaces, hyphens and the ellipsis character as plain ASCII."""
    text = _MULTIPLY_DIGITS.sub(lambda m: (m.group(1) or "") + "x" + (m.group(2) or ""), text)
    return text.translate(_PLAIN).replace("\u00d7", " x ")


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
_BARE_URL = re.compile(r"\b((?:[A-Za-z0-9-]+\.)+[a-z]{2,6})/[^\s<>\"']*[^\s<>\"'.,;:!?)\]}]")


def _host(match: re.Match[str]) -> str:
    url = match.group()
    host = urlsplit(url if "://" in url else "http://" + url).hostname or url
    return host.removeprefix("www.")


def reduce_urls(text: str) -> str:
    """A URL is read as its host alone: "https://www.fcnl.org/updates?x=1" -> "fcnl.org"."""
    return _BARE_URL.sub(r"\1", _URL.sub(_host, text))


_EMAIL = re.compile(r"\b([\w.+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)\b")
_DOMAIN = re.compile(r"\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[a-z]{2,6}\b")
_HANDLE = re.compile(r"(?<![\w@])@(?=\w)")
_HASH_NUMBER = re.compile(r"(?<![\w#])#(?=\d)")
_HASHTAG = re.compile(r"(?<![\w#])#(?=[A-Za-z])")
_VOWEL = re.compile(r"[aeiouAEIOU]")
# Labels a listener knows as words; any other short or vowelless label ("fcnl", "epa", "uk") is spelled.
_WORD_LABELS = frozenset({"com", "org", "net", "gov", "co", "info", "biz"})


def _spoken_label(label: str) -> str:
    if label.isalpha() and label.lower() not in _WORD_LABELS and (len(label) <= 3 or not _VOWEL.search(label)):
        return " ".join(label.upper())
    return label


def _spoken_host(host: str) -> str:
    return " dot ".join(_spoken_label(label) for label in host.split("."))


def expand_addresses(text: str) -> str:
    """E-mail addresses, domains, @handles and #tags as spoken: "info@fcnl.org" -> "info at F C N L dot org"."""
    text = _EMAIL.sub(lambda m: f"{m.group(1).replace('.', ' dot ')} at {_spoken_host(m.group(2))}", text)
    text = _DOMAIN.sub(lambda m: _spoken_host(m.group()), text)
    text = _HANDLE.sub("at ", text)
    text = _HASH_NUMBER.sub("number ", text)
    return _HASHTAG.sub("hashtag ", text)


# -- number words (every one of them from num2words) -----------------------------------------------

_INTEGER = r"(?:\d{1,3}(?:,\d{3})+|\d+)"


@lru_cache(maxsize=4096)
def _words(number: int, language: str = "en", to: str = "cardinal") -> str:
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


def _plural(words: str) -> str:
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}" if head else last


# -- phone numbers ---------------------------------------------------------------------------------

_PHONE_INTERNATIONAL = re.compile(
    r"(?<![\w+])\+(\d{1,3})[\s.-]?\(?(\d{1,4})\)?[\s.-](\d{2,4})[\s.-](\d{3,4})(?!\w|[-.,]\d)"
)
_PHONE_US = re.compile(r"(?<![\w(+-])(?:(1)[\s.-])?(\(\d{3}\)\s?|\d{3}[\s.-])(\d{3})[.-](\d{4})(?!\w|[-.,]\d)")
_PHONE_LOCAL = re.compile(r"(?<![\w()+.,-])(\d{3})-(\d{4})(?!\w|[-.,]\d)")


def _digit_groups(groups: tuple[str | None, ...]) -> str:
    return ", ".join(_digit_by_digit(group) for group in groups if group)


def read_phone_numbers(text: str) -> str:
    """Phone numbers digit by digit in their groups: "(202) 555-0143" -> "two zero two, five five five, ..."."""
    text = _PHONE_INTERNATIONAL.sub(lambda m: "plus " + _digit_groups(m.groups()), text)
    text = _PHONE_US.sub(lambda m: _digit_groups(m.groups()), text)
    return _PHONE_LOCAL.sub(lambda m: _digit_groups(m.groups()), text)


# -- dashes and ellipses ---------------------------------------------------------------------------

_YEAR = r"(?:1[1-9]\d\d|20\d\d)"
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
    year, short = match.groups()
    if int(short) <= int(year[2:]):
        return match.group()
    return f"{year} {to_word} {year[:2]}{short}"


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


# -- US states, party tags and bill numbers (English) ----------------------------------------------

# (spoken name, AP style abbreviation, postal code); AP spells eight states out in full.
_STATES = (
    ("Alabama", "Ala.", "AL"), ("Alaska", "Alaska", "AK"), ("Arizona", "Ariz.", "AZ"),
    ("Arkansas", "Ark.", "AR"), ("California", "Calif.", "CA"), ("Colorado", "Colo.", "CO"),
    ("Connecticut", "Conn.", "CT"), ("Delaware", "Del.", "DE"), ("Florida", "Fla.", "FL"),
    ("Georgia", "Ga.", "GA"), ("Hawaii", "Hawaii", "HI"), ("Idaho", "Idaho", "ID"),
    ("Illinois", "Ill.", "IL"), ("Indiana", "Ind.", "IN"), ("Iowa", "Iowa", "IA"),
    ("Kansas", "Kan.", "KS"), ("Kentucky", "Ky.", "KY"), ("Louisiana", "La.", "LA"),
    ("Maine", "Maine", "ME"), ("Maryland", "Md.", "MD"), ("Massachusetts", "Mass.", "MA"),
    ("Michigan", "Mich.", "MI"), ("Minnesota", "Minn.", "MN"), ("Mississippi", "Miss.", "MS"),
    ("Missouri", "Mo.", "MO"), ("Montana", "Mont.", "MT"), ("Nebraska", "Neb.", "NE"),
    ("Nevada", "Nev.", "NV"), ("New Hampshire", "N.H.", "NH"), ("New Jersey", "N.J.", "NJ"),
    ("New Mexico", "N.M.", "NM"), ("New York", "N.Y.", "NY"), ("North Carolina", "N.C.", "NC"),
    ("North Dakota", "N.D.", "ND"), ("Ohio", "Ohio", "OH"), ("Oklahoma", "Okla.", "OK"),
    ("Oregon", "Ore.", "OR"), ("Pennsylvania", "Pa.", "PA"), ("Rhode Island", "R.I.", "RI"),
    ("South Carolina", "S.C.", "SC"), ("South Dakota", "S.D.", "SD"), ("Tennessee", "Tenn.", "TN"),
    ("Texas", "Texas", "TX"), ("Utah", "Utah", "UT"), ("Vermont", "Vt.", "VT"),
    ("Virginia", "Va.", "VA"), ("Washington", "Wash.", "WA"), ("West Virginia", "W.Va.", "WV"),
    ("Wisconsin", "Wis.", "WI"), ("Wyoming", "Wyo.", "WY"),
    ("the District of Columbia", "D.C.", "DC"), ("Puerto Rico", "P.R.", "PR"), ("Guam", "Guam", "GU"),
    ("the U.S. Virgin Islands", "V.I.", "VI"), ("American Samoa", "A.S.", "AS"),
    ("the Northern Mariana Islands", "N.M.I.", "MP"),
)
# Older abbreviations still common in print.
_STATE_VARIANTS = {"Tex": "Texas", "Penn": "Pennsylvania", "Wisc": "Wisconsin", "Oreg": "Oregon", "Nebr": "Nebraska"}


def _compact(form: str) -> str:
    return form.replace(".", "").replace(" ", "")


_STATE_FORMS: dict[str, str] = _STATE_VARIANTS | {
    _compact(form): name
    for name, ap, postal in _STATES
    for form in (ap, postal, name.removeprefix("the "))
}
"""Every way a state is written (dots and spaces removed) -> its spoken name."""


def _state_pattern(form: str) -> str:
    # "NM" also matches "N.M." and "N. M."; "WVa" matches "W.Va." and "W. Va."; "Calif" matches "Calif.".
    if " " in form:
        return re.escape(form)
    return r"\.?\s?".join(re.findall(r"[A-Z][a-z]*", form)) + r"\.?"


_WRITTEN_STATES = {_compact(ap) for _, ap, _ in _STATES} | {postal for *_, postal in _STATES} | set(_STATE_VARIANTS)
_WRITTEN_STATES |= {name.removeprefix("the ") for name, *_ in _STATES}
_STATE = "(?:" + "|".join(_state_pattern(form) for form in sorted(_WRITTEN_STATES, key=len, reverse=True)) + ")"
_PARTIES = {"D": "Democrat", "R": "Republican", "I": "Independent"}
_PARTY_TAG = re.compile(rf"(\()?\b([DRI])-({_STATE})(?(1)\)|(?=[,;)\s]|$))")
_CITY_STATE = re.compile(
    r"\b([A-Z][a-z]+), ("
    + "|".join(re.escape(ap) for _, ap, _ in _STATES if ap.endswith(".") and ap != "D.C.")
    + r")(?=[\s,;:)]|$)"
)


def _state_name(written: str) -> str:
    return _STATE_FORMS[_compact(written)]


def _party_tag(match: re.Match[str]) -> str:
    tag = f"{_PARTIES[match.group(2)]} of {_state_name(match.group(3))}"
    return f", {tag}," if match.group(1) else tag


def expand_party_tags(text: str) -> str:
    """ "Heinrich (D-N.M.)" -> "Heinrich, Democrat of New Mexico,"; a dateline's "Flint, Mich." -> "Flint, Michigan"."""
    text = _PARTY_TAG.sub(_party_tag, text)
    return _CITY_STATE.sub(lambda m: f"{m.group(1)}, {_state_name(m.group(2))}", text)


_BILL = re.compile(
    r"(?<![\w.])((?:[HS]\.\s?(?:J\.\s?|Con\.\s?)?Res\.)|H\.\s?R\.|HR|S\.|H\.\s?Amdt\.|S\.\s?Amdt\.)\s?(\d{1,5})\b"
)


def _bill(match: re.Match[str]) -> str:
    # Bill numbers are said in pairs, like years: "H.R. 4471" is "H R forty-four seventy-one".
    prefix = " ".join(re.findall(r"[A-Z][a-z]*", match.group(1)))
    number = int(match.group(2))
    return f"{prefix} {_year(number) if number < 10000 else _words(number)}"


def expand_bill_numbers(text: str) -> str:
    """Congressional bill numbers: "H.R. 4471" -> "H R forty-four seventy-one", "S.J.Res. 5" -> "S J Res five"."""
    return _BILL.sub(_bill, text)


# -- abbreviations (English) -----------------------------------------------------------------------

_TITLES = {
    "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Prof": "Professor", "Sen": "Senator", "Sens": "Senators",
    "Rep": "Representative", "Reps": "Representatives", "Gov": "Governor", "Gen": "General",
    "Lt": "Lieutenant", "Col": "Colonel", "Capt": "Captain", "Sgt": "Sergeant", "Maj": "Major",
    "Adm": "Admiral", "Rev": "Reverend", "Msgr": "Monsignor", "Hon": "Honorable", "Pres": "President",
    "Supt": "Superintendent", "Jr": "Junior", "Sr": "Senior", "Mt": "Mount", "Ft": "Fort", "Ave": "Avenue",
    "Blvd": "Boulevard", "Dept": "Department", "Inc": "Incorporated", "Corp": "Corporation", "Co": "Company",
    "Ltd": "Limited", "Bros": "Brothers", "Assn": "Association", "Univ": "University",
}
_TITLE = re.compile(r"\b(" + "|".join(sorted(_TITLES, key=len, reverse=True)) + r")\.")
_VERSUS = re.compile(r"\bvs\.?(?=\s)", re.IGNORECASE)
_PHRASES = [
    (re.compile(r"\be\.\s?g\.", re.IGNORECASE), "for example"),
    (re.compile(r"\bi\.\s?e\.", re.IGNORECASE), "that is"),
    (re.compile(r"\betc\.", re.IGNORECASE), "et cetera"),
    (re.compile(r"\bet al\."), "and others"),
    (re.compile(r"(?<=\w )v\.(?= [A-Z])"), "versus"),
    (re.compile(r"\bapprox\.", re.IGNORECASE), "approximately"),
    (re.compile(r"\bcf\.", re.IGNORECASE), "compare"),
    (re.compile(r"\bPh\.\s?D\."), "P H D"),
    (re.compile(r"\bNo\.(?=\s?\d)", re.IGNORECASE), "number"),
    (re.compile(r"\bNos\.(?=\s?\d)", re.IGNORECASE), "numbers"),
    (re.compile(r"\bpp\.(?=\s?\d)"), "pages"),
    (re.compile(r"\bp\.(?=\s?\d)"), "page"),
    (re.compile(r"\bvol\.(?=\s?\d)", re.IGNORECASE), "volume"),
    (re.compile(r"\bfig\.(?=\s?\d)", re.IGNORECASE), "figure"),
    (re.compile(r"\bca\.(?=\s?\d)"), "circa"),
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


def _apart(match: re.Match[str], spoken: str) -> str:
    """``spoken`` for the abbreviation ``match``, kept apart from a word written right after its full stop ("Dr.A")."""
    following = match.string[match.end() : match.end() + 1]
    return spoken + " " if match.group().endswith(".") and following.isalnum() else spoken


def expand_abbreviations(text: str) -> str:
    """Titles, Latin abbreviations, "No. 5", month abbreviations in dates and dotted initialisms ("U.S." -> "U S")."""
    text = _VERSUS.sub("versus", text)
    if "." not in text:
        return text  # every other abbreviation has a full stop
    text = _SAINT_STREET.sub(lambda m: _apart(m, _saint_or_street(m)), text)
    text = _DOCTOR_DRIVE.sub(lambda m: _apart(m, _doctor_or_drive(m)), text)
    text = _TITLE.sub(lambda m: _apart(m, _TITLES[m.group(1)]), text)
    for pattern, spoken in _PHRASES:
        text = pattern.sub(lambda m: _apart(m, spoken), text)  # noqa: B023 (used at once, in this iteration)
    text = _MONTH_ABBREVIATION.sub(lambda m: _MONTH_ABBREVIATIONS[m.group(1)], text)
    text = _INITIALISM.sub(lambda m: " ".join(m.group().replace(".", "").upper()), text)
    return _INITIAL.sub(r"\1", text)


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


# -- money -----------------------------------------------------------------------------------------

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


def _sub_apart(pattern: re.Pattern[str], spoken: Callable[[re.Match[str]], str], text: str) -> str:
    """``pattern.sub`` whose words stay apart from a letter or digit written against the match ("a$5" -> "a five")."""

    def replace(match: re.Match[str]) -> str:
        before = match.string[match.start() - 1 : match.start()] if match.start() else ""
        after = match.string[match.end() : match.end() + 1]
        return (" " if before.isalnum() else "") + spoken(match) + (" " if after.isalnum() else "")

    return pattern.sub(replace, text)


def read_money(text: str) -> str:
    """Amounts: "$2.3M" -> "two point three million dollars", "$5 to 10 million" -> "five to ten million dollars"."""
    text = _sub_apart(_MONEY_RANGE, _money_range, text)
    text = _sub_apart(_MONEY, lambda m: _amount(m.group(1), m.group(2), m.group(3), m.group(4) or m.group(5)), text)
    text = _sub_apart(_MONEY_AFTER, lambda m: _amount(m.group(3), m.group(1), m.group(2), None), text)
    return _PER.sub(r"\1 per ", text)


# -- times -----------------------------------------------------------------------------------------

_NOON = re.compile(r"\b12(?::00)?\s?(noon|midnight)\b", re.IGNORECASE)
_CLOCK_SUFFIX = re.compile(r"\b(\d{1,2})\s?([ap])\.?m\b\.?", re.IGNORECASE)
_SUFFIX_RANGE = re.compile(r"(?<=[AP] M)\s?[-\u2013]\s?(?=\d)")
_TIME = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)\b(?!:\d)(\s?[AP] M\b)?")


def _time(match: re.Match[str]) -> str:
    hour, minutes, suffix = int(match.group(1)), match.group(2), match.group(3) or ""
    spoken_hour = _words(hour)
    if minutes == "00":
        if suffix:
            return f"{spoken_hour}{suffix}"
        # "14:00" is "fourteen hundred"; "10:00" is "ten o'clock".
        return f"{spoken_hour} hundred" if hour > 12 else f"{spoken_hour} o'clock"
    spoken_minutes = f"oh {_words(int(minutes))}" if minutes.startswith("0") else _words(int(minutes))
    return f"{spoken_hour} {spoken_minutes}{suffix}"


def read_times(text: str) -> str:
    """Clock times: "3:30 p.m." -> "three thirty P M", "9am" -> "nine A M", "14:00" -> "fourteen hundred"."""
    text = _NOON.sub(lambda m: m.group(1).lower(), text)
    text = _CLOCK_SUFFIX.sub(lambda m: f"{m.group(1)} {m.group(2).upper()} M", text)
    text = _SUFFIX_RANGE.sub(" to ", text)
    return _sub_apart(_TIME, _time, text)


# -- dates -----------------------------------------------------------------------------------------

_MONTHS = "|".join(MONTH_NAMES)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_NUMERIC_DATE = re.compile(rf"(?<![\w/.,-])(\d{{1,2}})/(\d{{1,2}})/({_YEAR})(?![\w/]|[.,]\d)")
_ISO_DATE = re.compile(rf"(?<![\w/.-])({_YEAR})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?![\w/-])")
_DAY_MONTH = re.compile(rf"(?<![\w.,$])({_DAY}) ({_MONTHS})\b")
_MONTH_DAY_RANGE = re.compile(rf"\b({_MONTHS}) ({_DAY}) to ({_DAY})\b(?![.,:]\d|\s?%)")
_MONTH_DAY = re.compile(rf"\b({_MONTHS}) ({_DAY})\b(?![.,:]\d|\s?%)")


def _date(year: str, month: int, day: int) -> str:
    return f"{MONTH_NAMES[month - 1]} {_ordinal(day)}, {year}"


def _numeric_date(match: re.Match[str]) -> str:
    first, second, year = int(match.group(1)), int(match.group(2)), match.group(3)
    if 1 <= first <= 12 and 1 <= second <= 31:
        return _date(year, first, second)  # en-US: month first
    if 13 <= first <= 31 and 1 <= second <= 12:
        return _date(year, second, first)  # only a day can be 13 or more
    return match.group()


def read_dates(text: str) -> str:
    """Dates: "Feb. 6, 2024" (after abbreviations) -> "February sixth, 2024", "6 February" -> "the sixth of February".

    "2/6/2024" is read as en-US month/day; it needs its four-digit year, since "2/6" alone is a fraction.
    Years are left as digits for the year rule.
    """
    text = _NUMERIC_DATE.sub(_numeric_date, text)
    text = _ISO_DATE.sub(lambda m: _date(m.group(1), int(m.group(2)), int(m.group(3))), text)
    text = _DAY_MONTH.sub(lambda m: f"the {_ordinal(int(m.group(1)))} of {m.group(2)}", text)
    text = _MONTH_DAY_RANGE.sub(
        lambda m: f"{m.group(1)} {_ordinal(int(m.group(2)))} to {_ordinal(int(m.group(3)))}", text
    )
    return _MONTH_DAY.sub(lambda m: f"{m.group(1)} {_ordinal(int(m.group(2)))}", text)


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


# -- units -----------------------------------------------------------------------------------------

# Unit symbol -> (singular, plural). Symbols that are also common words or scales ("in", "m", "t", "L")
# are left alone: "5 in 10" and "a $5m grant" must not become inches or meters.
_UNITS = {
    "km": ("kilometer", "kilometers"), "cm": ("centimeter", "centimeters"), "mm": ("millimeter", "millimeters"),
    "mi": ("mile", "miles"), "ft": ("foot", "feet"), "yd": ("yard", "yards"),
    "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"), "mg": ("milligram", "milligrams"),
    "\u00b5g": ("microgram", "micrograms"), "\u03bcg": ("microgram", "micrograms"),
    "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
    "ml": ("milliliter", "milliliters"), "mL": ("milliliter", "milliliters"),
    "ha": ("hectare", "hectares"), "sq ft": ("square foot", "square feet"), "sq mi": ("square mile", "square miles"),
    "sq km": ("square kilometer", "square kilometers"), "km2": ("square kilometer", "square kilometers"),
    "km\u00b2": ("square kilometer", "square kilometers"), "m\u00b2": ("square meter", "square meters"),
    "mph": ("mile per hour", "miles per hour"), "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"), "m/s": ("meter per second", "meters per second"),
    "mpg": ("mile per gallon", "miles per gallon"),
    "kW": ("kilowatt", "kilowatts"), "MW": ("megawatt", "megawatts"), "GW": ("gigawatt", "gigawatts"),
    "TW": ("terawatt", "terawatts"), "kWh": ("kilowatt hour", "kilowatt hours"),
    "MWh": ("megawatt hour", "megawatt hours"), "GWh": ("gigawatt hour", "gigawatt hours"),
    "TWh": ("terawatt hour", "terawatt hours"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"), "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "KB": ("kilobyte", "kilobytes"), "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"), "Mbps": ("megabit per second", "megabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"),
    "ppm": ("part per million", "parts per million"), "ppb": ("part per billion", "parts per billion"),
    "hr": ("hour", "hours"), "hrs": ("hour", "hours"), "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"), "sec": ("second", "seconds"), "yrs": ("year", "years"),
    "acre-ft": ("acre-foot", "acre-feet"), "MAF": ("million acre-feet", "million acre-feet"),
    "bpd": ("barrel per day", "barrels per day"),
}
_UNIT = re.compile(
    r"(?<![\w.,])(\d+(?:,\d{3})*(?:\.\d+)?)(\s?|-)("
    + "|".join(re.escape(unit) for unit in sorted(_UNITS, key=len, reverse=True))
    + r")(?![\w\u00b2/])(\.(?=\s[a-z]))?"
)


def _unit(match: re.Match[str]) -> str:
    number, joint, unit = match.group(1), match.group(2), match.group(3)
    one, many = _UNITS[unit]
    if joint == "-":
        return f"{number}-{one}"  # "a 10-km race" is a ten-kilometer race
    return f"{number} {one if number == '1' else many}"


def read_units(text: str) -> str:
    """Units after a number: "10 km" -> "10 kilometers", "1 mi" -> "1 mile", "a 10-km race" -> "a 10-kilometer race"."""
    return _UNIT.sub(_unit, text)


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
    if language not in CONVERTER_CLASSES:
        # Better digits the engine may know than words in the wrong language.
        return lambda text: text
    return lambda text: _CARDINAL.sub(lambda m: cardinal(m.group(1), language), text)


# -- Roman numerals --------------------------------------------------------------------------------

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


# -- acronyms --------------------------------------------------------------------------------------

WORD_ACRONYMS: frozenset[str] = frozenset(
    (
        "NATO NASA UNICEF UNESCO OPEC FEMA HUD AIDS COVID NAFTA ASEAN SARS MERS OSHA DARPA NORAD SCOTUS POTUS "
        "FLOTUS DACA SNAP ICE CARES NASDAQ ISIS HAMAS SWAT PAC MAGA NIMBY YIMBY LIDAR RADAR LASER CERN FIFA NEPA "
        "CHIPS OPSEC"
    ).split()
)
"""Acronyms said as words ("NATO" is written "Nato"). Other ALL-CAPS tokens of 2-6 letters are spelled
("EPA" -> "E P A"), unless they are common words in capitals for emphasis ("NOT", "NEWS")."""

# Capitals used for emphasis ("We will NOT stop") are words, not acronyms. Short ones are listed here
# ("WHO", "US" and "IT" are left out: they are acronyms more often); longer ones are common English words.
_EMPHASIS = frozenset(
    "NOT NO NOW ALL YES DO DID CAN IS ARE WAS BE THE AND OR BUT TO OF ON FOR ANY BIG NEW HE SHE MY ME WE YOU "
    "OUR HIS HER ITS HAS HAD WHY HOW SO OUT TRY ACT GET END TOO YET ONE SEE".split()
)
# The wordfreq Zipf frequency from which a capitalised word of 4+ letters is a word ("LOCAL" 5.4,
# "NEWS" 5.4), not an acronym ("PFAS" 1.6, "USDA" 3.5, "FEMA" 3.0).
_COMMON_WORD_ZIPF = 4.5


@lru_cache(maxsize=1024)
def _common_word(token: str) -> bool:
    if len(token) < 4 or not _VOWEL.search(token):
        return False
    from wordfreq import zipf_frequency  # loads its word list on first use; most texts never get here

    return zipf_frequency(token.lower(), "en") >= _COMMON_WORD_ZIPF


_CAPS_TOKEN = re.compile(r"(?<!\w)([A-Z]{2,6})('s|s'|s)?(?!\w)")
# Three or more capitalised words in a row are shouting ("STOP THE WAR NOW"), not a row of acronyms.
_CAPS_RUN = re.compile(r"(?<!\w)[A-Z]{2,}(?:[\s,:;&-]+[A-Z]{2,}(?!\w)){2,}")
_LOWER = re.compile(r"[a-z]")
_CAPS_WORD = re.compile(r"(?<!\w)[A-Z]{2,}")


def _is_headline(text: str) -> bool:
    return not _LOWER.search(text) and len(_CAPS_WORD.findall(text)) >= 2


def _acronym_readings(text: str, shouting: bool) -> Iterator[tuple[re.Match[str], str]]:
    """Each ALL-CAPS token with how it is read: "letters", "word", "emphasis" or "as written"."""
    runs = [] if shouting else [span for m in _CAPS_RUN.finditer(text) for span in (m.start(), m.end())]
    for match in _CAPS_TOKEN.finditer(text):
        base = match.group(1)
        # An odd insertion point means the token lies inside a shouted run.
        shouted = shouting or bisect.bisect_right(runs, match.start()) % 2 == 1
        if base in WORD_ACRONYMS:
            yield match, "word"
        elif shouted:
            # Shouted words are left to the voice, except those it cannot say as words ("FCNL").
            yield match, "as written" if _VOWEL.search(base) else "letters"
        elif base in _EMPHASIS or _common_word(base):
            yield match, "emphasis"
        else:
            yield match, "letters"


def _spoken_acronym(base: str, reading: str) -> str:
    if reading == "letters":
        return " ".join(base)
    if reading == "word":
        return base.capitalize()
    if reading == "emphasis":
        return base.lower()
    return base


def read_acronyms(text: str, shouting: bool | None = None) -> str:
    """ALL-CAPS tokens: "EPA's" -> "E P A's", "NGOs" -> "N G Os", "NATO" -> "Nato" (see WORD_ACRONYMS).

    ``shouting`` says the whole text is a headline in capitals; by default it is when ``text`` has
    two or more capitalised words and no lowercase letter. A lone "EPA" is an acronym, not a headline,
    so the lexicon (which normalises its entries) hears an entry as a sentence would.
    """
    if shouting is None:
        shouting = _is_headline(text)
    parts = []
    end = 0
    for match, reading in _acronym_readings(text, shouting):
        parts.append(text[end : match.start()] + _spoken_acronym(match.group(1), reading) + (match.group(2) or ""))
        end = match.end()
    parts.append(text[end:])
    return "".join(parts)


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


def _english_steps(text: str) -> str:
    """Every English step but the acronyms and the clean-up."""
    spoken = reduce_urls(drop_emoji(plain_punctuation(text)))
    spoken = read_phone_numbers(spoken)
    spoken = expand_ellipses(expand_dashes(spoken))
    spoken = expand_party_tags(spoken)
    spoken = expand_bill_numbers(spoken)
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
        return _keep_final_stop(text, tidy(_whole_numbers(language)(spoken)))
    # Headline or not is judged on the written text: number words would add lowercase letters.
    spoken = read_acronyms(_english_steps(text), shouting=_is_headline(text))
    return _keep_final_stop(text, tidy(spoken))
