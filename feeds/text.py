"""Plain text made safe for XML, WebVTT and JSON files that podcast apps read."""

from __future__ import annotations

import re

# XML 1.0 forbids C0 controls other than tab, LF and CR, lone surrogates and U+FFFE/U+FFFF;
# C1 controls are allowed but discouraged, and no listener-facing text needs them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_WHITESPACE = re.compile(r"\s+")


def strip_control(text: str) -> str:
    """``text`` without the control characters an XML document cannot or should not carry."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """``text`` without control characters, its whitespace runs collapsed to single spaces."""
    return _WHITESPACE.sub(" ", strip_control(text)).strip()


def fit_bytes(text: str, limit: int) -> str:
    """``text`` cut at a word boundary, with an ellipsis, so that its UTF-8 form has at most ``limit`` bytes."""
    if len(text.encode("utf-8")) <= limit:
        return text
    ellipsis = "\u2026"
    head = text.encode("utf-8")[: limit - len(ellipsis.encode("utf-8"))].decode("utf-8", errors="ignore")
    # Prefer a word boundary unless that throws away more than a short tail.
    cut = head.rstrip().rfind(" ")
    if cut > len(head) * 0.9:
        head = head[:cut]
    return head.rstrip() + ellipsis
