"""An entry of a source to a queued episode: its page fetched politely (or its text in the feed), then submitted."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from html import escape
from urllib.parse import urlsplit

from narrate import pipeline
from narrate.article import Article
from narrate.errors import NarrateError, NotFoundError, SourceError, UnavailableError
from narrate.extract import Document, extract
from narrate.extract.address import public_addresses
from narrate.extract.fetch import Response, fetch
from narrate.extract.source import read_url
from narrate.settings import Settings
from narrate.sources import records
from narrate.sources.entries import Entry
from narrate.store import Episode, Store, utcnow
from narrate.store.models import Source, SourceEntry

log = logging.getLogger(__name__)

Send = Callable[[str, str], None]
"""Hands a render (episode id, render id) to the workers, or to the embedded renderer."""

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


@contextmanager
def host_turn(settings: Settings, store: Store, url: str) -> Iterator[None]:
    """One request at a time per host, across every worker and the service (a lock in the database or on disk)."""
    host = (urlsplit(url).hostname or "unknown").lower()
    with store.lock(f"host-{host}", settings.locks_dir):
        yield


def fetch_source(settings: Settings, store: Store, url: str, conditions: Mapping[str, str]) -> Response:
    """GET a feed or sitemap with the fetch guard and limits of URL submissions, conditionally when we can."""
    with host_turn(settings, store, url):
        return fetch(
            url,
            timeout=settings.fetch_timeout,
            max_bytes=settings.fetch_max_bytes,
            max_redirects=settings.fetch_max_redirects,
            resolve=lambda hop: public_addresses(hop, settings.fetch_allow),
            headers={"Accept": FEED_ACCEPT, **conditions},
        )


def read_article(settings: Settings, store: Store, entry: Entry) -> Article:
    """The entry's article: its page, or, when the page cannot be fetched or read, the entry's own text."""
    try:
        with host_turn(settings, store, entry.link):
            document = read_url(entry.link, settings, public_only=True)
        article = extract(document)
    except SourceError as error:
        if not entry.content:
            raise
        log.info("%s: %s; reading the entry's text in the source instead", entry.link, error)
        title = escape(entry.title)
        page = f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        page += f"{entry.content}</article></body></html>"  # a fragment, made a page for extraction
        fragment = Document(page.encode("utf-8"), "html", url=entry.link, name=entry.link)
        article = extract(fragment)
        article.canonical_url = article.canonical_url or entry.link
    if entry.title and not article.title.strip():
        article.title = entry.title
    if article.published is None and entry.published is not None:
        article.published = entry.published.date()  # the episode's date in the feed
    return article


def article_hash(article: Article) -> str:
    """What makes a re-render worth it: the title and the words of the body."""
    words = " ".join([article.title, *article.body_text.split()])
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


def queue(
    settings: Settings, store: Store, source: Source, entry: Entry, send: Send, known: SourceEntry | None
) -> tuple[SourceEntry, Episode | None]:
    """Queue the entry's article into the source's feed (a new episode, or the same one again, in place).

    An article whose text is what was last queued is not rendered again. A failure is recorded on the entry.
    """
    row = known or SourceEntry(source_id=source.id, key=entry.key)
    row.link, row.title = entry.link, entry.title or row.title or ""
    row.published = entry.published or row.published
    row.updated, row.feed_hash = entry.updated, entry.feed_hash
    row.seen_at = utcnow()
    try:
        article = read_article(settings, store, entry)
        content_hash = article_hash(article)
        if row.episode_id and row.content_hash == content_hash and row.state == "queued" and _exists(store, row):
            return _save(store, row), None  # the page reads as it did: nothing to render
        episode = pipeline.submit(settings, store, article, feed=source.feed, source=entry.link)
    except UnavailableError:
        raise  # the database is down for now: the next poll tries again
    except NarrateError as error:  # unreadable page, no article text, no voice for its language, ...
        row.state, row.reason = "failed", str(error)
        return _save(store, row), None
    send(episode.id, episode.render_id)  # first: should recording the entry fail, the episode still renders
    row.state, row.reason, row.episode_id, row.content_hash = "queued", None, episode.id, content_hash
    return _save(store, row), episode


def _exists(store: Store, row: SourceEntry) -> bool:
    try:
        store.get(str(row.episode_id))
    except NotFoundError:
        return False
    return True


def _save(store: Store, row: SourceEntry) -> SourceEntry:
    return records.save_entry(store, row)


def aware(when: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive datetimes: they are UTC."""
    if when is None or when.tzinfo is not None:
        return when
    return when.replace(tzinfo=dt.UTC)
