"""Plain punctuation: typographic quotes and dashes as ASCII, emoji left out, and the clean-up after every step."""

from __future__ import annotations

import re

import regex

# -- typography ------------------------------------------------------------------------------------

_PLAIN = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2039": "'", "\u203a": "'", "\u2032": "'",
        "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u200a": " ",
        "\u00ad": "", "\u200b": "", "\u2060": "",
        "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "\u2013", "\u2015": "\u2014",
        "\u2026": "...", "\u2044": "/",
    }
)


# "2\u00d74" and "3\u00d7" read as "2x4" and "3x" do ("2 by 4", "3 times"); elsewhere the sign is a word of its own,
# never glued to a letter ("A\u00d7B" is not "AxB").
_MULTIPLY_DIGITS = re.compile(r"(?<=\d)(\s?)\u00d7(\s?)(?=\d)|(?<=\d)\u00d7(?![^\W\d_])")


def plain_punctuation(text: str) -> str:
    """Typographic quotes, apostrophes, spaces, hyphens and the ellipsis character as plain ASCII."""
    text = _MULTIPLY_DIGITS.sub(lambda m: (m.group(1) or "") + "x" + (m.group(2) or ""), text)
    return text.translate(_PLAIN).replace("\u00d7", " x ")


# Pictographs, dingbats, flags, keycaps, skin tones and the joiners that glue emoji sequences.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff"
    "\ufe0e\ufe0f\u200d\u20e3\U000e0020-\U000e007f\u3030\u303d\u3297\u3299\u00a9\u00ae\u2122]"
)


def drop_emoji(text: str) -> str:
    """Remove emoji and pictographic symbols: engines either skip them or read their names."""
    return _EMOJI.sub("", text)


# -- clean-up --------------------------------------------------------------------------------------

_TIDY = [
    (re.compile(r"\s+"), " "),
    (re.compile(r"\s+([,.;:!?)\]}])"), r"\1"),
    (re.compile(r"([(\[{])\s+"), r"\1"),
    (re.compile(r",(?:\s*,)+"), ","),
    (re.compile(r"(?<=[a-z]),(?=[a-z])"), ", "),
    (re.compile(r",\s*([.;:!?])"), r"\1"),
    (re.compile(r"([;:!?])\s*,"), r"\1"),
    (re.compile(r"^[\s,;:.]+|[\s,;:]+$"), ""),
]


def tidy(text: str) -> str:
    """One space between words, no space before punctuation, no stray commas left by earlier steps."""
    for pattern, replacement in _TIDY:
        text = pattern.sub(replacement, text)
    return text.strip()


_FINAL_STOP = re.compile(r"[.!?][\"')\]}]*$")


def _keep_final_stop(original: str, spoken: str) -> str:
    # "... in the U.S." loses its full stop to the initialism; the voice still needs the sentence end.
    if spoken and _FINAL_STOP.search(original.rstrip()) and not _FINAL_STOP.search(spoken):
        return spoken + "."
    return spoken


# A symbol outside ASCII glued to a word (what is left of "\u328a0" once the digit is a number word) is kept apart
# from it: the voice reads each on its own, and a symbol never turns a word into another.
_GLUED_SYMBOL = regex.compile(r"(?<=[\p{S}--\p{ASCII}])(?=[\p{L}\p{N}])|(?<=[\p{L}\p{N}])(?=[\p{S}--\p{ASCII}])", regex.V1)


def symbols_apart(text: str) -> str:
    return _GLUED_SYMBOL.sub(" ", text)
