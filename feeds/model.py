"""What a podcast feed says: the show (Channel) and its episodes (Item)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from feeds.errors import FeedError
from feeds.text import one_line, strip_control


def _require_absolute_url(url: str, what: str) -> None:
    """Raise FeedError unless ``url`` is an absolute http(s) URL: podcast apps fetch it from anywhere."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FeedError(f"{what} must be an absolute http(s) URL, got {url!r}")


@dataclass(frozen=True, kw_only=True)
class Channel:
    """One podcast feed: the show as podcast apps and directories list it.

    Optional text fields may be None or "": settings files leave unset values empty.
    """

    slug: str
    """Short ASCII name of the feed, used in file names and URLs."""
    title: str
    """Name of the show."""
    description: str
    """Plain-text description of the show; cut to Apple's 4000-byte limit in the feed."""
    link: str
    """Public web page of the show (the RSS ``<link>``)."""
    feed_url: str
    """The feed's own public URL: atom:link rel="self", and the seed of podcast:guid."""
    language: str
    """ISO 639 language code of the show, e.g. "en" or "en-gb"."""
    image_url: str
    """Cover art URL: a square 1400-3000 px RGB JPEG or PNG whose name ends in .jpg, .jpeg or .png."""
    category: str
    """Apple Podcasts category, exactly as Apple spells it, e.g. "News"."""
    subcategory: str | None = None
    """Apple Podcasts subcategory of ``category``, e.g. "Daily News"."""
    explicit: bool = False
    """Whether the show contains explicit material."""
    author: str = ""
    """Who makes the show, as shown under its title (itunes:author)."""
    owner_name: str | None = None
    """Contact name for directories (itunes:owner); not shown to listeners."""
    owner_email: str | None = None
    """Contact e-mail for directories (itunes:owner, podcast:locked owner)."""
    copyright: str | None = None
    """Copyright notice of the show."""
    locked: bool = True
    """Whether other hosting platforms must refuse to import the feed (podcast:locked)."""
    guid: str | None = None
    """podcast:guid as first published; None: derived from feed_url (see feeds.podcast.podcast_guid)."""

    def __post_init__(self) -> None:
        for name in ("slug", "title", "description", "language", "category"):
            # The feed drops control characters, so text made only of them is as empty as blank text.
            if not one_line(getattr(self, name)):
                raise FeedError(f"channel {name} is empty")
        for name in ("link", "feed_url", "image_url"):
            _require_absolute_url(getattr(self, name), f"channel {name}")


@dataclass(frozen=True, kw_only=True)
class Item:
    """One episode of a feed: a narrated article."""

    guid: str
    """Permanent, case-sensitive identity of the episode; never changes once published."""
    title: str
    """Episode title."""
    description: str
    """Plain-text show notes."""
    published: datetime
    """When the episode was first published; must carry a time zone."""
    audio_url: str
    """Absolute URL of the MP3 file."""
    audio_bytes: int
    """Exact size of the MP3 file in bytes."""
    duration_seconds: float
    """Length of the audio in seconds."""
    link: str | None = None
    """The original article's URL (or the episode's page when the article has none)."""
    transcript_url: str | None = None
    """Absolute URL of the WebVTT transcript."""
    chapters_url: str | None = None
    """Absolute URL of the Podcasting 2.0 JSON chapters file."""
    language: str | None = None
    """ISO 639 language of the episode; the channel's language when None."""
    author: str | None = None
    """Author of the article, shown as the episode's artist (itunes:author)."""
    ai_voice: bool = True
    """Whether the narration is synthetic speech, declared with podcast:txt purpose="ai-content"."""

    def __post_init__(self) -> None:
        # The feed drops control characters, so text made only of them is as empty as blank text.
        if not strip_control(self.guid).strip():
            raise FeedError(f"episode guid is empty (title {self.title!r})")
        if not one_line(self.title):
            raise FeedError(f"episode {self.guid!r} has an empty title")
        if self.published.tzinfo is None or self.published.utcoffset() is None:
            raise FeedError(f"episode {self.guid!r} published date has no time zone")
        if self.audio_bytes <= 0:
            raise FeedError(f"episode {self.guid!r} audio size must be positive, got {self.audio_bytes}")
        if self.duration_seconds < 0:
            raise FeedError(f"episode {self.guid!r} duration is negative: {self.duration_seconds}")
        _require_absolute_url(self.audio_url, f"episode {self.guid!r} audio_url")
        for name in ("link", "transcript_url", "chapters_url"):
            if getattr(self, name):
                _require_absolute_url(getattr(self, name), f"episode {self.guid!r} {name}")
