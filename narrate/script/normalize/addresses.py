"""Addresses said aloud (a URL as its host, e-mail, domains, @handles, #tags) and phone numbers."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from narrate.script.normalize.letters import spelled
from narrate.script.normalize.number_words import _digit_by_digit

# -- web addresses ---------------------------------------------------------------------------------

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]}]", re.IGNORECASE)
_BARE_URL = re.compile(r"\b((?:[A-Za-z0-9-]+\.)+[a-z]{2,6})/[^\s<>\"']*[^\s<>\"'.,;:!?)\]}]")


_HOST_PART = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^@/?#\s]*@)?([^/?#:\[\]\s]*)")


def _host(match: re.Match[str]) -> str:
    url = match.group()
    try:
        host = urlsplit(url if "://" in url else "http://" + url).hostname or url
    except ValueError:
        # Brackets that are no IPv6 address ("example.org[^1]", a footnote glued on): the name before them.
        host = _HOST_PART.match(url).group(1) or url  # type: ignore[union-attr]
    host = host.removeprefix("www.")
    # Glued to what comes before ("A.A.http://x"): kept a word of its own.
    before = match.string[match.start() - 1] if match.start() > 0 else " "
    glued = before.isalnum() or before == "."
    return f" {host}" if glued else host


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
        return spelled(label.upper())
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
