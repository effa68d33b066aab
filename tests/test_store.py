"""The episode store on real SQLite and real PostgreSQL."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from narrate.errors import NotFoundError
from narrate.store import Episode, Status, Store


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'narrate.db'}")
    return Store(request.getfixturevalue("postgres_url"))


def episode(id: str, **values: object) -> Episode:
    return Episode(id=id, guid=f"guid-{id}", feed="main", source_key=f"https://example.org/{id}", **values)


def test_save_find_and_get_round_trip(store: Store) -> None:
    store.save(episode("a1", title="Water rights", published=dt.date(2024, 2, 6)))
    found = store.find("main", "https://example.org/a1")
    assert found is not None and found.id == "a1" and found.title == "Water rights"
    assert store.get("a1").published == dt.date(2024, 2, 6)
    assert store.find("other", "https://example.org/a1") is None
    with pytest.raises(NotFoundError, match="no episode 'nope'"):
        store.get("nope")


def test_episodes_are_newest_first_by_article_date(store: Store) -> None:
    store.save(episode("old", published=dt.date(2020, 1, 1)))
    store.save(episode("new", published=dt.date(2024, 1, 1)))
    store.save(episode("undated"))
    assert [e.id for e in store.episodes(feed="main")] == ["new", "old", "undated"]
    assert store.episodes(feed="elsewhere") == []


def test_change_only_applies_to_the_render_in_charge(store: Store) -> None:
    store.save(episode("e", render_id="current"))
    assert not store.change("e", "stale", status=Status.PUBLISHED.value)
    assert store.get("e").status == Status.QUEUED.value
    assert store.change("e", "current", status=Status.RENDERING.value, segments_total=10)
    assert store.get("e").status == Status.RENDERING.value


def test_parallel_segment_increments_are_not_lost(store: Store) -> None:
    store.save(episode("p", render_id="r", status=Status.RENDERING.value, segments_total=40))
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: store.segment_done("p", "r"), range(40)))
    done = store.get("p")
    assert done.segments_done == 40
    assert done.progress == 90  # 5 planned + 85 synthesised, assembly still to come


def test_progress_by_phase(store: Store) -> None:
    store.save(episode("q", render_id="r", status=Status.RENDERING.value, segments_total=4, segments_done=2))
    assert store.get("q").progress == 5 + 42
    store.change("q", "r", status=Status.PUBLISHED.value)
    assert store.get("q").progress == 100
