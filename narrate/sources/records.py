"""Sources and their entries in the database: follow, list, forget, claim for a poll, and what staff see."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from narrate.errors import ConfigError, NotFoundError, SourceError
from narrate.extract.address import refuse_private_literal
from narrate.extract.fetch import without_credentials
from narrate.settings import Settings
from narrate.sources import signing
from narrate.store import Store, utcnow
from narrate.store.models import Source, SourceEntry


def follow(
    settings: Settings,
    store: Store,
    url: str,
    *,
    feed: str,
    since: dt.datetime | None = None,
    backfill: int = 0,
    unpublish_missing: bool = False,
) -> tuple[Source, str]:
    """Start following ``url`` into ``feed``; returns the source and its webhook secret (shown this once)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"a source is an http(s) URL of a feed or sitemap, got {without_credentials(url)[:200]!r}")
    if parts.username or parts.password:
        raise ConfigError("a source URL may not hold a user name or password")
    try:
        refuse_private_literal(url, settings.fetch_allow)  # a source no poll could ever fetch
    except SourceError as error:
        raise ConfigError(f"{error} (NARRATE_FETCH_ALLOW lists the hosts and networks a fetch may reach)") from None
    if backfill < 0:
        raise ConfigError(f"--backfill must be 0 or more, got {backfill}")
    settings.feed(feed)  # an unknown feed is refused now, not at the first poll
    if find(store, url, missing_ok=True) is not None:
        raise ConfigError(f"{url} is already followed; `narrate source remove {url}` first to change it")
    secret = signing.new_secret()
    source = Source(
        id=secrets.token_hex(5),
        url=url,
        feed=feed,
        since=since or utcnow(),
        backfill=backfill,
        unpublish_missing=unpublish_missing,
        secret=signing.seal(settings.home, secret),
    )
    with store.session() as session:
        session.add(source)
    return source, secret


def find(store: Store, url_or_id: str, *, missing_ok: bool = False) -> Source | None:
    """The source with this URL or id."""
    value = url_or_id.strip()
    with store.session() as session:
        source = session.scalar(select(Source).where(or_(Source.url == value, Source.id == value)))
    if source is None and not missing_ok:
        raise NotFoundError(f"no source {value!r} is followed (see `narrate source list`)")
    return source


def sources(store: Store) -> list[Source]:
    with store.session() as session:
        return list(session.scalars(select(Source).order_by(Source.created_at, Source.id)))


def forget(store: Store, url_or_id: str) -> Source:
    """Stop following a source; its episodes stay published."""
    source = find(store, url_or_id)
    assert source is not None
    with store.session() as session:
        session.execute(delete(SourceEntry).where(SourceEntry.source_id == source.id))
        session.execute(delete(Source).where(Source.id == source.id))
    return source


POLL_LEASE_SECONDS = 900
"""How long a poll holds its source: no other worker polls it meanwhile, unless the poller died that long ago."""


def claim(store: Store, source_id: str, gap: float, now: dt.datetime) -> bool:
    """Take the source for one poll unless it was polled less than ``gap`` seconds ago or a poll of it is running.

    A running poll's ``polled_at`` is in the future (its lease); ``release`` sets it to when the poll started.
    """
    query = update(Source).where(Source.id == source_id)
    query = query.where(or_(Source.polled_at.is_(None), Source.polled_at <= now - dt.timedelta(seconds=gap)))
    lease = now + dt.timedelta(seconds=POLL_LEASE_SECONDS)
    with store.session() as session:
        return session.execute(query.values(polled_at=lease)).rowcount > 0


def change(store: Store, source_id: str, **values: object) -> None:
    with store.session() as session:
        session.execute(update(Source).where(Source.id == source_id).values(**values))


def entries(store: Store, source_id: str) -> list[SourceEntry]:
    with store.session() as session:
        return list(session.scalars(select(SourceEntry).where(SourceEntry.source_id == source_id)))


def save_entry(store: Store, entry: SourceEntry) -> SourceEntry:
    """Insert or update; an entry a webhook and a poll record at once ends as one row (the later one's values)."""
    for attempt in range(2):
        if entry.id is None:
            with store.session() as session:
                query = select(SourceEntry.id).where(
                    SourceEntry.source_id == entry.source_id, SourceEntry.key == entry.key
                )
                entry.id = session.scalar(query)
        try:
            with store.session() as session:
                return session.merge(entry)
        except IntegrityError:
            if attempt:
                raise
            entry.id = None  # inserted by another process meanwhile: update that row
    raise AssertionError("unreachable")


def archive(store: Store, source_id: str, limit: int) -> list[SourceEntry]:
    """The newest ``limit`` archive entries, newest first (undated ones last)."""
    query = select(SourceEntry).where(SourceEntry.source_id == source_id, SourceEntry.state == "archive")
    query = query.order_by(SourceEntry.published.desc().nulls_last(), SourceEntry.id).limit(limit)
    with store.session() as session:
        return list(session.scalars(query))


def summary(source: Source, entries_by_state: dict[str, int] | None = None) -> dict[str, Any]:
    """What staff see of a source (the API, the staff page, `narrate source list --json`)."""
    return {
        "id": source.id,
        "url": source.url,
        "feed": source.feed,
        "kind": source.kind or None,
        "since": source.since.isoformat() if source.since else None,
        "backfill_left": source.backfill,
        "unpublish_missing": source.unpublish_missing,
        "last_poll": _iso(source.polled_at),
        "last_success": _iso(source.checked_at),
        "result": source.poll_result,
        "queued": source.poll_queued.split() if source.poll_queued else [],
        "error": source.poll_error,
        "hook_path": f"api/hooks/{source.id}",
        "entries": entries_by_state or {},
    }


def summaries(store: Store) -> list[dict[str, Any]]:
    found = sources(store)
    counts: dict[str, dict[str, int]] = {}
    with store.session() as session:
        for source_id, state in session.execute(select(SourceEntry.source_id, SourceEntry.state)):
            counts.setdefault(source_id, {}).setdefault(state, 0)
            counts[source_id][state] += 1
    return [summary(source, counts.get(source.id)) for source in found]


def _iso(when: dt.datetime | None) -> str | None:
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).isoformat(timespec="seconds")
