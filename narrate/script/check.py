"""Pre-flight check: words the voice is likely to get wrong, found before anything is rendered.

Three kinds of finding, each with where it occurs (segment index and character offset in its caption):
acronyms the lexicon does not cover, rare proper names (by word frequency; a double name such as "Okonkwo-Reyes"
is one finding), and tokens that mix scripts (a Cyrillic "а" inside a Latin word reads as nonsense). The intro
and outro are checked too: the byline's names are spoken there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from narrate.script import Script
from narrate.script.normalize import WORD_ACRONYMS

FindingKind = Literal["acronym", "name", "mixed-script"]

# Letter acronyms every listener knows and every voice spells correctly; flagging them is only noise
# (nor are the acronyms normalisation already reads as words, such as NATO).
FAMILIAR_ACRONYMS = frozenset(
    "US USA UK UN EU TV CEO FBI CIA GDP DC AM PM ID OK PhD BBC CNN NBA NFL IRS DNA HIV".split()
)
RARE_BELOW = 3.0
"""Zipf frequency (wordfreq) under which a capitalised word counts as a rare name: "Okonkwo" 1.9, "Hanoi" 3.4."""

_WORD = re.compile(r"[^\W\d_](?:[\w'’.]*\w)?(?:-[A-Z][\w'’]*[^\W\d_])*")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z][A-Z0-9&]{1,6}$")


@dataclass
class Finding:
    kind: FindingKind
    word: str
    places: list[tuple[int, int]] = field(default_factory=list)
    """(segment index, character offset in the segment's caption) of every occurrence."""

    def describe(self) -> str:
        where = ", ".join(f"{segment}:{offset}" for segment, offset in self.places)
        advice = {
            "acronym": "acronym not in the lexicon; add how to say it (letters or a word)",
            "name": "rare name; check how the voice says it, add a respelling if needed",
            "mixed-script": "mixes alphabets; probably a look-alike character",
        }[self.kind]
        return f"{self.word}\t{self.kind}\tsegment:offset {where}\t{advice}"


def preflight(script: Script, lexicon: Mapping[str, str], language: str = "en") -> list[Finding]:
    """Findings in order of first appearance; a word appears once, with all its places."""
    from wordfreq import zipf_frequency

    covered = {word.lower() for word in lexicon}
    found: dict[tuple[str, str], Finding] = {}
    for segment in script.segments:
        for match in _WORD.finditer(segment.caption):
            bare = _POSSESSIVE.sub("", match.group().strip(".'’"))
            if _ACRONYM.match(bare[:-1]) and bare.endswith("s"):
                bare = bare[:-1]  # "NGOs" is the acronym "NGO"
            kind = _kind(bare, covered, language, zipf_frequency)
            if kind is None:
                continue
            finding = found.setdefault((kind, bare), Finding(kind, bare))
            finding.places.append((segment.index, match.start()))
    return list(found.values())


def _kind(token: str, covered: set[str], language: str, zipf_frequency) -> FindingKind | None:  # type: ignore[no-untyped-def]
    if len(_scripts(token)) > 1:
        return "mixed-script"
    if token.lower() in covered or token.replace(".", "").lower() in covered:
        return None
    if _ACRONYM.match(token):
        plain = token.replace(".", "")
        return None if plain in FAMILIAR_ACRONYMS or plain in WORD_ACRONYMS else "acronym"
    if "-" in token:
        # A double name is said as one: it is rare when one of its names is.
        parts = token.split("-")
        rare = [_kind(part, covered, language, zipf_frequency) == "name" for part in parts]
        return "name" if any(rare) and all(p[:1].isupper() and p[1:].islower() for p in parts) else None
    if token[:1].isupper() and token[1:].islower() and len(token) > 2:
        # A capital may only start a sentence: a common word in any of its forms is not a name.
        lower = token.lower()
        forms = {token, lower, lower.removesuffix("s"), lower.removesuffix("es"), lower.removesuffix("ies") + "y"}
        return "name" if max(zipf_frequency(f, language) for f in forms) < RARE_BELOW else None
    return None


def _scripts(token: str) -> set[str]:
    """Unicode scripts of the letters ("LATIN", "CYRILLIC", ...), from their character names."""
    names = (unicodedata.name(c, "") for c in token if c.isalpha())
    return {name.split(" ", 1)[0] for name in names if name}
