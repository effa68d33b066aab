"""store/rows.py reads a SQLite library without SQLAlchemy: the same episodes, in the same order, with the same values
as the Store's listing, or None whenever the Store must answer instead."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from narrate.cli.episodes import episode_json
from narrate.settings import Settings
from narrate.store import Episode, Status, Store, rows


def episode(id: str, feed: str = "main", **values: object) -> Episode:
    return Episode(id=id, guid=f"guid-{id}", feed=feed, source_key=f"https://example.org/{id}", **values)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'narrate.db'}")
    now = dt.datetime.now(dt.timezone.utc)
    store.save(episode("published", title="Water rights", published=dt.date(2024, 2, 6), status=Status.PUBLISHED.value,
                       audio_path="audio/main/published-1.mp3", transcript_path="t.vtt", chapters_path="c.json",
                       bytes=123_456, duration=218.4, published_at=now, fingerprint="f" * 64, rev="1a2b",
                       segments_total=9, segments_done=9))  # fmt: skip
    store.save(episode("old", title="Old news", published=dt.date(2001, 9, 1), status=Status.FAILED.value,
                       reason="engine failed", exit_code=5))  # fmt: skip
    store.save(
        episode("undated", title="Undated", status=Status.QUEUED.value, updated_at=now - dt.timedelta(minutes=3))
    )
    store.save(episode("rendering", title="Half way", status=Status.RENDERING.value, segments_total=10,
                       segments_done=4, phase_progress=0, notice="read by espeak instead"))  # fmt: skip
    store.save(episode("held", feed="research", title="Held", status=Status.NEEDS_REVIEW.value, reason="too short"))
    return store


def test_a_row_has_every_column_of_the_model_but_the_stored_article_and_script() -> None:
    columns = [column.name for column in Episode.__table__.columns]
    assert list(rows.COLUMNS) == [c for c in columns if c not in ("article_json", "script_json")]


@pytest.mark.parametrize("feed", [None, "main", "research", "elsewhere"])
def test_rows_list_what_the_store_lists(store: Store, feed: str | None, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, base_url="https://audio.example.org")
    by_store = store.episodes(feed=feed)
    by_rows = rows.episodes(store.url, feed)

    assert by_rows is not None
    assert [e.id for e in by_rows] == [e.id for e in by_store]
    for row, model in zip(by_rows, by_store):
        assert dataclasses.asdict(row) == {name: getattr(model, name) for name in rows.COLUMNS}
        assert row.progress == model.progress
        assert episode_json(row, settings) == episode_json(model, settings)
    if feed is None:
        assert [e.id for e in by_rows] == ["published", "old", "held", "rendering", "undated"]
        assert {e.id: e.progress for e in by_rows}["rendering"] == 5 + 85 * 4 // 10


def test_one_row_by_id(store: Store) -> None:
    row = rows.episode(store.url, "published")
    assert row is not None and row.duration == 218.4 and row.published == dt.date(2024, 2, 6)
    assert rows.episode(store.url, "nope") is None


def test_the_store_answers_for_any_other_database(store: Store, tmp_path: Path) -> None:
    assert rows.episodes(f"sqlite:///{tmp_path / 'none.db'}") is None  # a new library: the Store creates it
    assert not (tmp_path / "none.db").exists()
    assert rows.episodes("postgresql+psycopg://127.0.0.1/test") is None
    assert rows.episodes("sqlite://") is None  # in memory
    with sqlite3.connect(tmp_path / "narrate.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0004'")  # made by an older Narrate
    connection.close()
    assert rows.episodes(store.url) is None
