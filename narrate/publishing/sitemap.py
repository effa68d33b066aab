"""public/sitemap.xml: every listeners' page (the feed pages and the episode pages), for search engines.

Rebuilt from the database whenever a feed is published or an episode page removed, under a lock of its own (taken
inside a feed's lock, never the other way round), and swapped in atomically like the feeds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.etree import ElementTree

from sqlalchemy import func, select

from feeds.files import write_atomic
from narrate.errors import PublishError
from narrate.publishing import paths
from narrate.settings import DEFAULT_FEED, Settings
from narrate.store import Episode, Store

SITEMAP = "sitemap.xml"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000
"""The protocol's limit for one file; past it, the newest pages are listed."""


@dataclass(frozen=True)
class Page:
    """An episode page as the sitemap lists it."""

    id: str
    feed: str
    changed: dt.datetime | None


def sitemap_xml(settings: Settings, feeds: list[str], episodes: list[Page]) -> bytes:
    """The sitemap of the feed pages of ``feeds`` and of the ``episodes``' pages."""
    root = ElementTree.Element("urlset", xmlns=NAMESPACE)
    entries = [(paths.feed_page_url(settings, slug), None) for slug in feeds]
    entries += [(paths.episode_page_url(settings, e.id), _day(e.changed)) for e in episodes]
    for location, changed in entries[:MAX_URLS]:
        url = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(url, "loc").text = location
        if changed:
            ElementTree.SubElement(url, "lastmod").text = changed
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_sitemap(settings: Settings, store: Store) -> str:
    """Rewrite public/sitemap.xml from the database; returns its path under public/."""
    with store.lock("sitemap", settings.locks_dir):
        episodes = episode_pages(store)
        published = {e.feed for e in episodes}
        on_disk = {
            slug
            for slug in {DEFAULT_FEED, *settings.feeds}
            if (settings.public_dir / paths.feed_page_path(slug)).is_file()
        }
        data = sitemap_xml(settings, sorted(on_disk | published), episodes)
        target = settings.public_dir / SITEMAP
        try:
            write_atomic(target, data)
        except OSError as error:
            raise PublishError(f"cannot write {target}: {error.strerror or error}") from None
    return SITEMAP


def episode_pages(store: Store) -> list[Page]:
    """Every episode that has a page (its audio is published), newest first; only the columns the sitemap needs."""
    changed = func.coalesce(Episode.updated_at, Episode.published_at, Episode.created_at)
    query = (
        select(Episode.id, Episode.feed, changed)
        .where(Episode.audio_path.is_not(None))
        .order_by(Episode.published.desc().nulls_last(), Episode.created_at.desc())
    )
    with store.session() as session:
        return [Page(*row) for row in session.execute(query)]


def _day(when: dt.datetime | None) -> str | None:
    if when is None:
        return None
    if when.tzinfo is None:  # SQLite returns naive datetimes; they were stored in UTC
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).date().isoformat()
