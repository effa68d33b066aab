"""Recognising people's names, bylines and publication dates in short lines of page text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATE_PATTERNS = (
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    # Numeric dates are read the U.S. way, month first.
    re.compile(r"\b(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>(?:19|20)\d{2})\b"),
)
_DATE_PREFIX = re.compile(
    r"^(?:(?:first\s+|last\s+)?(?:published|posted|updated|modified)|date|on)\b\s*(?:on\b)?\s*:?\s*$", re.IGNORECASE
)
# After the date: a time, and on "Posted March 12, 2025 by the Health Department" who posted it.
_TIME_SUFFIX = re.compile(
    r"^[\s,|·•]*(?:(?:at\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,5})?)?[\s,|·•]*"
    r"(?:by\s+[^.!?]{1,80})?$",
    re.IGNORECASE,
)

_BY = re.compile(r"^(?:written\s+|posted\s+|words\s+)?by\b\s*:?\s*(?P<rest>.+)$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+[|·•—–-]\s+|\s*[|·•]\s*")
_AND = re.compile(r"\s*,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+")
_NAME_WORD = re.compile(r"^(?:[A-Z]\.){1,3}$|^[^\W\d_][\w’'.-]*$")
_PARTICLES = {
    "de", "del", "della", "der", "da", "das", "dos", "du", "van", "von", "la", "le", "bin", "al", "el", "ter", "y",
}  # fmt: skip
_ROLE_WORDS = {
    "writer", "editor", "reporter", "correspondent", "staff", "contributor", "columnist", "director",
    "secretary", "fellow", "analyst", "associate", "manager", "officer", "coordinator", "lobbyist",
    "president", "chair", "senior", "advocate", "organizer", "counsel", "attorney", "specialist",
    "intern", "press", "team", "desk", "news", "service", "policy", "program", "communications",
}  # fmt: skip


@dataclass(frozen=True)
class Byline:
    author: str | None
    published: dt.date | None


def parse_date(text: str) -> dt.date | None:
    """The first calendar date written in ``text`` ("March 3, 2024", "3 March 2024", "2024-03-03")."""
    found = _find_date(text)
    return found[0] if found else None


def date_line(text: str) -> dt.date | None:
    """The date, when the whole line is a date with at most a "Published"-style prefix, a time and "by" whom."""
    found = _find_date(text)
    if found is None:
        return None
    date, start, end = found
    prefix, suffix = text[:start].strip(), text[end:]
    if prefix and not _DATE_PREFIX.match(prefix):
        return None
    return date if _TIME_SUFFIX.match(suffix) else None


def is_person_name(text: str) -> bool:
    """A line such as "Anthony Wier" or "Mary-Ann de la Cruz": 2-5 capitalised words, nothing else."""
    words = text.split()
    if not 2 <= len(words) <= 5 or len(text) > 60:
        return False
    capitalised = 0
    for word in words:
        if word in _PARTICLES:
            continue
        if not _NAME_WORD.match(word) or not word[0].isupper():
            return False
        if word.lower().strip(".") in _ROLE_WORDS:
            return False
        capitalised += 1
    return capitalised >= 2


def parse_byline(line: str) -> Byline | None:
    """Read "By Jane Doe", "By Jane Doe | March 3, 2024" or "Jane Doe | March 3, 2024"; None otherwise."""
    match = _BY.match(line.strip())
    explicit = match is not None
    rest = match.group("rest") if match else line.strip()
    author: str | None = None
    published: dt.date | None = None
    for part in _SEPARATORS.split(rest):
        part = part.strip(" ,")
        if not part:
            continue
        when = date_line(part)
        if when is not None:
            published = published or when
        elif author is None:
            author = _names(part)
            if author is None:
                return None
        # Anything after the names ("5 min read", a section name) says nothing we need.
    if author is None:
        return None
    if not explicit and published is None:
        return None  # a bare name is only a byline when a date comes with it
    return Byline(author, published)


def join_names(names: list[str]) -> str:
    """["A", "B", "C"] -> "A, B and C"."""
    names = [n for n in (" ".join(name.split()) for name in names) if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _names(part: str) -> str | None:
    """The author names in one byline part, dropping job titles; None if it is not names."""
    people = [p for p in _AND.split(part) if p]
    names = [p for p in people if is_person_name(p)]
    roles = [p for p in people if not is_person_name(p)]
    if not names or any(not _is_role(r) for r in roles):
        return None
    return join_names(names)


def _is_role(text: str) -> bool:
    return any(word.lower().strip(".,") in _ROLE_WORDS for word in text.split())


def _find_date(text: str) -> tuple[dt.date, int, int] | None:
    best: tuple[dt.date, int, int] | None = None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            date = _to_date(match.group("year"), match.group("month"), match.group("day"))
            if date is not None and (best is None or match.start() < best[1]):
                best = (date, match.start(), match.end())
                break
    return best


def _to_date(year: str, month: str, day: str) -> dt.date | None:
    number = int(month) if month.isdigit() else _MONTHS[month[:3].lower()]
    try:
        return dt.date(int(year), number, int(day))
    except ValueError:
        return None
