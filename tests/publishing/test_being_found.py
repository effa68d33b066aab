"""How apps, directories and search engines find an episode: feed links and owner, JSON-LD, Open Graph, sitemap.

Episodes are stored in a real SQLite database and published by publish_feed, as a render publishes them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from lxml import etree, html

from narrate import pipeline
from narrate.publishing import errorpage, jsonld, pages
from narrate.publishing.feed import owner_notice, owner_notices
from narrate.publishing.publish import publish_feed
from narrate.settings import FeedSettings, Settings
from narrate.store import Store
from tests.conftest import BASE_URL
from tests.publishing.samples import HOSTILE_TITLE, Rendered, rendered, sample_article
from tests.support.reading import parse

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
OWNED = {"owner_name": "Audio desk", "owner_email": "audio@example.org"}


def with_feed(settings: Settings, **values: object) -> FeedSettings:
    feed = dataclasses.replace(settings.feed("main"), **values)
    settings.feeds["main"] = feed
    return feed


def publish(settings: Settings, *samples: Rendered) -> tuple[Store, etree._Element]:
    """Store the samples' episodes, write their pages, publish the feed; the parsed RSS."""
    store = Store(settings.db_url, settings.public_dir)
    for sample in samples:
        store.save(sample.episode)
    for sample in samples:
        pages.write_episode_page(
            settings, store.get(sample.episode.id), sample.script, sample.cues, sample.chapters, settings.feed("main")
        )
    path = publish_feed(settings, store, "main")
    return store, etree.parse(str(path)).getroot()


def without_url(episode_id: str) -> Rendered:
    article = sample_article(title="Notes from the meeting")
    article.canonical_url = None
    sample = rendered(article, episode_id=episode_id)
    sample.episode.link = None
    sample.episode.published = dt.date(2024, 3, 1)
    return sample


@pytest.fixture
def two(settings: Settings) -> tuple[Rendered, Rendered]:
    return rendered(sample_article(), episode_id="aaaaaaaaaaaa"), without_url("bbbbbbbbbbbb")


def test_item_links_go_to_the_episode_page_with_or_without_an_article_url(
    settings: Settings, two: tuple[Rendered, Rendered]
) -> None:
    _, rss = publish(settings, *two)
    links = {item.findtext("guid"): item.findtext("link") for item in rss.iter("item")}
    assert links == {s.episode.guid: f"{BASE_URL}/episodes/{s.episode.id}/" for s in two}
    assert not any(link.endswith(".mp3") for link in links.values())
    # The MP3 is the enclosure (the original article is named by the show notes and the page).
    with_url = next(i for i in rss.iter("item") if i.findtext("guid") == two[0].episode.guid)
    assert with_url.find("enclosure").get("url") == f"{BASE_URL}/{two[0].episode.audio_path}"


def test_the_channel_link_is_the_feed_pages_final_url_unless_the_publisher_gave_one(settings: Settings) -> None:
    _, rss = publish(settings)
    assert rss.find("channel").findtext("link") == f"{BASE_URL}/feeds/main/"  # with the slash: no redirect
    with_feed(settings, link="https://news.example.org/")
    _, rss = publish(settings)
    assert rss.find("channel").findtext("link") == "https://news.example.org/"


def test_owner_is_in_the_feed_once_given_and_a_notice_says_so_until_then(settings: Settings) -> None:
    _, rss = publish(settings)
    assert rss.find("channel/itunes:owner", NS) is None
    notice = owner_notice(settings.feed("main"))
    assert notice is not None and "feed 'main' has no owner name and owner e-mail" in notice
    assert "narrate feed edit main --owner-name 'Audio desk' --owner-email audio@example.org" in notice
    assert owner_notices(settings) == [notice]

    with_feed(settings, owner_email="audio@example.org")
    assert "has no owner name," in str(owner_notice(settings.feed("main")))
    with_feed(settings, **OWNED)
    assert owner_notice(settings.feed("main")) is None and owner_notices(settings) == []
    _, rss = publish(settings)
    owner = rss.find("channel/itunes:owner", NS)
    assert owner.findtext("itunes:name", namespaces=NS) == "Audio desk"
    assert owner.findtext("itunes:email", namespaces=NS) == "audio@example.org"


def ld_json(page: html.HtmlElement) -> dict:
    [script] = page.xpath("//script[@type='application/ld+json']")
    return json.loads(script.text)


