"""An episode's chapters as a Podcasting 2.0 JSON chapters file (application/json+chapters)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from feeds.errors import FeedError
from feeds.text import one_line

CHAPTERS_VERSION = "1.2.0"


def chapters_json(chapters: Sequence[tuple[float, str]]) -> str:
    """The JSON chapters file for ``(start seconds, title)`` pairs in playing order.

    Start times are numbers rounded to the millisecond (whole seconds as integers).
    ValueError for a negative or decreasing start time or an empty title.
    """
    entries: list[dict[str, object]] = []
    previous = 0.0
    for start, title in chapters:
        if start < 0:
            raise FeedError(f"chapter {title!r} starts at a negative time: {start}s")
        if start < previous:
            raise FeedError(f"chapter {title!r} starts at {start}s, before the previous chapter at {previous}s")
        previous = start
        clean_title = one_line(title)
        if not clean_title:
            raise FeedError(f"chapter at {start}s has no title")
        entries.append({"startTime": _number(start), "title": clean_title})
    document = {"version": CHAPTERS_VERSION, "chapters": entries}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _number(seconds: float) -> int | float:
    rounded = round(seconds, 3)
    return int(rounded) if rounded == int(rounded) else rounded
