"""Pronunciation lexicon: respellings applied to speech text, so they work with every engine.

Entries replace whole words of the normalised speech text (so "U.S." is matched as "U S").
An entry with a capital letter matches only that spelling ("FCNL" matches "FCNL" and "FCNL's",
not "fcnl"); an all-lowercase entry matches any case and keeps a leading capital. When entries
overlap, the longest wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from narrate.errors import ConfigError

__all__ = ["DEFAULT_LEXICON", "apply_lexicon", "lexicon_replacer"]

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


def lexicon_replacer(lexicon: Mapping[str, str]) -> Callable[[str], str]:
    """A function applying ``lexicon`` to a text; build it once and reuse it for every segment."""
    exact: dict[str, str] = {}
    any_case: dict[str, str] = {}
    for word, spoken in lexicon.items():
        word = " ".join(str(word).split())
        if not word:
            raise ConfigError("lexicon entries need a word to replace; found an empty one")
        if word.islower():
            any_case[word] = str(spoken)
        else:
            exact[word] = str(spoken)
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