def test_the_episode_page_says_what_it_is_in_json_ld_and_open_graph(
    settings: Settings, two: tuple[Rendered, Rendered]
) -> None:
    _, rss = publish(settings, *two)
    sample = two[0]
    page = parse(settings.public_dir / f"episodes/{sample.episode.id}/index.html")
    data = ld_json(page)
    enclosure = next(i for i in rss.iter("item") if i.findtext("guid") == sample.episode.guid).find("enclosure")
    assert data["@context"] == "https://schema.org" and data["@type"] == "PodcastEpisode"
    assert data["url"] == f"{BASE_URL}/episodes/{sample.episode.id}/" and data["name"] == sample.episode.title
    audio = data["associatedMedia"]
    assert audio["@type"] == "AudioObject" and audio["contentUrl"] == enclosure.get("url")
    assert audio["encodingFormat"] == enclosure.get("type") == "audio/mpeg"
    assert data["duration"] == audio["duration"] == "PT3M5S"  # 185 s
    # The transcript is the page's own, sentence for sentence.
    for segment in sample.script.segments:
        assert segment.caption in audio["transcript"]
    assert audio["transcript"].index("What changes for farms") < audio["transcript"].index("Who pays")
    assert data["isBasedOn"] == {
        "@type": "Article", "headline": sample.episode.title, "url": "https://news.example.org/2024/water-bill",
        "author": {"@type": "Person", "name": "Maria Lopez"}, "publisher": {"@type": "Organization", "name": "Valley News"},
        "datePublished": "2024-02-06", "inLanguage": "en",
    }  # fmt: skip
    series = data["partOfSeries"]
    assert series["@type"] == "PodcastSeries" and series["webFeed"] == f"{BASE_URL}/feeds/main.xml"
    assert series["url"] == f"{BASE_URL}/feeds/main/"

    og = {m.get("property"): m.get("content") for m in page.xpath("//meta[starts-with(@property, 'og:')]")}
    assert og["og:audio"] == og["og:audio:secure_url"] == enclosure.get("url")
    assert og["og:audio:type"] == "audio/mpeg" and og["og:url"] == data["url"]
    assert og["og:title"] == sample.episode.title and og["og:site_name"] == "Narrate"
    [alternate] = page.xpath("//link[@rel='alternate']")
    assert alternate.get("type") == "application/rss+xml" and alternate.get("href") == "../../feeds/main.xml"

    # An article without a URL: no original to name, the rest is there.
    other = ld_json(parse(settings.public_dir / f"episodes/{two[1].episode.id}/index.html"))
    assert "url" not in other["isBasedOn"] and other["isBasedOn"]["headline"] == "Notes from the meeting"
    assert other["datePublished"] == "2024-03-01"


def test_the_feed_page_links_its_feed_and_says_it_is_a_podcast_series(settings: Settings) -> None:
    publish(settings)
    page = parse(settings.public_dir / "feeds/main/index.html")
    [alternate] = page.xpath("//link[@rel='alternate']")
    assert alternate.get("type") == "application/rss+xml" and alternate.get("href") == "../../feeds/main.xml"
    data = ld_json(page)
    assert data["@type"] == "PodcastSeries" and data["webFeed"] == f"{BASE_URL}/feeds/main.xml"
    assert data["url"] == f"{BASE_URL}/feeds/main/" and data["image"].startswith(f"{BASE_URL}/feeds/main-cover-")


def test_json_ld_cannot_end_its_script_element(settings: Settings) -> None:
    sample = rendered(sample_article(title=HOSTILE_TITLE + " </script><!-- & -->"))
    publish(settings, sample)
    raw = (settings.public_dir / f"episodes/{sample.episode.id}/index.html").read_text()
    block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["name"] == HOSTILE_TITLE + " </script><!-- & -->"


@pytest.mark.parametrize(("seconds", "text"), [(0, "PT0S"), (59.6, "PT1M0S"), (185, "PT3M5S"), (3725, "PT1H2M5S")])
def test_durations_are_iso_8601(seconds: float, text: str) -> None:
    assert jsonld.iso_duration(seconds) == text


def sitemap(settings: Settings) -> list[str]:
    root = etree.parse(str(settings.public_dir / "sitemap.xml")).getroot()
    assert root.tag == f"{{{NS['sm']}}}urlset"
    return [url.findtext("sm:loc", namespaces=NS) for url in root.findall("sm:url", NS)]


def test_the_sitemap_lists_every_page_and_forgets_an_unpublished_one(
    settings: Settings, two: tuple[Rendered, Rendered]
) -> None:
    research = FeedSettings(slug="research", title="Research", description="Papers.", **OWNED)
    settings.feeds["research"] = research
    third = rendered(sample_article(title="Research notes"), episode_id="cccccccccccc")
    third.episode.feed = "research"
    store, _ = publish(settings, *two)
    store.save(third.episode)
    pages.write_episode_page(settings, third.episode, third.script, third.cues, third.chapters, research)
    publish_feed(settings, store, "research")
    pages_written = [f"{BASE_URL}/feeds/main/", f"{BASE_URL}/feeds/research/"] + [
        f"{BASE_URL}/episodes/{s.episode.id}/" for s in (*two, third)
    ]
    assert sorted(sitemap(settings)) == sorted(pages_written)
    for url in pages_written:  # every page listed is on disk
        assert (settings.public_dir / url.removeprefix(BASE_URL + "/") / "index.html").is_file(), url
    root = etree.parse(str(settings.public_dir / "sitemap.xml")).getroot()
    assert all(dt.date.fromisoformat(m.text) for m in root.iter(f"{{{NS['sm']}}}lastmod"))

    pipeline.unpublish(settings, store, two[0].episode.id)
    assert f"{BASE_URL}/episodes/{two[0].episode.id}/" not in sitemap(settings)
    assert len(sitemap(settings)) == len(pages_written) - 1


def test_publishing_writes_a_404_page_for_static_servers(settings: Settings) -> None:
    publish(settings)
    page = parse(settings.public_dir / errorpage.ERROR_PAGE)
    assert page.get("lang") == "en" and page.findtext(".//title") == "Page not found (404)"
    assert f"{BASE_URL}/feeds/main/" in page.xpath("//main//a/@href")
    # Served at any depth: its style sheet is found by its absolute URL.
    assert all(href.startswith(f"{BASE_URL}/assets/") for href in page.xpath("//link[@rel='stylesheet']/@href"))
