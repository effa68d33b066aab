"""The words of raw HTML written inside Markdown: tags go, their text stays.

Comments, code (<pre>) and elements whose content is never text (<script>, <style>, ...) go whole, and so do
footnote markers (<sup>2</sup>). Every step scans forward only: no regular expression here can backtrack
over a long run of "<" (Python's html.parser takes minutes on 20,000 unclosed "<a ").
"""

from __future__ import annotations

import html
import re

# Raw HTML whose content is never text to read: dropped from its opening tag to its closing tag.
_HIDDEN = re.compile(r"<(script|style|template|noscript|textarea|pre)\b[^<>]*>", re.IGNORECASE)
_NOTE = re.compile(r"<sup>\s*\[?\d{1,3}\]?\s*</sup>", re.IGNORECASE)
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)[^<>]*>")
# Tags between which a browser breaks the line: "<td>a</td><td>b</td>" reads "a b", "<em>a</em>b" reads "ab".
_BREAKING = frozenset(
    "address article aside blockquote body br caption center dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol p section summary table tbody "
    "td tfoot th thead title tr ul".split()
)


def html_text(fragment: str) -> str:
    """The text a reader sees in ``fragment``, entities decoded, whitespace as found."""
    text = _NOTE.sub("", _without_hidden(_without_comments(fragment)))
    return html.unescape(_TAG.sub(lambda tag: " " if tag.group(1).lower() in _BREAKING else "", text))


def _without_comments(text: str) -> str:
    """``text`` without HTML comments; an unclosed one stays (a regex would rescan the rest for every "<!--")."""
    parts: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        parts.append(text[position:start])
        position = end + 3
    parts.append(text[position:])
    return "".join(parts)


def _without_hidden(text: str) -> str:
    """``text`` without <script>, <style> (and the like) elements: their content is code, not words.

    An element that is never closed loses only its tag; each tag name is looked up once past the last closing.
    """
    lowered = text.lower()
    unclosed: set[str] = set()
    parts: list[str] = []
    position = 0
    for opening in _HIDDEN.finditer(text):
        name = opening.group(1).lower()
        if opening.start() < position or name in unclosed:
            continue
        close = lowered.find(f"</{name}", opening.end())
        if close < 0:
            unclosed.add(name)
            continue
        end = lowered.find(">", close)
        parts.append(text[position : opening.start()])
        position = len(text) if end < 0 else end + 1
    parts.append(text[position:])
    return "".join(parts)
