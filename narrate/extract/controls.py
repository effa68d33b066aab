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
# Invisible characters: Unicode's format characters (zero-width space and joiners, word joiner, soft hyphen,
# byte order mark, invisible operators, tags) and the Hangul fillers that draw nothing. They split words for a
# voice and make two titles that look alike differ. The left-to-right and right-to-left marks stay: they only
# place punctuation in text that mixes scripts.
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200d\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"  # every format character (Cf) but the marks
    "\u115f\u1160\u3164\uffa0]"  # the Hangul fillers
)
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


def without_invisible(text: str) -> str:
    """``text`` without controls (see without_controls) and without the characters that show nothing."""
    return _INVISIBLE.sub("", without_controls(text))


def is_binary(text: str) -> bool:
    """True when decoded ``text`` holds more control characters than any article would."""
    count = len(_NOT_TEXT.findall(text))
    return count > _BINARY_MIN_COUNT and count > _BINARY_SHARE * len(text)


def article_text(text: str, source: str) -> str:
    """``text`` cleaned of unwanted characters; SourceError naming ``source`` when it is binary data."""
    if is_binary(text):
        raise SourceError(f"cannot read {source}: it is binary data, not the text of an article")
    return without_controls(text)
