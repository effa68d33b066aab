"""``narrate episodes``: what each episode is doing, why one failed or is held, and how long a queued one has waited."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from narrate.settings import Settings

if TYPE_CHECKING:
    from narrate.store import Episode
    from narrate.store.rows import EpisodeRow


def cmd_episodes(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.publishing.summary import waiting_seconds
    from narrate.store import rows
    from narrate.store.status import Status

    # Read with the standard library when the database allows it: SQLAlchemy's import alone costs more than a
    # listing may take. The Store reads (and creates, and checks) every other database.
    episodes = rows.episodes(settings.db_url, args.feed)
    if episodes is None:
        from narrate.store import Store

        episodes = Store(settings.db_url, settings.public_dir).episodes(feed=args.feed)
    if args.json:
        print(json.dumps([episode_json(e, settings) for e in episodes], indent=2))
        return 0
    if not episodes:
        print("no episodes")
        return 0
    now = dt.datetime.now(dt.timezone.utc)
    for e in episodes:
        minutes = f"{e.duration / 60:5.1f} min" if e.duration else "    -    "
        print(f"{e.id}  {e.feed:<10} {e.status:<9} {e.progress:3d}%  {minutes}  {e.title}")
        # Indented under its episode, so the columns above stay what scripts cut.
        if e.status == Status.QUEUED.value:
            print(f"    waiting {span(waiting_seconds(e, now) or 0)} for a worker")
        elif e.status == Status.FAILED.value:
            print(f"    reason: {e.reason or 'unknown'}")
        elif e.status == Status.NEEDS_REVIEW.value:
            print(f"    held for review: {e.reason or 'no reason was recorded'}")
            print(f"    approve: narrate episodes approve {e.id}  |  correct: narrate episodes correct {e.id} FILE")
    return 0


def span(seconds: float) -> str:
    """A wait as people say it: "8 s", "3 min 20 s", "2 h 5 min"."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min" + (f" {whole % 60} s" if whole % 60 else "")
    return f"{whole // 3600} h" + (f" {whole % 3600 // 60} min" if whole % 3600 // 60 else "")


def episode_json(episode: Episode | EpisodeRow, settings: Settings) -> dict[str, Any]:
    """The API's episode summary plus where the files are on this machine (and how long a queued one has waited)."""
    from narrate.publishing.paths import feed_path
    from narrate.publishing.summary import episode_summary

    public = settings.public_dir.resolve()

    def local(relative: str | None) -> str | None:
        return str(public / relative) if relative else None

    data = {
        **episode_summary(settings, episode),
        "audio_path": local(episode.audio_path),
        "transcript_path": local(episode.transcript_path),
        "chapters_path": local(episode.chapters_path),
        "feed_path": str(public / feed_path(episode.feed)),
    }
    return data
