"""The article's language: a page's own declaration, else a cheap stop-word count when it is clear-cut."""

from __future__ import annotations

import re

# The commonest function words of each language; rare in the others' running text.
_STOP_WORDS = {
    "en": "the and of to in is that for it with as was on are be by this have from or not which but they we".split(),
    "de": "der die und das ist nicht mit den von sich auch auf ein eine dem des im für wir sie werden wird".split(),
    "fr": "le la les et des est une du que pour dans pas qui sur au avec ce sont nous par aux cette".split(),
    "es": "el la los las y que del se por con una para es su al lo como más pero sus fue son".split(),
    "it": "il di che la è per gli una sono del della con non le si da nel dei alla anche".split(),
    "nl": "de het een en van is dat op te zijn niet met voor die aan er ook als bij wordt".split(),
    "pt": "o os da do das dos que não uma para com por se mais foi como ao pelo pela são".split(),
}
_SETS = {language: frozenset(words) for language, words in _STOP_WORDS.items()}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_MIN_WORDS = 30
_MIN_SHARE = 0.12
_MIN_LEAD = 2.0
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_].*)?$")


def language_code(tag: str | None) -> str | None:
    """The primary subtag of a language tag ("en-US" gives "en"); None if it is not one."""
    match = _TAG.match(tag.strip()) if tag else None
    return match.group(1).lower() if match else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code when one language's stop words clearly dominate, else None."""
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < _MIN_WORDS:
        return None
    scores = sorted(((sum(w in stop for w in words), lang) for lang, stop in _SETS.items()), reverse=True)
    (best, language), (second, _) = scores[0], scores[1]
    if best / len(words) < _MIN_SHARE or best < _MIN_LEAD * second:
        return None
    return language
