"""The feed page (subscribe instructions and episode list) and the copied assets."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin

from narrate.publishing import pages
from narrate.settings import FeedSettings, Settings
from tests.conftest import BASE_URL
from tests.publishing.samples import HOSTILE_TITLE, rendered, sample_article
from tests.support.reading import accessible_name, parse, text_of

FEED_PAGE_URL = f"{BASE_URL}/feeds/main/"


def feed() -> FeedSettings:
    return FeedSettings(
        slug="main",
        title="Valley News, read aloud",
        description="Our reporting, read by a computer voice.\n\nNew episodes every weekday.",
        author="Valley News",
        link="https://news.example.org/",
    )


def test_feed_page_has_title_cover_and_subscribe_address(settings: Settings) -> None:
    path = pages.write_feed_page(settings, feed(), [])
    assert path == "feeds/main/index.html"
    page = parse(settings.public_dir / path)
    assert page.get("lang") == "en"
    assert [text_of(h) for h in page.xpath("//h1")] == ["Valley News, read aloud"]
    assert [text_of(p) for p in page.xpath("//h1/following-sibling::p")][:2] == [
        "Our reporting, read by a computer voice.", "New episodes every weekday."
    ]
    [cover] = page.xpath("//img")
    assert cover.get("alt") == "Cover art of the podcast Valley News, read aloud"
    cover_url = urljoin(FEED_PAGE_URL, cover.get("src"))
    assert cover_url.startswith(f"{BASE_URL}/feeds/main-cover-")
    assert (settings.public_dir / cover_url.removeprefix(BASE_URL + "/")).read_bytes().startswith(b"\x89PNG")

    [address] = page.xpath("//input[@id='rss-url']")
    assert address.get("value") == f"{BASE_URL}/feeds/main.xml" and address.get("readonly") is not None
    assert accessible_name(page, address) == "Feed address (RSS)"
    [copy] = page.xpath("//button[@data-copy='rss-url']")
    assert text_of(copy) == "Copy feed address" and copy.get("type") == "button"
    subscribe = text_of(page.xpath("//section[@class='subscribe']")[0])
    for app in ("Apple Podcasts", "Pocket Casts", "AntennaPod", "Overcast"):
        assert page.xpath("//section[@class='subscribe']/h3[.=$app]", app=app), app
    assert "Follow a Show by URL" in subscribe and "Add podcast by RSS address" in subscribe
    assert "Add URL" in subscribe
    assert "No episodes yet." in text_of(page)
    assert [urljoin(FEED_PAGE_URL, a) for a in page.xpath("//a[.='RSS feed']/@href")] == [
        f"{BASE_URL}/feeds/main.xml"
    ] * 2
    assert page.xpath("//header//a/@href") == ["https://news.example.org/"]


def test_feed_page_lists_published_episodes_with_date_and_duration(settings: Settings) -> None:
    first = rendered(sample_article(), episode_id="aaaaaaaaaaaa", duration=125.0).episode
    second = rendered(sample_article(title=HOSTILE_TITLE), episode_id="bbbbbbbbbbbb", duration=30.0).episode
    second.published = dt.date(2024, 3, 1)
    queued = rendered(sample_article(title="Not yet"), episode_id="cccccccccccc").episode
    queued.audio_path = None
    page = parse(settings.public_dir / pages.write_feed_page(settings, feed(), [second, first, queued]))
    items = page.xpath("//ol[@class='episode-list']/li")
    assert [text_of(item.xpath("h3")[0]) for item in items] == [HOSTILE_TITLE, "Council passes the water bill"]
    links = [urljoin(FEED_PAGE_URL, item.xpath("h3/a/@href")[0]) for item in items]
    assert links == [f"{BASE_URL}/episodes/bbbbbbbbbbbb/", f"{BASE_URL}/episodes/aaaaaaaaaaaa/"]
    assert [text_of(item.xpath("p[@class='meta']")[0]) for item in items] == [
        "1 March 2024, 1 minute", "6 February 2024, 2 minutes"
    ]
    assert items[0].xpath(".//time/@datetime") == ["2024-03-01"]
    assert text_of(items[1].xpath("p[not(@class)]")[0]) == "The council voted on Tuesday."
    assert page.xpath("//script[not(@src) and not(@type='application/ld+json')]|//style|//*[@style]") == []


def test_assets_are_copied_and_rewritten_only_when_changed(settings: Settings) -> None:
    pages.write_assets(settings)
    folder = settings.public_dir / "assets"
    assert sorted(p.name for p in folder.iterdir()) == ["copy.js", "icon.svg", "player.js", "site.css", "staff.js"]
    player = folder / "player.js"
    assert "aria-current" in player.read_text() and "autoplay" not in player.read_text()
    before = player.stat().st_ino
    pages.write_assets(settings)
    assert player.stat().st_ino == before  # unchanged: not rewritten
    player.write_text("// stale")
    pages.write_assets(settings)
    assert "aria-current" in player.read_text()


def test_pages_link_existing_assets_by_content_version(settings: Settings) -> None:
    sample = rendered(sample_article())
    written = pages.write_episode_page(
        settings, sample.episode, sample.script, sample.cues, sample.chapters, settings.feed("main")
    )
    written += [pages.write_feed_page(settings, feed(), [sample.episode])]
    pages.write_assets(settings)
    for relative in written:
        page = parse(settings.public_dir / relative)
        page_url = f"{BASE_URL}/{relative.removesuffix('index.html')}"
        sources = page.xpath("//script/@src|//link[@rel='stylesheet' or @rel='icon']/@href")
        assert len(sources) >= 2 and all(re.search(r"\?v=[0-9a-f]{10}$", src) for src in sources)
        for src in sources:
            url = urljoin(page_url, src).split("?")[0]
            assert url.startswith(f"{BASE_URL}/assets/"), (relative, src)
            assert (settings.public_dir / url.removeprefix(BASE_URL + "/")).is_file(), (relative, src)
        assert all(s.get("defer") is not None for s in page.xpath("//script[@src]"))
