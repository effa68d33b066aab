"""A feed published from the database: its RSS file and its page, rebuilt together under the feed's lock."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from narrate.publishing.feed import Cover, cover, rebuild_feed
from narrate.settings import Settings
from narrate.store import Store


def publish_feed(settings: Settings, store: Store, slug: str) -> Path:
    """Rebuild the feed's RSS file and its page; returns the RSS file's path."""
    with feed_lock(settings, store, slug):
        return write_feed(settings, store, slug)


def feed_lock(settings: Settings, store: Store, slug: str) -> AbstractContextManager[None]:
    """One publisher per feed at a time, across processes and machines."""
    return store.lock(f"feed-{slug}", settings.locks_dir)


def write_feed(settings: Settings, store: Store, slug: str, art: Cover | None = None) -> Path:
    """Rebuild the feed's RSS file and page, and the site's sitemap and 404 page. The caller holds the feed's lock:
    the episodes read here are still the database's when the file is swapped."""
    from narrate.publishing import errorpage, pages, sitemap  # the templates (jinja2) only when a page is written

    feed = settings.feed(slug)
    art = art or cover(settings, feed)
    episodes = store.episodes(feed=slug)
    path = rebuild_feed(settings, feed, episodes, art)
    pages.write_assets(settings)
    pages.write_feed_page(settings, feed, episodes, art)
    sitemap.write_sitemap(settings, store)
    errorpage.write_error_page(settings)
    return path
