"""A source's document read into entries: RSS 2.0 and Atom by feedparser, JSON Feed (which feedparser 6 does not
read) from its JSON, sitemaps (news sitemaps too) by lxml.

    read_entries(data, content_type) -> Listing(kind, entries, complete)

A feed lists only its latest posts, so an entry missing from it may simply be old; a sitemap lists every page
(``complete``), so a URL missing from it is gone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from html import escape

from narrate.errors import SourceError

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True)
class Entry:
    """One post as the source announces it."""

    id: str
    """The entry's guid/id, or its URL when it has none."""
    link: str
    title: str = ""
    published: dt.datetime | None = None
    updated: str | None = None
    """The updated date as the source writes it (or a sitemap's lastmod): compared, never interpreted."""
    content: str = ""
    """The entry's own HTML (content:encoded, Atom content, JSON content_html), which may stand in for its page."""

    @property
    def key(self) -> str:
        return hashlib.sha256(self.id.encode("utf-8")).hexdigest()

    @property
    def feed_hash(self) -> str | None:
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest() if self.content else None


@dataclass(frozen=True)
class Listing:
    kind: str
    """rss, atom, json or sitemap."""
    entries: list[Entry] = field(default_factory=list)
    """Newest first (undated entries last, in the source's order)."""
    complete: bool = False
    """True for a sitemap: it lists every page, so a page missing from it was removed."""
    children: list[str] = field(default_factory=list)
    """A sitemap index's sitemaps, newest first."""


def read_entries(data: bytes, content_type: str = "") -> Listing:
    """The entries in a feed or sitemap; SourceError when it is neither."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and (b"<urlset" in data[:4096] or b"<sitemapindex" in data[:4096]):
        return _read_sitemap(data)
    if head.startswith(b"{"):
        return _read_json_feed(data)
    import feedparser

    parsed = feedparser.parse(data, response_headers={"content-type": content_type or "application/xml"})
    version = str(parsed.get("version") or "")
    if not version:
        what = f" (it is {content_type.split(';')[0].strip()})" if content_type else ""
        raise SourceError(f"not an RSS, Atom or JSON feed, nor a sitemap{what}")
    kind = "json" if version.startswith("json") else "atom" if version.startswith("atom") else "rss"
    entries = [entry for item in parsed.entries if (entry := _feed_entry(item)) is not None]
    return Listing(kind, _newest_first(entries))


def _feed_entry(item: dict) -> Entry | None:  # type: ignore[type-arg]
    link = str(item.get("link") or "").strip()
    if not link.startswith(("http://", "https://")):
        return None  # nothing to read aloud
    # Read past FeedParserDict's lookups, which map a missing "updated" to "published" (with a warning).
    published = _when(dict.get(item, "published_parsed") or dict.get(item, "updated_parsed"))
    updated = dict.get(item, "updated") if dict.get(item, "updated_parsed") else None
    content = ""
    for part in item.get("content") or []:
        if part.get("value"):
            content = str(part["value"])
            break
    return Entry(
        id=str(item.get("id") or link).strip(),
        link=link,
        title=str(item.get("title") or "").strip(),
        published=published,
        updated=str(updated) if updated else None,
        content=content,
    )


def _read_json_feed(data: bytes) -> Listing:
    """JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1): items with id, url, title, content_html or
    content_text, date_published, date_modified."""
    try:
        document = json.loads(data)
    except ValueError as error:
        raise SourceError(f"not a JSON Feed: {error}") from None
    if not isinstance(document, dict) or "jsonfeed.org/version/" not in str(document.get("version", "")):
        raise SourceError("not a JSON Feed: no jsonfeed.org version")
    entries = []
    for item in document.get("items") or []:
        if not isinstance(item, dict):
            continue
        link = str(item.get("url") or item.get("external_url") or "").strip()
        if not link.startswith(("http://", "https://")):
            continue
        text = item.get("content_text")
        content = item.get("content_html") or (
            "".join(f"<p>{escape(p)}</p>" for p in str(text).split("\n\n")) if text else ""
        )
        entries.append(
            Entry(
                id=str(item.get("id") or link).strip(),
                link=link,
                title=str(item.get("title") or "").strip(),
                published=_parse_date(str(item.get("date_published") or item.get("date_modified") or "")),
                updated=str(item["date_modified"]) if item.get("date_modified") else None,
                content=str(content),
            )
        )
    return Listing("json", _newest_first(entries))


def _when(parsed: object) -> dt.datetime | None:
    if not parsed:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)  # type: ignore[arg-type]


def _read_sitemap(data: bytes) -> Listing:
    from lxml import etree

    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as error:
        raise SourceError(f"not a readable sitemap: {error}") from None
    ns = {"s": SITEMAP_NS, "n": NEWS_NS}
    if etree.QName(root).localname == "sitemapindex":
        children = [(_text(node, "s:loc", ns), _text(node, "s:lastmod", ns)) for node in root.iterfind("s:sitemap", ns)]
        ordered = sorted((c for c in children if c[0]), key=lambda c: c[1] or "", reverse=True)
        return Listing("sitemap", [], complete=True, children=[loc for loc, _ in ordered])
    entries = []
    for node in root.iterfind("s:url", ns):
        link = _text(node, "s:loc", ns)
        if not link.startswith(("http://", "https://")):
            continue
        lastmod = _text(node, "s:lastmod", ns) or None
        news_date = _text(node, "n:news/n:publication_date", ns)
        entries.append(
            Entry(
                id=link,
                link=link,
                title=_text(node, "n:news/n:title", ns),
                published=_parse_date(news_date or lastmod or ""),
                updated=lastmod,
            )
        )
    return Listing("sitemap", _newest_first(entries), complete=True)


def _text(node: object, path: str, ns: dict[str, str]) -> str:
    found = node.find(path, ns)  # type: ignore[attr-defined]
    return (found.text or "").strip() if found is not None else ""


def _parse_date(value: str) -> dt.datetime | None:
    """W3C datetime (what sitemaps use): 2024-05-01, 2024-05-01T10:00:00+02:00, ...Z."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _newest_first(entries: list[Entry]) -> list[Entry]:
    dated = sorted((e for e in entries if e.published), key=lambda e: e.published, reverse=True)  # type: ignore[arg-type,return-value]
    return dated + [e for e in entries if not e.published]
