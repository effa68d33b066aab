"""feedgen extensions for the channel: the Podcasting 2.0 namespace, and the itunes tags feedgen 1.0 gets wrong.

Register both next to feedgen's own podcast extension::

    fg.load_extension("podcast")
    fg.register_extension("apple", AppleExtension)
    fg.register_extension("podcastindex", PodcastIndexExtension)

Then ``fg.apple`` sets itunes:explicit, itunes:category and itunes:image (leave those unset on
``fg.podcast``) and ``fg.podcastindex`` the channel's podcast:* tags. Items are not feedgen entries
(see feeds.rss): their podcast:* tags are written there, with these namespace constants.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from feedgen.ext.base import BaseExtension
from lxml import etree

from feeds.errors import FeedError

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"

# Fixed by the Podcasting 2.0 spec so that anyone can recompute a feed's guid from its URL.
_PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": ("Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden", "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News", "Daily News", "Entertainment News", "News Commentary", "Politics", "Sports News", "Tech News",
    ),
    "Religion & Spirituality": ("Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality"),
    "Science": (
        "Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics", "Natural Sciences", "Nature",
        "Physics", "Social Sciences",
    ),
    "Society & Culture": ("Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"),
    "Sports": (
        "Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby", "Running",
        "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}
"""Apple Podcasts categories and their subcategories (the list in force since 2019), spelled as the feed needs them."""

_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


def podcast_guid(feed_url: str) -> str:
    """The podcast:guid of a feed: UUIDv5 of its URL without scheme and trailing slashes."""
    name = _SCHEME.sub("", feed_url.strip()).rstrip("/")
    if not name:
        raise FeedError(f"cannot derive a podcast guid from feed URL {feed_url!r}")
    return str(uuid.uuid5(_PODCAST_GUID_NAMESPACE, name))


def check_category(category: str, subcategory: str | None = None) -> None:
    """Raise ValueError unless ``category`` (and ``subcategory``, if given) is on Apple's list."""
    if category not in APPLE_CATEGORIES:
        raise FeedError(f"unknown Apple Podcasts category {category!r}")
    if subcategory and subcategory not in APPLE_CATEGORIES[category]:
        raise FeedError(f"unknown Apple Podcasts subcategory {subcategory!r} of {category!r}")


class AppleExtension(BaseExtension):
    """Channel itunes tags as Apple reads them today, where feedgen's podcast extension is outdated or lossy."""

    def __init__(self) -> None:
        self._explicit: bool | None = None
        self._category: tuple[str, str | None] | None = None
        self._image: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"itunes": ITUNES_NS}

    def explicit(self, explicit: bool) -> None:
        """Declare whether the show is explicit; written as true/false, which Apple now requires."""
        self._explicit = explicit

    def category(self, category: str, subcategory: str | None = None) -> None:
        """Set the show's category from Apple's current list; ValueError names an unknown one."""
        check_category(category, subcategory)
        self._category = (category, subcategory or None)

    def image(self, url: str) -> None:
        """Set the cover art URL; ValueError unless its path ends in .jpg, .jpeg or .png."""
        if not urlsplit(url).path.lower().endswith(_IMAGE_SUFFIXES):
            raise FeedError(f"cover art URL must end in .jpg, .jpeg or .png: {url!r}")
        self._image = url

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed[0]  # feedgen passes the <rss> root
        if self._image is not None:
            etree.SubElement(channel, f"{{{ITUNES_NS}}}image", href=self._image)
        if self._category is not None:
            category, subcategory = self._category
            element = etree.SubElement(channel, f"{{{ITUNES_NS}}}category", attrib={"text": category})
            if subcategory:
                etree.SubElement(element, f"{{{ITUNES_NS}}}category", attrib={"text": subcategory})
        if self._explicit is not None:
            etree.SubElement(channel, f"{{{ITUNES_NS}}}explicit").text = "true" if self._explicit else "false"
        return feed


class PodcastIndexExtension(BaseExtension):
    """Channel tags of the Podcasting 2.0 namespace: podcast:guid and podcast:locked."""

    def __init__(self) -> None:
        self._guid: str | None = None
        self._locked: tuple[bool, str | None] | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def guid(self, guid: str) -> None:
        """Set podcast:guid (see ``podcast_guid``); it must never change once published."""
        self._guid = guid

    def locked(self, locked: bool, owner: str | None = None) -> None:
        """Tell other platforms whether they may import the feed; ``owner`` is the e-mail that may unlock it."""
        self._locked = (locked, owner or None)

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed[0]  # feedgen passes the <rss> root
        if self._guid is not None:
            etree.SubElement(channel, f"{{{PODCAST_NS}}}guid").text = self._guid
        if self._locked is not None:
            locked, owner = self._locked
            element = etree.SubElement(channel, f"{{{PODCAST_NS}}}locked")
            if owner:
                element.set("owner", owner)
            element.text = "yes" if locked else "no"
        return feed
