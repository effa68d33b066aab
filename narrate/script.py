"""The speech script: what the voice says, segment by segment, with pauses and chapter marks.

Contract (used by the pipeline, the audio assembly and the transcript):

- ``build_script(article, options) -> Script`` is pure: no I/O, no engine calls.
- Segments are in speaking order: intro segments first, then the body, then the outro.
- ``Segment.text`` is the normalised speech text given to the engine (never longer than
  ``options.max_chars``); ``Segment.caption`` is the same sentence as a reader sees it
  (original spelling), used for the WebVTT transcript.
- ``Segment.chapter`` is set on the first segment of a chapter (the intro, and each heading).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SegmentKind = Literal["intro", "heading", "body", "outro"]


@dataclass(frozen=True)
class Segment:
    index: int
    kind: SegmentKind
    text: str
    """Speech text sent to the engine."""
    caption: str
    """The sentence as written, for the transcript."""
    pause_ms: int
    """Silence after this segment."""
    chapter: str | None = None
    """Title of the chapter that starts at this segment."""


@dataclass(frozen=True)
class Script:
    title: str
    language: str
    segments: list[Segment] = field(default_factory=list)

    def chapters(self) -> list[tuple[int, str]]:
        """(segment index, title) for every chapter start."""
        return [(s.index, s.chapter) for s in self.segments if s.chapter]
