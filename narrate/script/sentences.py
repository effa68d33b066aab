"""Sentences as written, and where to cut a sentence too long for the engine."""

from __future__ import annotations

import re

# -- sentences -------------------------------------------------------------------------------------

# A full stop, question or exclamation mark (and closing quotes or brackets) followed by a space.
_SENTENCE_END = re.compile(r"(?<!\S)(\S*?)([.!?\u2026]+)([\"'\u201d\u2019\u00bb)\]]*)\s+(?=(\S))")
_NEVER_ENDS = frozenset(
    "mr mrs ms dr prof sen sens rep reps gov gen lt col capt sgt rev hon pres st mt ft jr sr vs v cf e.g i.e approx"
    " adm maj msgr supt h.res s.res h.j.res s.j.res h.con.res s.con.res".split()
)
_ENDS_UNLESS_NUMBER = frozenset("no nos pp p vol fig ca jan feb mar apr jun jul aug sep sept oct nov dec".split())
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_OPENERS = "\"'([{\u201c\u2018\u00ab"


def _ends_sentence(word: str, stop: str, following: str) -> bool:
    if "\u2026" in stop or ".." in stop or following.islower():
        return False
    if "!" in stop or "?" in stop:
        return True
    word = word.lstrip(_OPENERS)
    lowered = word.lower()
    if lowered in _NEVER_ENDS or (len(word) == 1 and word.isalpha()):
        return False
    if lowered in _ENDS_UNLESS_NUMBER:
        return not following.isdigit()
    if _INITIALISM.fullmatch(word):
        # "U.S. Senate" goes on; "at 5 p.m. The meeting" ends.
        return word.islower()
    return True


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as written, in order; abbreviations, initials, decimals and ellipses do not end one."""
    sentences = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        word, stop, _, following = match.groups()
        if _ends_sentence(word, stop, following):
            sentences.append(text[start : match.end(3)].strip())
            start = match.end()
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


# -- fitting sentences into engine calls -----------------------------------------------------------

# Where a too-long sentence may be cut, best first; each cut goes after the matched text.
_CUTS = [
    re.compile(r";\s"),
    re.compile(r":\s"),
    re.compile(r",\s"),
    re.compile(r"\s?[\u2014\u2013]\s?|\s--?\s"),
    re.compile(r"\s"),
]
_TERMINAL = re.compile(r"[.!?][\"')\]}]*$")
_SPEAKABLE = re.compile(r"\w")


def _cut_point(text: str, budget: int) -> int:
    """Where to cut ``text`` so the head is at most ``budget`` characters: the best boundary, else a hard cut."""
    window = text[: budget + 1]
    for rank, boundary in enumerate(_CUTS):
        ends = [m.end() if rank < len(_CUTS) - 1 else m.start() for m in boundary.finditer(window)]
        ends = [end for end in ends if 0 < end <= budget]
        # A weaker boundary near the budget beats a strong one that leaves a tiny head.
        good = [end for end in ends if end >= budget // 3]
        if good:
            return good[-1]
        if rank == len(_CUTS) - 1 and ends:
            return ends[-1]
    return max(1, budget)
