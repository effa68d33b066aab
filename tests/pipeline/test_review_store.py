"""A held episode in the store (SQLite and PostgreSQL): the reaper and a stray render message leave it alone;
approving or correcting keeps its identity; only a held episode can be approved."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

import worker
from narrate import pipeline, recovery
from narrate.article import Article, Block
from narrate.errors import NotFoundError
from narrate.settings import Settings
from narrate.store import Status, Store
from tests.support import fragments

REASON = "narrate's reading of the page has 28 of the 181 words a second reading finds, and ..."


@pytest.fixture(params=["sqlite", "postgresql"])
def store_settings(request: pytest.FixtureRequest, home: object, monkeypatch: pytest.MonkeyPatch) -> Settings:
    if request.param == "postgresql":  # in the environment: the render tasks read their settings from there
        monkeypatch.setenv("NARRATE_DATABASE_URL", request.getfixturevalue("postgres_url"))
    return Settings.load()


def fragment() -> Article:
    return Article(title=fragments.TITLE, blocks=[Block("paragraph", fragments.LEAD)], language="en",
                   canonical_url="https://courier.example.org/news/night-buses")  # fmt: skip


def test_a_held_episode_waits_for_staff_whatever_else_happens(store_settings: Settings) -> None:
    settings = dataclasses.replace(store_settings, stale_after=60)
    store = Store(settings.db_url)
    held = pipeline.submit(
        settings, store, fragment(), feed="main", source="https://courier.example.org/n", hold=REASON
    )
    assert (held.status, held.reason, held.segments_total) == (Status.NEEDS_REVIEW.value, REASON, 0)
    assert [e.id for e in store.episodes(status=Status.NEEDS_REVIEW)] == [held.id]

    # Days later the reaper still leaves it be, and a render message sent by mistake does nothing.
    sent: list[tuple[str, str]] = []
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    assert recovery.reap(settings, store, lambda *a: sent.append(a), lambda *a: sent.append(a), now=later) == 0
    assert sent == [] and not recovery.is_pending(store, held.id, held.render_id)
    worker.render.delay(held.id, held.render_id)
    still = store.get(held.id)
    assert (still.status, still.script_json, still.audio_path) == (Status.NEEDS_REVIEW.value, "", None)
    assert not settings.cache_dir.exists() or not any(settings.cache_dir.rglob("*.mp3"))

    # Corrected: the same row, a new render, the staff's words.
    corrected = pipeline.correct(settings, store, held.id, f"{fragments.LEAD}\n\n{fragments.REST[0]}")
    assert (corrected.id, corrected.guid, corrected.status) == (held.id, held.guid, Status.QUEUED.value)
    assert corrected.render_id != held.render_id and corrected.reason is None
    with pytest.raises(NotFoundError, match="is not held for review \\(it is queued\\)"):
        pipeline.approve(settings, store, held.id)
    worker.render.delay(corrected.id, corrected.render_id)
    published = store.get(held.id)
    assert published.status == Status.PUBLISHED.value
    assert "first week of March" in (settings.public_dir / str(published.transcript_path)).read_text()
    assert [e.id for e in store.episodes()] == [held.id]  # one episode, never a second
