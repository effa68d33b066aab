"""The episode store on real SQLite and real PostgreSQL, including what it adds for hardening: locks, racing
inserts, stale episodes for the reaper, and unavailability as UnavailableError."""

from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from narrate.errors import NotFoundError, UnavailableError
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
    before = store.get("p").updated_at
    with ThreadPoolExecutor(max_workers=8) as pool:
        counted = list(pool.map(lambda _: store.segment_done("p", "r"), range(40)))
    done = store.get("p")
    assert done.segments_done == 40 and done.updated_at > before
    assert done.progress == 90  # 5 planned + 85 synthesised, assembly still to come
    # Each increment says the count it made (what a worker logs): never two the same, as a read afterwards could.
    assert sorted(counted) == [(n, 40) for n in range(1, 41)]  # type: ignore[type-var]
    assert store.segment_done("p", "superseded") is None and store.get("p").segments_done == 40


def test_progress_by_phase(store: Store) -> None:
    store.save(episode("q", render_id="r", status=Status.RENDERING.value, segments_total=4, segments_done=2))
    assert store.get("q").progress == 5 + 42
    store.change("q", "r", status=Status.PUBLISHED.value)
    assert store.get("q").progress == 100


# -- hardening: locks, racing inserts, stale episodes, unavailability --------------------------------------


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
    store.save(episode("w", status="rendering", render_id="now", phase_progress=4))
    time.sleep(0.05)
    cut = dt.datetime.now(dt.timezone.utc)
    time.sleep(0.05)
    store.touch("w", "now")  # a segment waiting for an engine slot says it is alive, and changes nothing else
    assert sorted(e.id for e in store.stale(cut)) == ["q", "r"] and store.get("w").phase_progress == 4


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
    assert "s3cret-pass" not in str(caught.value) and "narrate:[redacted]@127.0.0.1:1" in str(caught.value)


def test_a_missing_postgresql_driver_says_what_to_install(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path), NARRATE_DATABASE_URL="postgresql+psycopg://narrate:secret@127.0.0.1:1/db")
    code = "import sys; sys.modules['psycopg'] = None; from narrate.cli import main; sys.exit(main(['episodes']))"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parents[2])  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("narrate: error: database postgresql+psycopg://narrate:[redacted]@127.0.0.1:1/db: the driver")
    assert "the driver is not installed" in result.stderr and "pip install '.[postgres]'" in result.stderr
    assert "secret" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
