"""Pronunciation lexicon: respellings applied to speech text, so they work with every engine.

Entries replace whole words of the normalised speech text (so "U.S." is matched as "U S").
An entry with a capital letter matches only that spelling ("FCNL" matches "FCNL" and "FCNL's",
not "fcnl"); an all-lowercase entry matches any case and keeps a leading capital. When entries
overlap, the longest wins.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

from narrate.errors import ConfigError
from narrate.script.normalize import normalize

__all__ = [
    "DEFAULT_LEXICON",
    "apply_lexicon",
    "feed_lexicon",
    "lexicon_replacer",
    "read_lexicon",
    "write_lexicon",
]

DEFAULT_LEXICON: Mapping[str, str] = MappingProxyType(
    {
        "FCNL": "F C N L",
        "NATO": "Nato",
        "NASA": "Nasa",
        "UNICEF": "Unicef",
        "UNESCO": "Unesco",
        "COVID": "Covid",
    }
)


def lexicon_replacer(lexicon: Mapping[str, str], language: str = "en") -> Callable[[str], str]:
    """A function applying ``lexicon`` to normalised speech text; build it once, reuse it for every segment.

    Entries are written as the article prints the word ("FCNL", "St. Olaf"); each is matched both as written and
    as normalisation speaks it, so an entry still applies after acronyms or abbreviations were expanded.
    """
    exact: dict[str, str] = {}
    any_case: dict[str, str] = {}
    for word, spoken in lexicon.items():
        word = " ".join(str(word).split())
        if not word:
            raise ConfigError("lexicon entries need a word to replace; found an empty one")
        table = any_case if word.islower() else exact
        table[word] = str(spoken)
        heard = " ".join(normalize(word, language).split())
        if heard and heard != word:
            (any_case if heard.islower() else exact).setdefault(heard, str(spoken))
    if not exact and not any_case:
        return lambda text: text

    entries = [(word, False) for word in exact] + [(word, True) for word in any_case]
    # Python's alternation takes the first branch that matches, so longer entries go first.
    entries.sort(key=lambda entry: (-len(entry[0]), entry[1], entry[0]))
    branches = [f"(?i:{re.escape(word)})" if ignore_case else re.escape(word) for word, ignore_case in entries]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(branches) + r")(?!\w)")

    def spoken_form(match: re.Match[str]) -> str:
        found = match.group()
        if found in exact:
            return exact[found]
        spoken = any_case.get(found.lower())
        if spoken is None:  # a case pair str.lower() does not map back (rare Unicode letters)
            return found
        return spoken[:1].upper() + spoken[1:] if found[:1].isupper() else spoken

    return lambda text: pattern.sub(spoken_form, text)


def apply_lexicon(text: str, lexicon: Mapping[str, str]) -> str:
    """``text`` with every whole-word lexicon entry replaced by its spoken form."""
    return lexicon_replacer(lexicon)(text)


# -- the per-feed lexicon file ---------------------------------------------------------------------------
# NARRATE_HOME/lexicons/<feed>.csv, two columns "word,say": staff can edit it in any spreadsheet.


def lexicon_path(home: Path, feed: str) -> Path:
    return home / "lexicons" / f"{feed}.csv"


def read_lexicon(home: Path, feed: str) -> dict[str, str]:
    """The feed's own entries, as written in its file (empty when there is no file)."""
    path = lexicon_path(home, feed)
    if not path.exists():
        return {}
    try:
        with path.open(newline="", encoding="utf-8") as stream:
            rows = list(csv.reader(stream))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ConfigError(f"lexicon {path}: {error}") from None
    entries: dict[str, str] = {}
    for number, row in enumerate(rows, start=1):
        if not row or not "".join(row).strip() or (number == 1 and [c.strip().lower() for c in row] == ["word", "say"]):
            continue
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise ConfigError(f"lexicon {path}, line {number}: expected two columns, word and say")
        entries[" ".join(row[0].split())] = " ".join(row[1].split())
    return entries


def write_lexicon(home: Path, feed: str, entries: Mapping[str, str]) -> Path:
    path = lexicon_path(home, feed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["word", "say"])
        for word in sorted(entries, key=str.lower):
            writer.writerow([word, entries[word]])
    tmp.replace(path)
    return path


def feed_lexicon(home: Path, feed: str) -> dict[str, str]:
    """What a render of the feed uses: the built-in defaults overlaid by the feed's own entries."""
    return {**DEFAULT_LEXICON, **read_lexicon(home, feed)}
