"""What the API and the CLI say about an episode: its state, progress and public URLs (never local paths)."""

from __future__ import annotations

from narrate.publishing import paths
from narrate.settings import Settings
from narrate.store import Episode


def episode_summary(settings: Settings, episode: Episode) -> dict[str, object]:
    return {
        "id": episode.id,
        "guid": episode.guid,
        "feed": episode.feed,
        "title": episode.title,
        "author": episode.author,
        "status": episode.status,
        "progress": episode.progress,
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
