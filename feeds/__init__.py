"""Publishing for listeners: podcast RSS, transcripts, chapters and cover art.

Independent of ``narrate`` (which imports this package, never the reverse). Misuse raises FeedError (a
ValueError) with a one-line message; the caller maps it to its own errors.
"""

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
