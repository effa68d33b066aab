"""The words of raw HTML written inside Markdown: tags go, their text stays.

Comments, processing instructions (<?php ... ?>), declarations (<!DOCTYPE html>), CDATA sections, code
(<pre>) and elements whose content is never text (<script>, <style>, ...) go whole, and so do footnote markers
(<sup>2</sup>). Every step scans forward only: no regular expression here can backtrack over a long run of "<"
(Python's html.parser takes minutes on 20,000 unclosed "<a ").
"""

from __future__ import annotations

import html
import re

# Raw HTML whose content is never text to read: dropped from its opening tag to its closing tag.
_HIDDEN_NAMES = ("script", "style", "template", "noscript", "textarea", "pre")
_HIDDEN = re.compile(rf"<({'|'.join(_HIDDEN_NAMES)})\b[^<>]*>", re.IGNORECASE)
# What opens markup that is not a tag, and what closes it, as CommonMark reads them.
_SECTION = re.compile(r"<(?:!--|\?|!\[CDATA\[|![A-Za-z])")
_SECTION_END = {"<!--": "-->", "<?": "?>", "<![CDATA[": "]]>", "<!": ">"}
_NOTE = re.compile(r"<sup>\s*\[?\d{1,3}\]?\s*</sup>", re.IGNORECASE)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_TAG = re.compile(_TAG_NAME.pattern + r"[^<>]*>")
# Tags between which a browser breaks the line: "<td>a</td><td>b</td>" reads "a b", "<em>a</em>b" reads "ab".
_BREAKING = frozenset(
    "address article aside blockquote body br caption center dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol p section summary table tbody "
    "td tfoot th thead title tr ul".split()
)


def html_text(fragment: str) -> str:
    """The text a reader sees in ``fragment``, entities decoded, whitespace as found."""
    text = _NOTE.sub("", _without_hidden(_without_sections(fragment)))
    return html.unescape(_TAG.sub(lambda tag: _tag_space(tag.group(1)), text))


def inline_html(token: str) -> str:
    """What one piece of inline raw HTML, as the Markdown parser found it, leaves in a fragment for html_text.

    The parser knows where a tag ends even when a quoted attribute holds a "<"; only the tags that open or
    close what html_text drops whole (<script>, <sup>) stay for it to pair.
    """
    tag = _TAG_NAME.match(token)
    if tag is None:
        return ""  # a comment, a processing instruction, a declaration, a CDATA section
    name = tag.group(1).lower()
    return token if name in _HIDDEN_NAMES or name == "sup" else _tag_space(name)


def _tag_space(name: str) -> str:
    return " " if name.lower() in _BREAKING else ""


def _without_sections(text: str) -> str:
    """``text`` without comments, processing instructions, declarations and CDATA sections.

    One that is never closed stays, and so does every later one of its kind: a regex would rescan the rest of
    the text for every "<!--".
    """
    parts: list[str] = []
    position = 0
    unclosed: set[str] = set()
    for opening in _SECTION.finditer(text):
        start = opening.start()
        marker = opening.group() if opening.group() in _SECTION_END else "<!"  # "<!DOCTYPE": a declaration
        if start < position or marker in unclosed:
            continue
        closer = _SECTION_END[marker]
        # "<!-->" and "<!--->" are whole (empty) comments.
        end = text.find(closer, opening.end() - (2 if marker == "<!--" else 0))
        if end < 0:
            unclosed.add(marker)
            continue
        parts.append(text[position:start])
        position = end + len(closer)
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
