"""Characters no article needs, and telling text from binary data.

Control characters, lone surrogates and noncharacters cannot be written into the feed's XML or a
database text column, and explicit bidi embeddings, overrides and isolates can turn a title around
in a podcast app (an unbalanced U+202E reverses everything after it). None of them is ever spoken.
A source full of control characters is not an article at all but an image, an archive or a program.
"""

from __future__ import annotations

import re

from narrate.errors import SourceError

# C0 controls except tab, line feed, form feed and carriage return; DEL and the C1 controls;
# bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069); lone surrogates;
# the noncharacters U+FFFE and U+FFFF.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
# Characters that say "this was not text": every control except whitespace, and the replacement character
# that decoding leaves where bytes made no sense.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
# A text may carry a few stray controls (a NUL from a bad copy); binary data has them every few bytes.
_BINARY_SHARE = 0.01
_BINARY_MIN_COUNT = 8


def without_controls(text: str) -> str:
    """``text`` without control characters, bidi overrides, lone surrogates and noncharacters."""
    return _UNWANTED.sub("", text)


def is_binary(text: str) -> bool:
    """True when decoded ``text`` holds more control characters than any article would."""
    count = len(_NOT_TEXT.findall(text))
    return count > _BINARY_MIN_COUNT and count > _BINARY_SHARE * len(text)


def article_text(text: str, source: str) -> str:
    """``text`` cleaned of unwanted characters; SourceError naming ``source`` when it is binary data."""
    if is_binary(text):
        raise SourceError(f"cannot read {source}: it is binary data, not the text of an article")
    return without_controls(text)
