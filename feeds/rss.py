"""The podcast RSS feed: a Channel and its Items as the XML podcast apps subscribe to."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.errors import FeedError
from feeds.model import Channel, Item
from feeds.podcast import ITUNES_NS, PODCAST_NS, AppleExtension, PodcastIndexExtension, podcast_guid
from feeds.text import fit_bytes, one_line, strip_control

# Apple's limit for the show description.
DESCRIPTION_LIMIT_BYTES = 4000

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# feedgen's output is our own, but never let a parser resolve entities or fetch anything.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def build_rss(channel: Channel, items: Sequence[Item], built: datetime | None = None) -> bytes:
    """The feed as UTF-8 XML, newest episode first; identical input and ``built`` give identical bytes.

    ``built`` is the lastBuildDate (tz-aware; now when None). Raises ValueError for duplicate
    guids or values Apple rejects (unknown category, cover art that is not JPEG/PNG).
    """
    if built is None:
        built = datetime.now(timezone.utc)
    elif built.tzinfo is None:
        raise FeedError("feed build time has no time zone")
    # feedgen writes the channel. Its entries cost about 0.1 ms each (an object, three extensions
    # and a locale switch per episode), so items are filled in from a template straight into the
    # channel element: 10,000 episodes take a fraction of a second instead of well over one.
    root = etree.fromstring(_channel_feed(channel, built).rss_str(), _PARSER)
    channel_element = root.find("channel")
    template = _item_template()
    language = channel.language.strip()
    seen: set[str] = set()
    # The guid breaks ties so that equal dates still give the same bytes.
    for item in sorted(items, key=lambda i: (i.published, i.guid), reverse=True):
        guid = strip_control(item.guid)
        if guid in seen:
            raise FeedError(f"duplicate episode guid {guid!r}")
        seen.add(guid)
        channel_element.append(_item_element(template, item, guid, language))
    return etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)


def _channel_feed(channel: Channel, built: datetime) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("apple", AppleExtension)
    fg.register_extension("podcastindex", PodcastIndexExtension)

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

    author = one_line(channel.author or "")
    if author:
        fg.podcast.itunes_author(author)
    if channel.owner_email:
        # An author of only spaces or controls is no name: feedgen refuses an owner without one.
        owner = next(name for name in (one_line(channel.owner_name or ""), author, one_line(channel.title)) if name)
        fg.podcast.itunes_owner(name=owner, email=channel.owner_email.strip())
    fg.podcast.itunes_type("episodic")
    fg.apple.image(channel.image_url)
    fg.apple.category(channel.category, channel.subcategory)
    fg.apple.explicit(channel.explicit)
    fg.podcastindex.guid(channel.guid or podcast_guid(channel.feed_url))
    fg.podcastindex.locked(channel.locked, channel.owner_email)
    return fg


def _item_template() -> etree._Element:
    """An <item> with every tag an episode can have, in feedgen's order, and the values all episodes share."""
    item = etree.Element("item", nsmap={"itunes": ITUNES_NS, "podcast": PODCAST_NS})
    for tag in ("title", "link", "description"):
        etree.SubElement(item, tag)
    etree.SubElement(item, "guid", isPermaLink="false")
    etree.SubElement(item, "enclosure", url="", length="", type="audio/mpeg")
    etree.SubElement(item, "pubDate")
    etree.SubElement(item, f"{{{ITUNES_NS}}}author")
    etree.SubElement(item, f"{{{ITUNES_NS}}}duration")
    etree.SubElement(item, f"{{{ITUNES_NS}}}episodeType").text = "full"
    etree.SubElement(item, f"{{{PODCAST_NS}}}transcript", url="", type="text/vtt", language="", rel="captions")
    etree.SubElement(item, f"{{{PODCAST_NS}}}chapters", url="", type="application/json+chapters")
    etree.SubElement(item, f"{{{PODCAST_NS}}}txt", purpose="ai-content").text = "true"
    return item


def _item_element(template: etree._Element, item: Item, guid: str, channel_language: str) -> etree._Element:
    """A copy of ``template`` filled in for ``item``; tags it has no value for are removed."""
    # Copying a finished tree is several times cheaper in lxml than building one element and
    # attribute at a time. The namespace declarations the copy carries are dropped on append
    # because the feed's root declares the same ones.
    element = copy.deepcopy(template)
    title, link, description, guid_tag, enclosure, pub_date, author, duration, _, transcript, chapters, txt = element
    title.text = one_line(item.title)
    if item.link:
        link.text = item.link
    else:
        element.remove(link)
    notes = strip_control(item.description).strip()
    if notes:
        description.text = notes
    else:
        element.remove(description)
    guid_tag.text = guid
    enclosure.set("url", item.audio_url)
    enclosure.set("length", str(item.audio_bytes))
    pub_date.text = _rfc2822(item.published)
    artist = one_line(item.author) if item.author else ""
    if artist:
        author.text = artist
    else:
        element.remove(author)
    duration.text = str(round(item.duration_seconds))
    if item.transcript_url:
        transcript.set("url", item.transcript_url)
        transcript.set("language", item.language or channel_language)
    else:
        element.remove(transcript)
    if item.chapters_url:
        chapters.set("url", item.chapters_url)
    else:
        element.remove(chapters)
    if not item.ai_voice:
        element.remove(txt)
    return element


def _rfc2822(moment: datetime) -> str:
    """``moment`` as an RFC 2822 date with its own offset, in English whatever the locale (unlike strftime)."""
    minutes = round(moment.utcoffset() / timedelta(minutes=1))
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return (
        f"{_WEEKDAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment.year:04d} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} {sign}{hours:02d}{minutes:02d}"
    )
