"""What the API and the CLI say about an episode (narrate.publishing.summary)."""

from __future__ import annotations

import datetime as dt

from narrate.publishing.summary import episode_summary, waiting_seconds
from narrate.settings import Settings
from narrate.store import Episode

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.timezone.utc)


def episode(status: str, updated: dt.datetime | None) -> Episode:
    return Episode(id="ep1", guid="g-1", feed="main", source_key="k", title="T", status=status, updated_at=updated,
                   segments_total=0, segments_done=0, phase_progress=0)  # fmt: skip


def test_a_queued_episode_says_how_long_it_has_waited() -> None:
    assert waiting_seconds(episode("queued", NOW - dt.timedelta(seconds=42)), NOW) == 42
    assert waiting_seconds(episode("queued", (NOW - dt.timedelta(minutes=3)).replace(tzinfo=None)), NOW) == 180
    for status in ("rendering", "published", "failed"):  # a worker has it, or it has ended
        assert waiting_seconds(episode(status, NOW - dt.timedelta(seconds=42)), NOW) is None


def test_the_summary_carries_the_wait_and_public_urls_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(home=tmp_path, base_url="https://audio.example.org")
    summary = episode_summary(settings, episode("queued", dt.datetime.now(dt.timezone.utc)))
    assert summary["status"] == "queued" and summary["waiting_seconds"] in (0, 1)
    assert summary["feed_url"] == "https://audio.example.org/feeds/main.xml" and summary["page_url"] is None
    assert str(tmp_path) not in repr(summary)
