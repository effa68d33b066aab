"""ALL-CAPS tokens: acronyms spelled ("EPA") or said as words ("NATO"), capitals for emphasis, a headline in capitals."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import lru_cache

from narrate.script.normalize.addresses import _VOWEL
from narrate.script.normalize.letters import spelled

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
        return spelled(base)
    if reading == "word":
        return base.capitalize()
    if reading == "emphasis":
        return base.lower()
    return base


def read_acronyms(text: str, shouting: bool | None = None) -> str:
    """ALL-CAPS tokens: "EPA's" -> "E.P.A's", "NGOs" -> "N G Os", "NATO" -> "Nato" (see WORD_ACRONYMS and spelled);
    "EPA-approved" -> "E.P.A approved".

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
        if reading == "letters" and _HYPHEN_WORD.match(text, end):
            parts.append(" ")  # "EPA-approved": the voice runs spelled letters and a hyphenated word together
            end += 1
    parts.append(text[end:])
    return "".join(parts)


_HYPHEN_WORD = re.compile(r"-(?=[^\W\d_])")
