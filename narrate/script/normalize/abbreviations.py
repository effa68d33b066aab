"""Abbreviations (English): titles, Latin abbreviations, "No. 5", St. and Dr., month abbreviations, dotted initialisms."""

from __future__ import annotations

import re

from narrate.script.normalize.dates import MONTH_NAMES
from narrate.script.normalize.letters import spelled

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
_NOT_IN_INITIALISM = (r"(?<![A-Za-z]\.)", r"(?![A-Za-z]\.)")
"""Around "e.g." and "i.e.": not letters of a longer dotted initialism ("A.A.E.G." is spelled, not "A.A. for example")."""
_PHRASES = [
    (re.compile(r"{}\be\.\s?g\.{}".format(*_NOT_IN_INITIALISM), re.IGNORECASE), "for example"),
    (re.compile(r"{}\bi\.\s?e\.{}".format(*_NOT_IN_INITIALISM), re.IGNORECASE), "that is"),
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
_MONTH_ABBREVIATIONS = {name[:3]: name for name in MONTH_NAMES} | {"Sept": "September"}
_MONTH_ABBREVIATION = re.compile(r"\b(" + "|".join(_MONTH_ABBREVIATIONS) + r")\.(?=\s*\d)")
_SAINT_STREET = re.compile(r"\bSt\.(\s+[A-Z])?")
_DOCTOR_DRIVE = re.compile(r"(\b[A-Z0-9][\w']*\s+)?\bDr\.(\s+[A-Z])?")
_INITIALISM = re.compile(r"\b(?:[A-Za-z]\.){2,}(-(?=[^\W\d_]))?")
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


def _initialism(match: re.Match[str]) -> str:
    # "U.S.-North Korea": after spelled letters a hyphen would run them into the word, so it becomes a space.
    letters = match.group().removesuffix("-").replace(".", "").upper()
    return spelled(letters) + (" " if match.group(1) else "")


def expand_abbreviations(text: str) -> str:
    """Titles, Latin abbreviations, "No. 5", month abbreviations in dates and dotted initialisms ("U.S." -> "U S",
    "U.N.-backed" -> "U N backed", "N.A.A.C.P." -> "N.A.A.C.P", see spelled)."""
    text = _VERSUS.sub("versus", text)
    if "." not in text:
        return text  # every other abbreviation has a full stop
    text = _SAINT_STREET.sub(lambda m: _apart(m, _saint_or_street(m)), text)
    text = _DOCTOR_DRIVE.sub(lambda m: _apart(m, _doctor_or_drive(m)), text)
    text = _TITLE.sub(lambda m: _apart(m, _TITLES[m.group(1)]), text)
    for pattern, spoken in _PHRASES:
        text = pattern.sub(lambda m: _apart(m, spoken), text)  # noqa: B023 (used at once, in this iteration)
    text = _MONTH_ABBREVIATION.sub(lambda m: _MONTH_ABBREVIATIONS[m.group(1)], text)
    text = _INITIALISM.sub(_initialism, text)
    return _INITIAL.sub(r"\1", text)
