"""Bytes to text: byte order mark first, then the declared charset, then UTF-8, then detection.

A declared charset is read as browsers read it: only the labels of the WHATWG Encoding Standard count (the
``webencodings`` package holds them). Python knows many more codec names, and some are no text encoding at all
(rot13, base64, zlib) or decode anything into something (unicode_escape, idna, undefined); a page that names one
of them, or nothing known, is decoded as if it had declared nothing.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
import webencodings

# UTF-32 before UTF-16: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")

# WHATWG reads the Latin-1 and ASCII labels as windows-1252, and so do the pages that use them (a "latin-1"
# page with curly quotes is really cp1252); these spellings of them are Python's, not WHATWG's.
_AS_CP1252 = {"latin-1", "iso8859_1", "iso_8859_1", "8859"}
# WHATWG encodings that are not a page's text: "replacement" stands for dangerous ISO-2022 labels, and
# x-user-defined maps bytes to private-use characters.
_NOT_ARTICLE_TEXT = {"replacement", "x-user-defined"}
# How much worse (charset_normalizer's "chaos", 0-1) cp1252 may fit and still be preferred.
_CHAOS_TOLERANCE = 0.05


def decode_bytes(data: bytes, declared: str | None = None, markup: bool = False) -> str:
    """Decode ``data``; ``declared`` is a transport charset (HTTP), ``markup`` also reads <meta charset>."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    labels = [declared, _declared_in_markup(data) if markup else None]
    for label in labels:
        encoding = _codec(label)
        if encoding is None:
            continue
        try:
            return data.decode(encoding)
        except UnicodeError:
            continue  # a wrong declaration is common: let detection decide
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return data.decode("cp1252", errors="replace")
    # Short Western texts fit several code pages about equally well; cp1252 is by far the likeliest
    # of them. A text that really is in another code page fits its own language better (coherence).
    tied = [
        m.encoding
        for m in matches
        if m.chaos <= best.chaos + _CHAOS_TOLERANCE and m.coherence >= best.coherence
    ]
    if "cp1252" in tied:
        return data.decode("cp1252")
    return str(best)


def _declared_in_markup(data: bytes) -> str | None:
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii")
    # Bytes that could carry an ASCII <meta> are not UTF-16/32, whatever the tag claims.
    return None if label.lower().startswith(("utf-16", "utf-32")) else label


def _codec(label: str | None) -> str | None:
    """The Python codec for a declared charset label, or None when the label names no text encoding we read."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _AS_CP1252:
        return "cp1252"
    encoding = webencodings.lookup(label)
    if encoding is None or encoding.name in _NOT_ARTICLE_TEXT:
        return None
    return str(encoding.codec_info.name)
