"""One poll of a source: read its feed or sitemap (conditionally), then queue what is new or changed.

- a new entry (published since the source's ``since``, or undated and first seen after the first poll) is queued
  into the source's feed;
- an entry whose updated date or text in the source changed is read again and, if its article changed,
  re-rendered in place (same episode, same GUID);
- an older entry is archive: ``backfill`` of them are queued, newest first, settings.source_backfill_per_poll at
  a time, so the archive never holds up new posts;
- an entry that disappears stays published, unless the source says to unpublish it. A feed lists only its latest
  posts, so only an entry newer than the oldest one still listed counts as removed; a sitemap lists every page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from narrate import pipeline
from narrate.errors import NarrateError, NotFoundError, UnavailableError
from narrate.settings import Settings
from narrate.sources import records
from narrate.sources.articles import Send, aware, fetch_source, queue
from narrate.sources.entries import Entry, Listing, read_entries
from narrate.store import Store, utcnow
from narrate.store.models import Source, SourceEntry

log = logging.getLogger(__name__)

MAX_CHILD_SITEMAPS = 5
"""A sitemap index is followed to its newest few sitemaps only: a poll stays a handful of requests."""


@dataclass
class PollReport:
    """What one poll of one source did."""

    source: str
    result: str
    """queued (something was), nothing new, not modified (304), skipped (polled too recently), error."""
    queued: list[str] = field(default_factory=list)
    """Episode ids of new entries."""
    updated: list[str] = field(default_factory=list)
    """Episode ids re-rendered in place because their page changed."""
    backfilled: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    """"<link>: <reason>" per entry that could not be queued."""
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def describe(self) -> str:
        parts = [f"{len(self.queued)} new", f"{len(self.updated)} re-rendered", f"{len(self.backfilled)} back-filled"]
        if self.unpublished:
            parts.append(f"{len(self.unpublished)} unpublished")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        return ", ".join(parts)


def poll(
    settings: Settings, store: Store, source: Source, send: Send, *, gap: float | None = None,
    now: dt.datetime | None = None,
) -> PollReport:  # fmt: skip
    """Poll ``source`` now, unless it was polled less than ``gap`` seconds ago (default settings.source_min_interval).

    Renders go to ``send``. Every outcome is recorded on the source (staff see it), and returned.
    """
    now = now or utcnow()
    gap = settings.source_min_interval if gap is None else max(gap, settings.source_min_interval)
    if not records.claim(store, source.id, gap, now):
        last = aware(records.find(store, source.id).polled_at)  # type: ignore[union-attr]
        if last and last > now:
            return PollReport(source.url, "skipped", error="another poll of it is running")
        ago = (now - last).total_seconds() if last else 0.0
        return PollReport(source.url, "skipped", error=f"polled {ago:.0f} s ago; at most one poll every {gap:g} s")
    try:
        report = _poll(settings, store, source, send, now)
    except UnavailableError:
        with contextlib.suppress(NarrateError):
            records.change(store, source.id, polled_at=now)  # give the lease back, if the database lets us
        raise  # down for now: the next tick tries again
    except NarrateError as error:
        report = PollReport(source.url, "error", error=str(error))
    except Exception as error:  # a bug must not stop the other sources' polls
        log.exception("poll of %s crashed", source.url)
        report = PollReport(source.url, "error", error=f"internal error: {error}")
    queued = [*report.queued, *report.updated, *report.backfilled]
    values: dict[str, object] = {"poll_result": report.result, "poll_queued": " ".join(queued), "polled_at": now}
    values["poll_error"] = report.error or ("; ".join(report.failed[:3]) if report.failed else None)
    if report.result != "error":
        values["checked_at"] = now
    records.change(store, source.id, **values)
    return report


def poll_due(settings: Settings, store: Store, send: Send, now: dt.datetime | None = None) -> list[PollReport]:
    """Poll every source not polled for settings.source_poll_interval seconds (what workers and the service run)."""
    if settings.source_poll_interval <= 0:
        return []
    reports = []
    for source in records.sources(store):
        report = poll(settings, store, source, send, gap=settings.source_poll_interval, now=now)
        if report.result != "skipped":
            log.info("source %s: %s %s", source.url, report.result, report.error or report.describe())
            reports.append(report)
    return reports


def _poll(settings: Settings, store: Store, source: Source, send: Send, now: dt.datetime) -> PollReport:
    conditions = {}
    if source.etag:
        conditions["If-None-Match"] = source.etag
    if source.last_modified:
        conditions["If-Modified-Since"] = source.last_modified
    response = fetch_source(settings, store, source.url, conditions)
    if response.status == 304:
        report = PollReport(source.url, "not modified")
        _backfill(settings, store, source, send, report)
        return report
    listing = read_entries(response.data, response.content_type)
    if listing.children:
        listing = _children(settings, store, listing)
    report = PollReport(source.url, "nothing new")
    _read_listing(settings, store, source, listing, send, report)
    _backfill(settings, store, source, send, report)
    if report.queued or report.updated or report.backfilled:
        report.result = "queued"
    # Remembered only once the entries are in: a poll that failed half-way reads the whole document next time.
    records.change(store, source.id, kind=listing.kind, etag=response.etag, last_modified=response.last_modified)
    return report


def _children(settings: Settings, store: Store, index: Listing) -> Listing:
    entries: list[Entry] = []
    for child in index.children[:MAX_CHILD_SITEMAPS]:
        entries.extend(read_entries(fetch_source(settings, store, child, {}).data).entries)
    return Listing("sitemap", entries, complete=False)  # only the newest sitemaps were read


def _read_listing(
    settings: Settings, store: Store, source: Source, listing: Listing, send: Send, report: PollReport
) -> None:
    known = {row.key: row for row in records.entries(store, source.id)}
    by_link = {row.link: row for row in known.values()}
    first_poll = source.checked_at is None
    since = aware(source.since)
    seen: set[str] = set()
    for entry in listing.entries:
        row = known.get(entry.key) or by_link.get(entry.link)
        if row is not None and row.key != entry.key:
            row.key = entry.key  # a webhook's entry, now seen in the feed under its guid
        seen.add(entry.key)
        if row is None or row.state == "failed":
            is_new = entry.published >= since if entry.published and since else not first_poll  # type: ignore[operator]
            if row is None and not is_new:
                records.save_entry(store, _archived(source, entry))
                continue
            _queue(settings, store, source, entry, send, row, report, report.queued)
        elif row.state in ("queued", "gone") and _changed(entry, row):
            _queue(settings, store, source, entry, send, row, report, report.updated)
        elif row.state == "gone":
            row.state = "queued"  # back in the source
            records.save_entry(store, row)
    _missing(settings, store, source, listing, [row for row in known.values() if row.key not in seen], report)


def _queue(
    settings: Settings, store: Store, source: Source, entry: Entry, send: Send, row: SourceEntry | None,
    report: PollReport, bucket: list[str],
) -> None:  # fmt: skip
    saved, episode = queue(settings, store, source, entry, send, row)
    if episode is not None:
        bucket.append(episode.id)
    elif saved.state == "failed":
        report.failed.append(f"{entry.link}: {saved.reason}")


def _changed(entry: Entry, row: SourceEntry) -> bool:
    if entry.updated and entry.updated != row.updated:
        return True
    return bool(entry.feed_hash and entry.feed_hash != row.feed_hash)


def _archived(source: Source, entry: Entry) -> SourceEntry:
    return SourceEntry(
        source_id=source.id, key=entry.key, link=entry.link, title=entry.title, published=entry.published,
        updated=entry.updated, feed_hash=entry.feed_hash, state="archive",
    )  # fmt: skip


def _backfill(settings: Settings, store: Store, source: Source, send: Send, report: PollReport) -> None:
    current = records.find(store, source.id)
    left = current.backfill if current else 0
    if left <= 0 or settings.source_backfill_per_poll <= 0:
        return
    taken = records.archive(store, source.id, min(left, settings.source_backfill_per_poll))
    for row in taken:
        entry = Entry(id=row.link, link=row.link, title=row.title, published=aware(row.published), updated=row.updated)
        _queue(settings, store, source, entry, send, row, report, report.backfilled)
    records.change(store, source.id, backfill=max(0, left - len(taken)))


def _missing(
    settings: Settings, store: Store, source: Source, listing: Listing, missing: list[SourceEntry], report: PollReport
) -> None:
    dates = [entry.published for entry in listing.entries if entry.published]
    oldest = min(dates) if dates else None
    for row in missing:
        if row.state not in ("queued",) or not row.episode_id:
            continue
        published = aware(row.published)
        removed = listing.complete or (oldest is not None and published is not None and published >= oldest)
        if not removed:
            continue  # fell off the end of a feed that lists only its latest posts
        if source.unpublish_missing:
            try:
                pipeline.unpublish(settings, store, row.episode_id)
            except NotFoundError:
                pass  # unpublished by staff already
            report.unpublished.append(row.episode_id)
            row.state = "unpublished"
        else:
            row.state = "gone"  # stays published
        records.save_entry(store, row)
