"""The podcast RSS feed: a Channel and its Items as the XML podcast apps subscribe to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from feedgen.feed import FeedGenerator

from feeds.model import Channel, Item
from feeds.podcast import AppleExtension, PodcastIndexEntryExtension, PodcastIndexExtension, podcast_guid
from feeds.text import fit_bytes, one_line, strip_control

# Apple's limit for the show description.
DESCRIPTION_LIMIT_BYTES = 4000


def build_rss(channel: Channel, items: Sequence[Item], built: datetime | None = None) -> bytes:
    """The feed as UTF-8 XML, newest episode first; identical input and ``built`` give identical bytes.

    ``built`` is the lastBuildDate (tz-aware; now when None). Raises ValueError for duplicate
    guids or values Apple rejects (unknown category, cover art that is not JPEG/PNG).
    """
    if built is None:
        built = datetime.now(timezone.utc)
    elif built.tzinfo is None:
        raise ValueError("feed build time has no time zone")
    fg = _channel_feed(channel, built)
    seen: set[str] = set()
    # Sorting here and appending keeps the order explicit (add_entry prepends by default)
    # and linear; the guid breaks ties so equal dates still give the same bytes.
    for item in sorted(items, key=lambda i: (i.published, i.guid), reverse=True):
        if item.guid in seen:
            raise ValueError(f"duplicate episode guid {item.guid!r}")
        seen.add(item.guid)
        _add_item(fg, item, channel.language)
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def _channel_feed(channel: Channel, built: datetime) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("apple", AppleExtension)
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)

    title = one_line(channel.title)
    fg.title(title)
    fg.description(fit_bytes(strip_control(channel.description).strip(), DESCRIPTION_LIMIT_BYTES))
    # RSS <link> takes the last link given, atom:link rel=self the first self link.
    fg.link(href=channel.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=channel.link, rel="alternate")
    fg.language(channel.language.strip())
    fg.lastBuildDate(built)
    fg.generator("Narrate")
    fg.image(url=channel.image_url, title=title, link=channel.link)
    if channel.copyright:
        fg.copyright(one_line(channel.copyright))

    if channel.author:
        fg.podcast.itunes_author(one_line(channel.author))
    if channel.owner_email:
        owner = channel.owner_name or channel.author or channel.title
        fg.podcast.itunes_owner(name=one_line(owner), email=channel.owner_email.strip())
    fg.podcast.itunes_type("episodic")
    fg.apple.image(channel.image_url)
    fg.apple.category(channel.category, channel.subcategory)
    fg.apple.explicit(channel.explicit)
    fg.podcastindex.guid(channel.guid or podcast_guid(channel.feed_url))
    fg.podcastindex.locked(channel.locked, channel.owner_email)
    return fg


def _add_item(fg: FeedGenerator, item: Item, channel_language: str) -> None:
    entry = fg.add_entry(order="append")
    entry.guid(strip_control(item.guid), permalink=False)
    entry.title(one_line(item.title))
    description = strip_control(item.description).strip()
    if description:
        entry.description(description)
    if item.link:
        entry.link(href=item.link)
    entry.pubDate(item.published)
    entry.enclosure(item.audio_url, str(item.audio_bytes), "audio/mpeg")
    entry.podcast.itunes_duration(str(round(item.duration_seconds)))
    entry.podcast.itunes_episode_type("full")
    if item.author:
        entry.podcast.itunes_author(one_line(item.author))
    if item.transcript_url:
        entry.podcastindex.transcript(item.transcript_url, language=item.language or channel_language)
    if item.chapters_url:
        entry.podcastindex.chapters(item.chapters_url)
    entry.podcastindex.ai_content(item.ai_voice)
