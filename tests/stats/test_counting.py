"""Counting downloads the IAB way, on a real database: listeners, ranges, bots, days, and no address kept."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from narrate.stats import Period, Request, daily_totals, episode_figures, record_request
from narrate.stats.clients import is_bot
from narrate.stats.downloads import needed_bytes
from narrate.store import Episode, Status, Store
from narrate.store.models import Download, ListenerSalt

SIZE = 960_000
"""A two-minute episode at 64 kbit/s: a minute is 480,000 bytes."""
APPLE = "AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)"
POCKET_CASTS = "Pocket Casts"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
DAY_ONE = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def published(store: Store, id: str, *, size: int = SIZE, duration: float = 120.0, feed: str = "main") -> Episode:
    return store.save(
        Episode(
            id=id,
            guid=f"guid-{id}",
            feed=feed,
            source_key=f"https://example.org/{id}",
            title=f"Episode {id}",
            status=Status.PUBLISHED.value,
            audio_path=f"audio/{feed}/{id}-r1.mp3",
            bytes=size,
            duration=duration,
        )
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'narrate.db'}")
    published(store, "ep1")
    published(store, "ep2")
    return store


def ask(store: Store, agent: str, first: int, last: int, *, at: dt.datetime = DAY_ONE, path: str = "audio/main/ep1-r1.mp3",
        address: str = "198.51.100.23") -> bool:  # fmt: skip
    return record_request(store, Request(path, address, agent, at, last - first + 1))


def downloads(store: Store, episode: str = "ep1") -> dict[dt.date, int]:
    [figures] = [f for f in episode_figures(store) if f.id == episode]
    return figures.per_day


def test_one_listeners_range_requests_count_once(store: Store) -> None:
    ask(store, APPLE, 0, 1)  # the player's probe: two bytes
    assert downloads(store) == {}
    ask(store, APPLE, 0, 499_999, at=DAY_ONE + dt.timedelta(seconds=2))
    ask(store, APPLE, 500_000, SIZE - 1, at=DAY_ONE + dt.timedelta(minutes=5))
    ask(store, APPLE, 0, SIZE - 1, at=DAY_ONE + dt.timedelta(hours=13))  # listened again in the evening
    assert downloads(store) == {DAY_ONE.date(): 1}
    assert downloads(store, "ep2") == {}


def test_two_user_agents_at_one_address_are_two_listeners(store: Store) -> None:
    ask(store, APPLE, 0, SIZE - 1)
    ask(store, POCKET_CASTS, 0, SIZE - 1)
    ask(store, BROWSER, 0, SIZE - 1)
    assert downloads(store) == {DAY_ONE.date(): 3}


def test_two_addresses_with_one_user_agent_are_two_listeners(store: Store) -> None:
    ask(store, APPLE, 0, SIZE - 1, address="198.51.100.23")
    ask(store, APPLE, 0, SIZE - 1, address="2001:db8::17")
    ask(store, APPLE, 0, SIZE - 1, address="::ffff:198.51.100.23")  # the first one again, as IPv6 writes it
    assert downloads(store) == {DAY_ONE.date(): 2}


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "curl/8.5.0",
        "python-requests/2.31.0",
        "Wget/1.21.4",
        "Castopod/1.0",  # a podcast host's crawler, in the podcast list
        "atc/1.0 watchOS/7.1 model/Watch5,1 hwp/t8006 build/18R590 (6; dt:201)",  # a watch syncing a phone's copy
    ],
)
def test_a_bot_counts_zero(store: Store, agent: str) -> None:
    assert is_bot(agent)
    assert ask(store, agent, 0, SIZE - 1) is False
    assert downloads(store) == {}


@pytest.mark.parametrize(
    "agent",
    [
        APPLE,
        "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",  # generic crawler lists call it a bot
        "PocketCasts/1.0 (Pocket Casts Feed Parser; +http://pocketcasts.com/)",
        "AntennaPod/3.4.0",
        "Spotify/8.6.0 iOS/14.4 (iPhone12,1)",
        BROWSER,
        "",  # no user agent at all: an unknown client, counted by its address
    ],
)
def test_podcast_apps_and_browsers_are_listeners(agent: str) -> None:
    assert not is_bot(agent)


def test_the_next_day_counts_again_and_25_hours_later_too(store: Store) -> None:
    ask(store, APPLE, 0, SIZE - 1)
    ask(store, APPLE, 0, SIZE - 1, at=DAY_ONE + dt.timedelta(hours=14))  # 23:30 the same day: the same listener
    ask(store, APPLE, 0, SIZE - 1, at=DAY_ONE + dt.timedelta(hours=25))
    assert downloads(store) == {DAY_ONE.date(): 1, DAY_ONE.date() + dt.timedelta(days=1): 1}


def test_less_than_a_minute_of_audio_is_not_a_download(store: Store) -> None:
    assert needed_bytes(SIZE, 120.0) == SIZE // 2
    assert needed_bytes(40_000, 5.0) == 40_000  # shorter than a minute: the whole file
    assert needed_bytes(None, None) == 1
    ask(store, APPLE, 0, 300_000)
    assert downloads(store) == {}
    ask(store, APPLE, 300_001, 480_000)  # together a minute
    assert downloads(store) == {DAY_ONE.date(): 1}


def test_an_earlier_revisions_file_counts_for_its_episode_and_other_files_do_not(store: Store) -> None:
    assert ask(store, APPLE, 0, SIZE - 1, path="audio/main/ep2-r0.mp3")
    assert not ask(store, APPLE, 0, SIZE - 1, path="audio/other/ep2-r0.mp3")  # not its folder
    assert not ask(store, APPLE, 0, SIZE - 1, path="episodes/ep2/index.html")  # a page, not audio
    assert not ask(store, APPLE, 0, SIZE - 1, path="audio/main/nobody-r1.mp3")
    assert downloads(store, "ep2") == {DAY_ONE.date(): 1}


def test_the_salt_is_replaced_each_day_and_no_address_is_stored(store: Store, tmp_path: Path) -> None:
    addresses = ["198.51.100.23", "203.0.113.250", "2001:db8::abcd"]
    for address in addresses:
        ask(store, APPLE, 0, SIZE - 1, address=address)
    ask(store, APPLE, 0, 10, address="192.0.2.99")  # a listener who never reached a download
    with store.session() as session:
        [first_salt] = session.scalars(select(ListenerSalt)).all()
        assert first_salt.day == DAY_ONE.date()
        assert all(row.listener for row in session.scalars(select(Download)))
    next_day = DAY_ONE + dt.timedelta(days=1)
    ask(store, APPLE, 0, SIZE - 1, at=next_day, address=addresses[0])
    with store.session() as session:
        [salt] = session.scalars(select(ListenerSalt)).all()
        assert (salt.day, salt.salt != first_salt.salt) == (next_day.date(), True)
        rows = session.execute(select(Download.day, Download.listener, Download.counted_at)).all()
    # Yesterday's listeners are numbers now: their hashes are cleared, the one who never counted is gone.
    assert sorted((day, listener is None) for day, listener, _ in rows) == [
        (DAY_ONE.date(), True), (DAY_ONE.date(), True), (DAY_ONE.date(), True), (next_day.date(), False)
    ]  # fmt: skip
    assert downloads(store) == {DAY_ONE.date(): 3, next_day.date(): 1}
    dump = "\n".join(sqlite3.connect(tmp_path / "narrate.db").iterdump())
    for address in [*addresses, "192.0.2.99", "2001:0db8"]:
        assert address not in dump


def test_figures_per_episode_and_day_over_a_period(store: Store) -> None:
    published(store, "ep3", feed="research")
    store.save(Episode(id="ep4", guid="guid-ep4", feed="main", source_key="k4", title="Queued", status="queued"))
    for n, agent in enumerate([APPLE, BROWSER, POCKET_CASTS]):
        ask(store, agent, 0, SIZE - 1, path="audio/main/ep2-r1.mp3", at=DAY_ONE + dt.timedelta(days=n))
    ask(store, APPLE, 0, SIZE - 1, at=DAY_ONE + dt.timedelta(days=2))
    period = Period(DAY_ONE.date() + dt.timedelta(days=1), DAY_ONE.date() + dt.timedelta(days=3))
    figures = episode_figures(store, period)
    assert [(f.id, f.downloads) for f in figures] == [("ep2", 2), ("ep1", 1), ("ep3", 0)]  # not the queued one
    assert figures[0].as_json() == {
        "id": "ep2", "title": "Episode ep2", "feed": "main", "downloads": 2,
        "per_day": [{"date": "2026-03-03", "downloads": 1}, {"date": "2026-03-04", "downloads": 1}],
    }  # fmt: skip
    assert daily_totals(figures, period) == [
        (dt.date(2026, 3, 3), 1), (dt.date(2026, 3, 4), 2), (dt.date(2026, 3, 5), 0)
    ]  # fmt: skip
    assert [f.id for f in episode_figures(store, period, feed="research")] == ["ep3"]
    assert [(f.id, f.downloads) for f in episode_figures(store)] == [("ep2", 3), ("ep1", 1), ("ep3", 0)]
    assert Period.last_days(7, dt.date(2026, 3, 9)) == Period(dt.date(2026, 3, 3), dt.date(2026, 3, 9))


def test_counting_on_postgresql(postgres_url: str) -> None:
    store = Store(postgres_url)
    published(store, "ep1")
    ask(store, APPLE, 0, 1)
    ask(store, APPLE, 0, SIZE - 1)
    ask(store, APPLE, 100, SIZE - 1)
    ask(store, BROWSER, 0, SIZE - 1)
    ask(store, "curl/8.5.0", 0, SIZE - 1)
    ask(store, APPLE, 0, SIZE - 1, at=DAY_ONE + dt.timedelta(hours=25))
    assert downloads(store) == {DAY_ONE.date(): 2, DAY_ONE.date() + dt.timedelta(days=1): 1}
    with store.session() as session:
        assert [salt.day for salt in session.scalars(select(ListenerSalt))] == [DAY_ONE.date() + dt.timedelta(days=1)]


def test_figures_move_with_the_database_and_counting_goes_on_there(store: Store, postgres_url: str) -> None:
    from narrate.store.copy import copy_database

    ask(store, APPLE, 0, SIZE - 1)
    ask(store, BROWSER, 0, SIZE - 1)
    counts = copy_database(store, postgres_url)
    assert (counts["downloads"], counts["listener_salts"]) == (2, 1)
    moved = Store(postgres_url)
    assert downloads(moved) == {DAY_ONE.date(): 2}
    ask(moved, APPLE, 0, SIZE - 1, at=DAY_ONE + dt.timedelta(hours=1))  # the same listener, the same salt: once
    ask(moved, POCKET_CASTS, 0, SIZE - 1, at=DAY_ONE + dt.timedelta(hours=1))
    assert downloads(moved) == {DAY_ONE.date(): 3}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_requests_at_the_same_moment_count_one_listener_once(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    url = f"sqlite:///{tmp_path / 'busy.db'}" if kind == "sqlite" else request.getfixturevalue("postgres_url")
    store = Store(url)
    published(store, "ep1")
    # A new day's first requests, all at once: one salt is made, and each listener counts once.
    agents = [APPLE, BROWSER] * 6
    with ThreadPoolExecutor(max_workers=6) as pool:
        assert all(pool.map(lambda agent: ask(store, agent, 0, SIZE - 1), agents))
    assert downloads(store) == {DAY_ONE.date(): 2}
    with store.session() as session:
        assert len(session.scalars(select(ListenerSalt)).all()) == 1
