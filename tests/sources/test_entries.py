"""A source's document to entries: RSS 2.0 and Atom (feedparser), JSON Feed, sitemaps and news sitemaps."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from narrate.errors import SourceError
from narrate.sources.entries import read_entries

UTC = dt.UTC


def test_rss_items_newest_first_with_their_text_in_the_feed() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
    <channel><title>T</title><link>https://news.example.org/</link><description>d</description>
    <item><title>Older</title><link>https://news.example.org/older</link><guid>https://news.example.org/?p=1</guid>
      <pubDate>Mon, 04 Nov 2024 08:00:00 GMT</pubDate></item>
    <item><title>Newer</title><link>https://news.example.org/newer</link><guid>https://news.example.org/?p=2</guid>
      <pubDate>Tue, 05 Nov 2024 09:30:00 +0100</pubDate>
      <content:encoded><![CDATA[<p>Full text.</p>]]></content:encoded></item>
    <item><title>No link</title><guid>x</guid></item>
    </channel></rss>"""
    listing = read_entries(rss, "application/rss+xml")
    assert listing.kind == "rss" and not listing.complete
    assert [e.title for e in listing.entries] == ["Newer", "Older"]  # the item without a link is not an article
    newer = listing.entries[0]
    assert newer.id == "https://news.example.org/?p=2" and newer.link == "https://news.example.org/newer"
    assert newer.published == dt.datetime(2024, 11, 5, 8, 30, tzinfo=UTC)
    assert newer.content == "<p>Full text.</p>" and newer.feed_hash
    assert listing.entries[1].content == "" and listing.entries[1].feed_hash is None


def test_atom_entries_keep_their_updated_date() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
    <title>T</title><id>urn:x</id><updated>2024-05-02T00:00:00Z</updated>
    <entry><title>First</title><id>tag:example.org,2024:1</id><link href="https://example.org/first"/>
      <published>2024-05-01T10:00:00Z</published><updated>2024-05-02T11:00:00Z</updated>
      <content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry>
    </feed>"""
    listing = read_entries(atom, "application/atom+xml")
    assert listing.kind == "atom"
    (entry,) = listing.entries
    assert entry.id == "tag:example.org,2024:1" and entry.link == "https://example.org/first"
    assert entry.published == dt.datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert entry.updated == "2024-05-02T11:00:00Z"
    assert entry.content == "<p>Body</p>"


def test_json_feed_items_with_html_or_plain_text() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "T",
        "items": [
            {"id": "1", "url": "https://example.org/a", "title": "A", "content_html": "<p>Hi</p>",
             "date_published": "2024-05-01T10:00:00-05:00", "date_modified": "2024-05-03T10:00:00Z"},
            {"id": "2", "url": "https://example.org/b", "content_text": "One.\n\nTwo <b>&",
             "date_published": "2024-06-01T00:00:00Z"},
            {"id": "3", "content_text": "no url: not an article"},
        ],
    }  # fmt: skip
    listing = read_entries(json.dumps(feed).encode(), "application/feed+json")
    assert listing.kind == "json"
    assert [e.id for e in listing.entries] == ["2", "1"]
    b, a = listing.entries
    assert b.content == "<p>One.</p><p>Two &lt;b&gt;&amp;</p>"
    assert a.published == dt.datetime(2024, 5, 1, 15, tzinfo=UTC) and a.updated == "2024-05-03T10:00:00Z"


def test_sitemaps_list_every_page_and_news_sitemaps_give_titles_and_dates() -> None:
    sitemap = b"""<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://example.org/a</loc><lastmod>2024-03-01</lastmod></url>
      <url><loc>https://example.org/b</loc>
        <news:news><news:publication><news:name>X</news:name><news:language>en</news:language></news:publication>
        <news:publication_date>2024-04-01T08:00:00+02:00</news:publication_date><news:title>Bee</news:title></news:news>
      </url>
      <url><loc>https://example.org/undated</loc></url>
      <url><loc>ftp://example.org/no</loc></url>
    </urlset>"""
    listing = read_entries(sitemap, "application/xml")
    assert listing.kind == "sitemap" and listing.complete
    assert [e.link for e in listing.entries] == [
        "https://example.org/b",
        "https://example.org/a",
        "https://example.org/undated",
    ]
    b, a, undated = listing.entries
    assert b.title == "Bee" and b.published == dt.datetime(2024, 4, 1, 6, tzinfo=UTC)
    assert a.updated == "2024-03-01" and a.published == dt.datetime(2024, 3, 1, tzinfo=UTC)
    assert undated.published is None and undated.id == undated.link


def test_a_sitemap_index_names_its_sitemaps_newest_first() -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://example.org/2023.xml</loc><lastmod>2023-12-31</lastmod></sitemap>
      <sitemap><loc>https://example.org/2024.xml</loc><lastmod>2024-06-01</lastmod></sitemap>
    </sitemapindex>"""
    listing = read_entries(index)
    assert listing.children == ["https://example.org/2024.xml", "https://example.org/2023.xml"]
    assert listing.entries == []


@pytest.mark.parametrize(
    "data",
    [b"<!doctype html><html><body><p>A page, not a feed</p></body></html>", b"plain words", b'{"a": 1}',
     b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>",
     b'{"version": "https://jsonfeed.org/version/1", "items": [}'],
)  # fmt: skip
def test_what_is_neither_a_feed_nor_a_sitemap_is_refused_with_the_reason(data: bytes) -> None:
    with pytest.raises(SourceError, match=r"not (an RSS|a readable sitemap|a JSON Feed)"):
        read_entries(data, "text/html")
