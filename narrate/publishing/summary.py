"""What the API and the CLI say about an episode: its state, progress and public URLs (never local paths)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from narrate.publishing import paths
from narrate.settings import Settings
from narrate.store.status import Status, utcnow

if TYPE_CHECKING:
    from narrate.store import Episode
    from narrate.store.rows import EpisodeRow


def episode_summary(settings: Settings, episode: Episode | EpisodeRow) -> dict[str, object]:
    return {
        "id": episode.id,
        "guid": episode.guid,
        "feed": episode.feed,
        "title": episode.title,
        "author": episode.author,
        "status": episode.status,
        "progress": episode.progress,
        "waiting_seconds": waiting_seconds(episode),
        "reason": episode.reason,
        "notice": episode.notice,
        "engine": episode.engine,
        "audio_url": paths.optional_url(settings, episode.audio_path),
        "bytes": episode.bytes,
        "duration_seconds": episode.duration,
        "transcript_url": paths.optional_url(settings, episode.transcript_path),
        "chapters_url": paths.optional_url(settings, episode.chapters_path),
        "page_url": paths.episode_page_url(settings, episode.id) if episode.audio_path else None,
        "feed_url": paths.feed_url(settings, episode.feed),
    }


def waiting_seconds(episode: Episode | EpisodeRow, now: dt.datetime | None = None) -> int | None:
    """How long a queued episode has waited for a worker to take it; None once one has (or it has ended)."""
    if episode.status != Status.QUEUED.value or episode.updated_at is None:
        return None
    since = episode.updated_at
    if since.tzinfo is None:  # SQLite returns naive datetimes; they were stored in UTC
        since = since.replace(tzinfo=dt.timezone.utc)
    return max(0, int(((now or utcnow()) - since).total_seconds()))
