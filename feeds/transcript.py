"""The timed transcript of an episode as WebVTT, the captions format Apple Podcasts ingests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from feeds.errors import FeedError
from feeds.text import one_line


@dataclass(frozen=True)
class Cue:
    """One sentence of the narration and when it is heard."""

    start: float
    """Seconds from the start of the episode."""
    end: float
    """Seconds from the start of the episode; after ``start``."""
    text: str
    """The sentence as plain text."""

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise FeedError(f"cue times must satisfy 0 <= start < end, got {self.start}..{self.end}")


def webvtt(cues: Iterable[Cue]) -> str:
    """A WebVTT file with one cue per given sentence, in order; ValueError for empty or out-of-order cues."""
    blocks = ["WEBVTT"]
    previous_start = 0.0
    for cue in cues:
        if cue.start < previous_start:
            raise FeedError(f"cue at {cue.start}s starts before the previous one at {previous_start}s")
        previous_start = cue.start
        text = _escape(one_line(cue.text))
        if not text:
            raise FeedError(f"cue at {cue.start}s has no text")
        blocks.append(f"{_timestamp(cue.start)} --> {_timestamp(cue.end)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def _timestamp(seconds: float) -> str:
    milliseconds = round(seconds * 1000)
    hours, milliseconds = divmod(milliseconds, 3_600_000)
    minutes, milliseconds = divmod(milliseconds, 60_000)
    seconds_part, milliseconds = divmod(milliseconds, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds_part:02d}.{milliseconds:03d}"


def _escape(text: str) -> str:
    # Escaping ">" also rules out "-->", which WebVTT forbids inside cue text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
