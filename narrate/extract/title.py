"""Headings and titles: telling a heading line from a sentence, and making a title from a sentence."""

from __future__ import annotations

import re

TITLE_MAX_WORDS = 12

_FINAL_PUNCTUATION = tuple(".,;:!?…")
_CLOSING = "\"'”’»)]"
# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st", "mt", "jr", "sr",
    "inc", "co", "corp", "ltd", "no", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "a.m", "p.m", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "dept", "est",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9])")
# A title may not end on one of these: "... summit without a" reads as cut off.
_WEAK_ENDINGS = {
    "a", "an", "the", "and", "or", "but", "nor", "so", "yet", "of", "to", "in", "on", "at", "by", "for",
    "from", "with", "without", "into", "onto", "over", "under", "about", "after", "before", "between",
    "as", "than", "that", "which", "who", "whom", "whose", "this", "these", "those", "its", "their", "our",
    "his", "her", "my", "your", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will",
    "would", "can", "could", "should", "may", "might", "must", "not", "if", "when", "while", "where",
    "because", "since", "until", "through", "across", "against", "among", "around", "toward", "towards",
    "upon", "via", "per", "also", "both", "either", "neither", "very", "more", "most", "such",
}  # fmt: skip


def is_heading_line(text: str) -> bool:
    """A short line without final punctuation that starts like a title."""
    words = text.split()
    if not words or len(words) > TITLE_MAX_WORDS or len(text) > 100:
        return False
    if text.rstrip(_CLOSING).endswith(_FINAL_PUNCTUATION):
        return False
    first = text.lstrip("\"'“‘«([")[:1]
    return first.isupper() or first.isdigit()


def first_sentence(text: str) -> str:
    """The text up to the first sentence end that is not an abbreviation."""
    for match in _SENTENCE_END.finditer(text):
        before = text[: match.start()].split()
        if text[match.start()] == "." and before and _is_abbreviation(before[-1] + "."):
            continue
        return text[: match.end()]
    return text


def title_from_sentence(text: str) -> str:
    """A title from the start of the first sentence: at most about 12 words, no trailing stop."""
    words = first_sentence(text).split()
    if len(words) > TITLE_MAX_WORDS:
        words = words[:TITLE_MAX_WORDS]
        while len(words) > 3 and _bare(words[-1]).lower() in _WEAK_ENDINGS:
            words.pop()
    title = " ".join(words).rstrip(" ,;:–—-")
    last = title.split()[-1] if title else ""
    if title.endswith((".", "…")) and not _is_abbreviation(last):
        title = title.rstrip(".…").rstrip(" ,;:–—-")
    return title


def same_text(a: str, b: str) -> bool:
    """Equal apart from case, punctuation and spacing."""
    return _comparable(a) == _comparable(b) != ""


def _is_abbreviation(word: str) -> bool:
    """True for "Dr.", "U.S." and initials such as "J."."""
    word = word.lower().lstrip("\"'“‘(")
    if not word.endswith("."):
        return False
    stem = word[:-1]
    return stem in _ABBREVIATIONS or len(stem) == 1 and stem.isalpha()


def _bare(word: str) -> str:
    return word.strip(".,;:!?…\"'“”‘’()[]")


def _comparable(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
