"""The text inside one block: whitespace, footnote markers and leaked table pipes."""

from __future__ import annotations

import re

from narrate.extract.controls import without_invisible

# "universities.1 The" -> "universities. The": a note number glued after a word's final punctuation.
_GLUED_NOTE = re.compile(r"\b([^\W\d_]{2,})([.,;:!?][\"”’)]?)(\d{1,3})(?=\s|$)")
# Words after which a number is part of the text ("No.1", "Vol.2").
_NUMBERED = {"no", "nos", "vol", "vols", "pp", "art", "ch", "sec", "fig", "op", "tel", "ext"}
# Footnote markers, and wiki pages' "[edit]" links beside each heading.
_BRACKET_NOTE = re.compile(r"\s?\[(?:\d{1,3}|[a-z]|citation needed|note \d{1,3}|edit)\]", re.IGNORECASE)
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")


def clean_block_text(text: str) -> str:
    """Collapse whitespace, drop footnote markers, and turn a leaked table row into a plain list."""
    # Zero-width characters and soft hyphens are invisible on the page but split words for a voice.
    text = " ".join(without_invisible(text).split())
    if _TABLE_RULE.match(text):
        return ""
    if text.count("|") >= 2 and text.startswith("|"):
        text = ", ".join(cell.strip() for cell in text.strip("|").split("|") if cell.strip())
    text = _BRACKET_NOTE.sub("", text)
    return _GLUED_NOTE.sub(_drop_note, text)


def clean_table_text(text: str) -> str:
    """``clean_block_text`` for each cell of a table block, keeping its rows and cells apart."""
    rows = [[clean_block_text(cell) for cell in line.split("\t")] for line in text.split("\n")]
    return "\n".join("\t".join(row) for row in rows if any(row))


def _drop_note(match: re.Match[str]) -> str:
    word, punctuation, number = match.groups()
    if word.lower() in _NUMBERED:
        return match.group(0)
    return word + punctuation
