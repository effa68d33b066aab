"""Sources in the database, on SQLite and PostgreSQL: one poll at a time per source (a lease), one row per entry
whoever records it, the webhook secret kept only encrypted, and `narrate db copy` taking sources along."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from narrate.errors import ConfigError, NotFoundError
from narrate.settings import Settings
from narrate.sources import records, signing
from narrate.store import Store
from narrate.store.copy import copy_database
from narrate.store.models import Source, SourceEntry

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, settings: Settings) -> Store:
    url = settings.db_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    return Store(url)


def test_a_poll_holds_its_source_and_the_interval_is_kept(settings: Settings, store: Store) -> None:
    source, _ = records.follow(settings, store, "https://news.example.org/feed", feed="main")
    assert records.claim(store, source.id, 60, NOW)
    for later in (1, 600, 899):  # a poll is running: nobody else polls it, however long it takes (up to its lease)
        assert not records.claim(store, source.id, 60, NOW + dt.timedelta(seconds=later))
    records.change(store, source.id, polled_at=NOW)  # the poll ended
    assert not records.claim(store, source.id, 60, NOW + dt.timedelta(seconds=59))
    assert records.claim(store, source.id, 60, NOW + dt.timedelta(seconds=60))
    # A poller that died: its lease runs out, and the source is polled again.
    assert records.claim(store, source.id, 60, NOW + dt.timedelta(seconds=60 + records.POLL_LEASE_SECONDS + 60))


def test_an_entry_recorded_twice_is_one_row(settings: Settings, store: Store) -> None:
    source, _ = records.follow(settings, store, "https://news.example.org/feed", feed="main")
    first = records.save_entry(store, SourceEntry(source_id=source.id, key="k" * 64, link="https://a", state="archive"))
    second = records.save_entry(store, SourceEntry(source_id=source.id, key="k" * 64, link="https://a", state="queued",
                                                   episode_id="e1"))  # fmt: skip
    assert second.id == first.id
    (row,) = records.entries(store, source.id)
    assert (row.state, row.episode_id) == ("queued", "e1")
    newest = records.save_entry(store, SourceEntry(source_id=source.id, key="n" * 64, link="https://n",
                                                   published=NOW, state="archive"))  # fmt: skip
    records.save_entry(store, SourceEntry(source_id=source.id, key="u" * 64, link="https://u", state="archive"))
    records.save_entry(store, SourceEntry(source_id=source.id, key="o" * 64, link="https://o",
                                          published=NOW - dt.timedelta(days=3), state="archive"))  # fmt: skip
    assert [r.link for r in records.archive(store, source.id, 5)] == ["https://n", "https://o", "https://u"]
    assert records.archive(store, source.id, 1)[0].id == newest.id
    assert records.summaries(store)[0]["entries"] == {"queued": 1, "archive": 3}
    records.forget(store, source.url)
    assert records.sources(store) == [] and records.entries(store, source.id) == []
    with pytest.raises(NotFoundError, match="no source"):
        records.forget(store, source.url)


def test_the_secret_is_kept_encrypted_with_a_key_outside_the_database(settings: Settings, store: Store) -> None:
    source, secret = records.follow(settings, store, "https://news.example.org/feed", feed="main")
    with store.session() as session:
        sealed = session.get(Source, source.id).secret  # type: ignore[union-attr]
    assert secret not in sealed and signing.unseal(settings.home, sealed) == secret
    key = signing.key_path(settings.home)
    assert key.stat().st_mode & 0o777 == 0o600
    other, other_secret = records.follow(settings, store, "https://blog.example.org/rss", feed="main")
    assert other_secret != secret and other.id != source.id
    key.unlink()  # the database alone opens nothing
    with pytest.raises(ConfigError, match="webhook key .* is missing"):
        signing.unseal(settings.home, sealed)


def test_db_copy_takes_sources_and_entries_along(settings: Settings, tmp_path: Path) -> None:
    store = Store(settings.db_url)
    source, _ = records.follow(settings, store, "https://news.example.org/feed", feed="main")
    records.save_entry(store, SourceEntry(source_id=source.id, key="k" * 64, link="https://a", state="queued"))
    counts = copy_database(store, f"sqlite:///{tmp_path / 'copy.db'}")
    assert counts["sources"] == 1 and counts["source_entries"] == 1
    copied = Store(f"sqlite:///{tmp_path / 'copy.db'}")
    assert [s.url for s in records.sources(copied)] == [source.url]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/feed", "https://10.1.2.3/rss", "http://127.1/feed", "http://0x7f000001/feed",
            "http://2130706433/feed", "http://[::1]/feed", "http://[::ffff:192.168.1.1]/feed", "http://169.254.169.254/"],
)  # fmt: skip
def test_a_source_at_an_address_no_fetch_may_reach_is_refused_when_followed(settings: Settings, url: str) -> None:
    store = Store(settings.db_url)
    with pytest.raises(ConfigError, match=r"refusing to fetch .* (is|resolves to) a private, loopback or link-local address .*"
                                          r"NARRATE_FETCH_ALLOW"):  # fmt: skip
        records.follow(settings, store, url, feed="main")
    assert records.sources(store) == []


def test_an_allow_listed_address_or_a_host_name_is_followed(settings: Settings) -> None:
    store = Store(settings.db_url)
    allowed = Settings(**{**settings.__dict__, "fetch_allow": "10.1.0.0/16"})
    records.follow(allowed, store, "http://10.1.2.3/rss", feed="main")
    records.follow(settings, store, "https://news.example.org/feed", feed="main")  # resolved at each poll instead
    assert [s.url for s in records.sources(store)] == ["http://10.1.2.3/rss", "https://news.example.org/feed"]
