"""Publishing for listeners: podcast RSS, transcripts, chapters and cover art.

Independent of ``narrate`` (which imports this package, never the reverse). Misuse raises FeedError (a
ValueError) with a one-line message; the caller maps it to its own errors.

The names below are loaded when first asked for: the RSS writer brings feedgen and lxml, the cover Pillow, which a
caller that only needs text helpers (feeds.text) should not pay for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from feeds.chapters import chapters_json
    from feeds.cover import default_cover
    from feeds.errors import FeedError
    from feeds.files import write_atomic
    from feeds.model import Channel, Item
    from feeds.podcast import APPLE_CATEGORIES, podcast_guid
    from feeds.rss import build_rss
    from feeds.transcript import Cue, webvtt

__all__ = [
    "APPLE_CATEGORIES",
    "Channel",
    "Cue",
    "FeedError",
    "Item",
    "build_rss",
    "chapters_json",
    "default_cover",
    "podcast_guid",
    "webvtt",
    "write_atomic",
]

_HOMES = {
    "APPLE_CATEGORIES": "podcast", "Channel": "model", "Cue": "transcript", "FeedError": "errors", "Item": "model",
    "build_rss": "rss", "chapters_json": "chapters", "default_cover": "cover", "podcast_guid": "podcast",
    "webvtt": "transcript", "write_atomic": "files",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"feeds.{_HOMES[name]}"), name)
