"""The RSS feed as podcast apps read it: gPodder's podcastparser, feedparser, and XPath on the XML."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime, timedelta, timezone

import feedparser
import podcastparser
import pytest
from lxml import etree

from feeds import Channel, Item, build_rss, podcast_guid
from feeds.errors import FeedError

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
FEED_URL = "https://news.example.org/narrate/feeds/main.xml"
BUILT = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
CET = timezone(timedelta(hours=1))


def make_channel(**changes: object) -> Channel:
    channel = Channel(
        slug="main",
        title="Example News, read aloud",
        description="Our articles, narrated.",
        link="https://news.example.org/",
        feed_url=FEED_URL,
        language="en",
        image_url="https://news.example.org/narrate/cover-1.png",
        category="News",
        subcategory="Daily News",
        author="Example News",
        owner_name="Audio Desk",
        owner_email="audio@example.org",
        copyright="© 2026 Example News",
    )
    return dataclasses.replace(channel, **changes)


def make_item(number: int, published: datetime, **changes: object) -> Item:
    item = Item(
        guid=f"urn:narrate:episode-{number}",
        title=f"Episode {number}",
        description=f"Show notes for episode {number}.",
        link=f"https://news.example.org/articles/{number}",
        published=published,
        audio_url=f"https://news.example.org/narrate/audio/{number}.mp3",
        audio_bytes=100_000 + number,
        duration_seconds=60.0 * number + 0.6,
        transcript_url=f"https://news.example.org/narrate/transcripts/{number}.vtt",
        chapters_url=f"https://news.example.org/narrate/chapters/{number}.json",
        author=f"Reporter {number}",
    )
    return dataclasses.replace(item, **changes)


# Given out of order, and one in another time zone, to check the newest-first sorting.
ITEMS = [
    make_item(2, datetime(2026, 2, 10, 9, 0, tzinfo=timezone.utc)),
    make_item(3, datetime(2026, 2, 20, 10, 30, tzinfo=CET)),
    make_item(1, datetime(2026, 2, 1, 8, 15, tzinfo=timezone.utc)),
]


@pytest.fixture(scope="module")
def xml() -> bytes:
    return build_rss(make_channel(), ITEMS, built=BUILT)


@pytest.fixture(scope="module")
def root(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def xpath(root: etree._Element, path: str) -> list:
    return root.xpath(path, namespaces=NS)


def test_podcastparser_reads_channel_and_episodes(xml: bytes) -> None:
    parsed = podcastparser.parse(FEED_URL, io.BytesIO(xml))
    assert parsed["title"] == "Example News, read aloud"
    assert parsed["description"] == "Our articles, narrated."
    assert parsed["link"] == "https://news.example.org/"
    assert parsed["language"] == "en"
    assert parsed["explicit"] is False
    assert parsed["cover_url"] == "https://news.example.org/narrate/cover-1.png"
    assert parsed["itunes_categories"] == [["News", "Daily News"]]
    assert parsed["itunes_owner"] == {"name": "Audio Desk", "email": "audio@example.org"}
    assert parsed["type"] == "episodic"
    episodes = {episode["guid"]: episode for episode in parsed["episodes"]}
    assert set(episodes) == {"urn:narrate:episode-1", "urn:narrate:episode-2", "urn:narrate:episode-3"}
    third = episodes["urn:narrate:episode-3"]
    assert third["title"] == "Episode 3"
    assert third["description"] == "Show notes for episode 3."
    assert third["link"] == "https://news.example.org/articles/3"
    assert third["enclosures"] == [
        {"url": "https://news.example.org/narrate/audio/3.mp3", "file_size": 100_003, "mime_type": "audio/mpeg"}
    ]
    assert third["total_time"] == 181  # 180.6 s rounds to whole seconds
    assert third["published"] == int(datetime(2026, 2, 20, 9, 30, tzinfo=timezone.utc).timestamp())
    assert third["type"] == "full"


def test_feedparser_reads_without_errors(xml: bytes) -> None:
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Example News, read aloud"
    assert parsed.feed.language == "en"
    assert parsed.feed.link == "https://news.example.org/"
    assert [entry.id for entry in parsed.entries] == [
        "urn:narrate:episode-3",
        "urn:narrate:episode-2",
        "urn:narrate:episode-1",
    ]
    first = parsed.entries[0]
    assert first.title == "Episode 3"
    assert first.itunes_duration == "181"
    assert first.published_parsed[:6] == (2026, 2, 20, 9, 30, 0)
    (enclosure,) = first.enclosures
    assert (enclosure.href, enclosure.length, enclosure.type) == (
        "https://news.example.org/narrate/audio/3.mp3",
        "100003",
        "audio/mpeg",
    )
    assert first.podcast_transcript["url"] == "https://news.example.org/narrate/transcripts/3.vtt"


def test_channel_tags_for_apple_and_podcasting_2(root: etree._Element) -> None:
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert xpath(root, "/rss/channel/podcast:guid/text()") == [podcast_guid(FEED_URL)]
    assert xpath(root, "/rss/channel/podcast:locked/text()") == ["yes"]
    assert xpath(root, "/rss/channel/podcast:locked/@owner") == ["audio@example.org"]
    assert xpath(root, "/rss/channel/itunes:explicit/text()") == ["false"]
    assert xpath(root, "/rss/channel/itunes:category/@text") == ["News"]
    assert xpath(root, "/rss/channel/itunes:category/itunes:category/@text") == ["Daily News"]
    assert xpath(root, "/rss/channel/itunes:image/@href") == ["https://news.example.org/narrate/cover-1.png"]
    assert xpath(root, "/rss/channel/itunes:author/text()") == ["Example News"]
    assert xpath(root, "/rss/channel/itunes:owner/itunes:email/text()") == ["audio@example.org"]
    assert xpath(root, "/rss/channel/itunes:type/text()") == ["episodic"]
    assert xpath(root, "/rss/channel/copyright/text()") == ["© 2026 Example News"]
    assert xpath(root, "/rss/channel/language/text()") == ["en"]
    assert xpath(root, "/rss/channel/lastBuildDate/text()") == ["Sun, 01 Mar 2026 12:00:00 +0000"]


def test_self_link_is_the_feed_and_channel_link_is_the_website(root: etree._Element) -> None:
    assert xpath(root, "/rss/channel/atom:link[@rel='self']/@href") == [FEED_URL]
    assert xpath(root, "/rss/channel/atom:link[@rel='self']/@type") == ["application/rss+xml"]
    assert xpath(root, "/rss/channel/link/text()") == ["https://news.example.org/"]


def test_items_newest_first_with_episode_tags(root: etree._Element) -> None:
    assert xpath(root, "/rss/channel/item/guid/text()") == [
        "urn:narrate:episode-3",
        "urn:narrate:episode-2",
        "urn:narrate:episode-1",
    ]
    item = xpath(root, "/rss/channel/item")[0]
    assert xpath(item, "guid/@isPermaLink") == ["false"]
    assert xpath(item, "pubDate/text()") == ["Fri, 20 Feb 2026 10:30:00 +0100"]
    assert xpath(item, "enclosure/@length") == ["100003"]
    assert xpath(item, "itunes:duration/text()") == ["181"]
    assert xpath(item, "itunes:episodeType/text()") == ["full"]
    assert xpath(item, "itunes:author/text()") == ["Reporter 3"]
    assert xpath(item, "podcast:transcript/@url") == ["https://news.example.org/narrate/transcripts/3.vtt"]
    assert xpath(item, "podcast:transcript/@type") == ["text/vtt"]
    assert xpath(item, "podcast:transcript/@language") == ["en"]
    assert xpath(item, "podcast:transcript/@rel") == ["captions"]
    assert xpath(item, "podcast:chapters/@url") == ["https://news.example.org/narrate/chapters/3.json"]
    assert xpath(item, "podcast:chapters/@type") == ["application/json+chapters"]
    assert xpath(item, "podcast:txt[@purpose='ai-content']/text()") == ["true"]


def test_same_input_gives_same_bytes(xml: bytes) -> None:
    assert build_rss(make_channel(), list(reversed(ITEMS)), built=BUILT) == xml


def test_build_time_defaults_to_now() -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    root = etree.fromstring(build_rss(make_channel(), ITEMS))
    (text,) = xpath(root, "/rss/channel/lastBuildDate/text()")
    built = datetime.strptime(text, "%a, %d %b %Y %H:%M:%S %z")
    assert before <= built <= datetime.now(timezone.utc)


def test_awkward_text_stays_valid_xml_and_round_trips() -> None:
    title = 'Cities ]]> & "suburbs" <b>not bold</b> 🎧\x01\x0b done'
    expected = 'Cities ]]> & "suburbs" <b>not bold</b> 🎧 done'
    item = make_item(1, BUILT, title=title, description=f"Notes: {title}")
    xml = build_rss(make_channel(title=title), [item], built=BUILT)
    root = etree.fromstring(xml)
    assert xpath(root, "/rss/channel/title/text()") == [expected]
    assert xpath(root, "/rss/channel/item/title/text()") == [expected]
    assert xpath(root, "/rss/channel/item/description/text()") == [f"Notes: {expected}"]
    assert podcastparser.parse(FEED_URL, io.BytesIO(xml))["episodes"][0]["title"] == expected
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0
    assert parsed.entries[0].title == expected


def test_long_description_is_cut_to_apples_limit() -> None:
    description = "Überblick über die Nachrichten. " * 200
    root = etree.fromstring(build_rss(make_channel(description=description), ITEMS, built=BUILT))
    (text,) = xpath(root, "/rss/channel/description/text()")
    assert 3900 < len(text.encode("utf-8")) <= 4000
    assert text.endswith("…")
    assert description.startswith(text[:-1])


def test_explicit_show_and_category_with_ampersand() -> None:
    channel = make_channel(explicit=True, category="Society & Culture", subcategory=None)
    xml = build_rss(channel, ITEMS, built=BUILT)
    assert b'<itunes:category text="Society &amp; Culture"/>' in xml
    root = etree.fromstring(xml)
    assert xpath(root, "/rss/channel/itunes:explicit/text()") == ["true"]
    assert podcastparser.parse(FEED_URL, io.BytesIO(xml))["explicit"] is True


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"category": "Games & Hobbies", "subcategory": None}, "Games & Hobbies"),
        ({"category": "News", "subcategory": "Gossip"}, "Gossip"),
    ],
)
def test_unknown_apple_category_is_refused(changes: dict, named: str) -> None:
    with pytest.raises(FeedError, match=named):
        build_rss(make_channel(**changes), ITEMS, built=BUILT)


def test_jpeg_cover_with_query_is_kept_and_gif_refused() -> None:
    # feedgen's own itunes_image silently drops both .jpeg and URLs with a query.
    url = "https://news.example.org/narrate/cover.jpeg?v=3"
    root = etree.fromstring(build_rss(make_channel(image_url=url), ITEMS, built=BUILT))
    assert xpath(root, "/rss/channel/itunes:image/@href") == [url]
    with pytest.raises(FeedError, match="cover.gif"):
        build_rss(make_channel(image_url="https://news.example.org/cover.gif"), ITEMS, built=BUILT)


def test_optional_parts_left_out_cleanly() -> None:
    channel = make_channel(owner_name=None, owner_email="", copyright=None, locked=False)
    item = make_item(1, BUILT, transcript_url=None, chapters_url=None, author=None, link=None, ai_voice=False)
    root = etree.fromstring(build_rss(channel, [item], built=BUILT))
    assert xpath(root, "/rss/channel/itunes:owner") == []
    assert xpath(root, "/rss/channel/copyright") == []
    assert xpath(root, "/rss/channel/podcast:locked/text()") == ["no"]
    assert xpath(root, "/rss/channel/podcast:locked/@owner") == []
    assert [child.tag for child in xpath(root, "/rss/channel/item")[0]] == [
        "title",
        "description",
        "guid",
        "enclosure",
        "pubDate",
        f"{{{NS['itunes']}}}duration",
        f"{{{NS['itunes']}}}episodeType",
    ]


def test_owner_name_falls_back_to_author() -> None:
    root = etree.fromstring(build_rss(make_channel(owner_name=""), ITEMS, built=BUILT))
    assert xpath(root, "/rss/channel/itunes:owner/itunes:name/text()") == ["Example News"]


def test_transcript_language_follows_the_item() -> None:
    item = make_item(1, BUILT, language="de")
    root = etree.fromstring(build_rss(make_channel(), [item], built=BUILT))
    assert xpath(root, "/rss/channel/item/podcast:transcript/@language") == ["de"]


def test_duplicate_guid_is_refused() -> None:
    with pytest.raises(FeedError, match="urn:narrate:episode-2"):
        build_rss(make_channel(), [*ITEMS, make_item(2, BUILT)], built=BUILT)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"published": datetime(2026, 1, 1, 9, 0)}, "time zone"),
        ({"audio_url": "/narrate/audio/1.mp3"}, "absolute"),
        ({"audio_bytes": 0}, "size"),
        ({"guid": " "}, "guid"),
    ],
)
def test_invalid_item_is_refused(changes: dict, message: str) -> None:
    valid = make_item(1, BUILT)
    with pytest.raises(FeedError, match=message):
        dataclasses.replace(valid, **changes)


def test_five_thousand_items_are_all_listed_newest_first() -> None:
    """How the build time grows is measured by bench/feeds.py."""
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    items = [make_item(number, start + timedelta(hours=number)) for number in range(1, 5001)]
    root = etree.fromstring(build_rss(make_channel(), items, built=BUILT))
    guids = xpath(root, "/rss/channel/item/guid/text()")
    assert guids[0] == "urn:narrate:episode-5000" and guids[-1] == "urn:narrate:episode-1"
    assert len(guids) == 5000


def test_ten_thousand_items_parse_with_lxml_and_feedparser() -> None:
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    items = [
        make_item(
            number,
            # Pairs of episodes share a date, so the guid has to decide their order.
            start + timedelta(hours=number // 2),
            title=f"Episode {number}\x0b of many",
            transcript_url=None if number % 7 == 0 else f"https://news.example.org/narrate/transcripts/{number}.vtt",
            chapters_url=None if number % 11 == 0 else f"https://news.example.org/narrate/chapters/{number}.json",
        )
        for number in range(1, 10_001)
    ]
    expected = [item.guid for item in sorted(items, key=lambda i: (i.published, i.guid), reverse=True)]
    assert expected[:3] == ["urn:narrate:episode-10000", "urn:narrate:episode-9999", "urn:narrate:episode-9998"]
    xml = build_rss(make_channel(), items, built=BUILT)

    root = etree.fromstring(xml)
    assert len(xpath(root, "/rss/channel/item")) == 10_000
    assert xpath(root, "/rss/channel/item/guid/text()") == expected
    assert len(xpath(root, "/rss/channel/item/podcast:transcript")) == 10_000 - 10_000 // 7
    assert len(xpath(root, "/rss/channel/item/podcast:chapters")) == 10_000 - 10_000 // 11
    assert len(xpath(root, "/rss/channel/item/itunes:duration")) == 10_000
    # The namespaces are declared once, on <rss>, not again on every item.
    assert xml.count(b"xmlns:itunes=") == 1 and xml.count(b"xmlns:podcast=") == 1

    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert [entry.id for entry in parsed.entries] == expected
    last = parsed.entries[-1]
    assert last.title == "Episode 1 of many"
    assert last.itunes_duration == "61"
    assert [(e.href, e.length) for e in last.enclosures] == [("https://news.example.org/narrate/audio/1.mp3", "100001")]


def test_each_item_keeps_only_its_own_optional_tags() -> None:
    bare = make_item(1, BUILT, link=None, description="\x01 ", author="\x02", transcript_url=None, chapters_url=None)
    full = make_item(2, BUILT - timedelta(days=1))
    quiet = make_item(3, BUILT - timedelta(days=2), ai_voice=False)
    root = etree.fromstring(build_rss(make_channel(), [bare, full, quiet], built=BUILT))
    itunes, podcast = "{%s}" % NS["itunes"], "{%s}" % NS["podcast"]
    tags = [[child.tag for child in item] for item in xpath(root, "/rss/channel/item")]
    rss = ["title", "link", "description", "guid", "enclosure", "pubDate"]
    everything = [*rss, f"{itunes}author", f"{itunes}duration", f"{itunes}episodeType"]
    everything += [f"{podcast}transcript", f"{podcast}chapters", f"{podcast}txt"]
    assert tags == [
        ["title", "guid", "enclosure", "pubDate", f"{itunes}duration", f"{itunes}episodeType", f"{podcast}txt"],
        everything,
        everything[:-1],
    ]
    assert xpath(root, "/rss/channel/item[2]/podcast:transcript/@url") == [full.transcript_url]
    assert xpath(root, "/rss/channel/item[2]/enclosure/@url") == [full.audio_url]
    assert xpath(root, "/rss/channel/item[3]/enclosure/@url") == [quiet.audio_url]


def test_equal_dates_are_ordered_by_guid_whatever_the_input_order() -> None:
    items = [make_item(number, BUILT) for number in (4, 7, 5)]
    feeds = [build_rss(make_channel(), order, built=BUILT) for order in (items, items[::-1], items[1:] + items[:1])]
    assert feeds[0] == feeds[1] == feeds[2]
    assert xpath(etree.fromstring(feeds[0]), "/rss/channel/item/guid/text()") == [
        "urn:narrate:episode-7",
        "urn:narrate:episode-5",
        "urn:narrate:episode-4",
    ]


def test_publication_date_keeps_its_own_offset() -> None:
    newfoundland = timezone(-timedelta(hours=3, minutes=30))
    item = make_item(1, datetime(2026, 7, 4, 23, 5, 9, 999_999, tzinfo=newfoundland))
    root = etree.fromstring(build_rss(make_channel(), [item], built=BUILT))
    assert xpath(root, "/rss/channel/item/pubDate/text()") == ["Sat, 04 Jul 2026 23:05:09 -0330"]


def test_guid_control_characters_are_dropped_before_checking_duplicates() -> None:
    first = make_item(1, BUILT, guid="urn:narrate:\x07episode-1")
    root = etree.fromstring(build_rss(make_channel(), [first], built=BUILT))
    assert xpath(root, "/rss/channel/item/guid/text()") == ["urn:narrate:episode-1"]
    with pytest.raises(FeedError, match="duplicate episode guid 'urn:narrate:episode-1'"):
        build_rss(make_channel(), [first, make_item(1, BUILT)], built=BUILT)


@pytest.mark.parametrize(("changes", "message"), [({"title": "\x01\x02 "}, "empty title"), ({"guid": "\x7f"}, "guid")])
def test_text_made_only_of_control_characters_is_refused(changes: dict, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        make_item(1, BUILT, **changes)
