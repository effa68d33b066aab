"""Characters no article needs, and telling text from binary data.

Control characters, lone surrogates and noncharacters cannot be written into the feed's XML or a
database text column, and explicit bidi embeddings, overrides and isolates can turn a title around
in a podcast app (an unbalanced U+202E reverses everything after it). None of them is ever spoken.
A source full of control characters is not an article at all but an image, an archive or a program.
"""

from __future__ import annotations

import re

from feeds.text import strip_control
from narrate.errors import SourceError

# Explicit bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Characters that say "this was not text": every control except whitespace, and the replacement character
# that decoding leaves where bytes made no sense.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
# A text may carry a few stray controls (a NUL from a bad copy); binary data has them every few bytes.
_BINARY_SHARE = 0.01
_BINARY_MIN_COUNT = 8


def without_controls(text: str) -> str:
    """``text`` without control characters, bidi overrides, lone surrogates and noncharacters.

    The same characters as the feed leaves out (feeds.text.strip_control), plus the bidi controls; a form feed
    (a page break in pasted text) becomes a line break first."""
    return strip_control(_BIDI_CONTROLS.sub("", text.replace("\x0c", "\n")))


def is_binary(text: str) -> bool:
    """True when decoded ``text`` holds more control characters than any article would."""
    count = len(_NOT_TEXT.findall(text))
    return count > _BINARY_MIN_COUNT and count > _BINARY_SHARE * len(text)


def article_text(text: str, source: str) -> str:
    """``text`` cleaned of unwanted characters; SourceError naming ``source`` when it is binary data."""
    if is_binary(text):
        raise SourceError(f"cannot read {source}: it is binary data, not the text of an article")
    return without_controls(text)
