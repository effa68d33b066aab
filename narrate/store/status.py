"""An episode's status and progress, and the clock the store writes: plain Python, so that commands which only read
(narrate episodes, an unchanged re-add) need not import SQLAlchemy to name a status."""

from __future__ import annotations

import datetime as dt
import enum


class Status(str, enum.Enum):
    QUEUED = "queued"
    RENDERING = "rendering"
    PUBLISHED = "published"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"
    """Held before any synthesis: the reading looks incomplete (the reason says why); staff approve or correct it."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def progress(status: str, segments_done: int, segments_total: int, phase_progress: int) -> int:
    """0-100: planning 5, synthesis up to 90, assembly and publishing the rest."""
    if status == Status.PUBLISHED.value:
        return 100
    if status == Status.QUEUED.value or not segments_total:
        return 0
    synthesis = 85 * min(segments_done, segments_total) // segments_total
    return min(99, 5 + synthesis + phase_progress)
