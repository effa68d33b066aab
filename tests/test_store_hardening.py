"""What the store adds for hardening, on real SQLite and real PostgreSQL: the feed lock, racing inserts, stale
episodes for the reaper, unavailability as UnavailableError, and columns added to a database made by an older
Narrate."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from narrate.errors import UnavailableError
from narrate.store import Episode, Store, _engine


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'narrate.db'}")
    return Store(request.getfixturevalue("postgres_url"))


def episode(id: str, **values: object) -> Episode:
    return Episode(id=id, guid=f"guid-{id}", feed="main", source_key=f"https://example.org/{id}", **values)


def test_lock_makes_a_second_holder_wait(store: Store, tmp_path: Path) -> None:
    events: list[str] = []
    other = Store(store.url)

    def second() -> None:
        with other.lock("feed-main", tmp_path / "locks"):
            events.append("second in")

    with store.lock("feed-main", tmp_path / "locks"):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)
        events.append("first out")
    thread.join(timeout=10)
    assert events == ["first out", "second in"]
    with store.lock("feed-other", tmp_path / "locks"), other.lock("feed-main", tmp_path / "locks"):
        pass  # different feeds do not wait for each other


def test_racing_inserts_of_one_episode_leave_one_row(store: Store) -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def save(n: int) -> None:
        barrier.wait()
        try:
            Store(store.url).save(episode("same", title=f"version {n}"))
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = store.episodes(feed="main")
    assert [row.id for row in rows] == ["same"] and rows[0].title.startswith("version ")


def test_stale_lists_only_unfinished_episodes_unchanged_since(store: Store) -> None:
    store.save(episode("q", status="queued"))
    store.save(episode("r", status="rendering"))
    store.save(episode("p", status="published"))
    store.save(episode("f", status="failed"))
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5)
    assert sorted(e.id for e in store.stale(later)) == ["q", "r"]
    assert store.stale(later - dt.timedelta(minutes=10)) == []
    time.sleep(0.05)
    cut = dt.datetime.now(dt.timezone.utc)
    time.sleep(0.05)
    store.change("q", None, segments_done=1)  # progress is a heartbeat
    assert [e.id for e in store.stale(cut)] == ["r"]


def test_change_hands_over_the_render_only_from_the_render_in_charge(store: Store) -> None:
    store.save(episode("e", render_id="one"))
    assert store.change("e", "one", render_id="two")
    assert not store.change("e", "one", render_id="three")  # a second reaper lost the race
    assert store.get("e").render_id == "two"


def test_unreachable_database_is_unavailable_not_a_crash() -> None:
    store_url = "postgresql+psycopg://postgres@127.0.0.1:1/narrate"  # nothing listens on port 1
    with pytest.raises(UnavailableError, match=r"^database postgresql\+psycopg://postgres@127.0.0.1:1/narrate unavailable"):
        Store(store_url)


def test_password_never_appears_in_the_error(postgres_url: str) -> None:
    url = "postgresql+psycopg://narrate:s3cret-pass@127.0.0.1:1/narrate"
    with pytest.raises(UnavailableError) as caught:
        Store(url)
    assert "s3cret-pass" not in str(caught.value) and "***" in str(caught.value)


def test_older_database_gets_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Store(f"sqlite:///{path}").save(episode("kept", title="From before"))
    with sqlite3.connect(path) as connection:  # as a database made before attempts and notice existed
        connection.execute("ALTER TABLE episodes DROP COLUMN attempts")
        connection.execute("ALTER TABLE episodes DROP COLUMN notice")
    _engine.cache_clear()
    store = Store(f"sqlite:///{path}")
    kept = store.get("kept")
    assert (kept.title, kept.attempts, kept.notice) == ("From before", 0, None)
    assert store.change("kept", None, attempts=2, notice="read by piper")
    assert store.get("kept").attempts == 2
