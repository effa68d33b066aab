"""The podcast feed: checked against what Apple requires, its cover art, and the RSS file swapped in atomically."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from feeds import FeedError
from feeds.cover import default_cover
from feeds.files import write_atomic
from feeds.model import Channel, Item
from feeds.podcast import APPLE_CATEGORIES
from feeds.rss import build_rss
from narrate.audio import ffmpeg
from narrate.errors import AudioError, ConfigError, PublishError
from narrate.publishing import paths
from narrate.settings import DEFAULT_FEED, FeedSettings, Settings
from narrate.store import Episode


@dataclass(frozen=True)
class Cover:
    """A feed's cover art, written under public/."""

    path: str
    """Relative to public/; the name changes with the art, as Apple asks, so apps and CDNs pick up a new cover."""
    data: bytes
    mime: str


def check_feed(feed: FeedSettings) -> None:
    """Refuse a feed that lacks what Apple Podcasts requires, or whose link, language or e-mail is unusable, naming
    the field."""
    feed.checked()
    # Every missing field at once: fixing them one refusal at a time is a chore.
    required = ("title", "description", "language", "category")
    missing = [name for name in required if not str(getattr(feed, name)).strip()]
    if missing:
        raise ConfigError(f"feed {feed.slug!r} lacks {_and(missing)}, which Apple Podcasts requires")
    if feed.category not in APPLE_CATEGORIES:
        raise ConfigError(f"feed {feed.slug!r}: category {feed.category!r} is not in Apple's list"
                          f"{_suggest(feed.category, APPLE_CATEGORIES)}; choose one of: {', '.join(APPLE_CATEGORIES)}")
    subcategories = APPLE_CATEGORIES[feed.category]
    if feed.subcategory and feed.subcategory not in subcategories:
        choices = f"choose one of: {', '.join(subcategories)}" if subcategories else "it has none; leave it empty"
        raise ConfigError(f"feed {feed.slug!r}: {feed.subcategory!r} is not a subcategory of {feed.category!r}"
                          f"{_suggest(feed.subcategory, subcategories)}; {choices}")
    if len(feed.description.encode("utf-8")) > 4000:
        raise ConfigError(f"feed {feed.slug!r}: description is over Apple's 4000 bytes")
    if feed.cover_image:
        _check_cover(feed)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _suggest(value: str, choices: Iterable[str]) -> str:
    """' (did you mean 'News'?)' for a near miss, in Apple's exact spelling; '' otherwise."""
    by_lower = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(value.strip().lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean {by_lower[close[0]]!r}?)" if close else ""


def _check_cover(feed: FeedSettings) -> None:
    from PIL import Image, UnidentifiedImageError

    path = Path(feed.cover_image)
    try:
        with Image.open(path) as image:
            size, kind = image.size, image.format
    except (OSError, UnidentifiedImageError):
        raise ConfigError(f"feed {feed.slug!r}: cover_image {path} is not a readable image") from None
    if kind not in ("PNG", "JPEG"):
        raise ConfigError(f"feed {feed.slug!r}: cover_image must be PNG or JPEG, not {kind}")
    width, height = size
    if width != height or not 1400 <= width <= 3000:
        raise ConfigError(f"feed {feed.slug!r}: cover_image must be square, 1400-3000 px (it is {width}x{height})")


OWNER_FIELDS = ("owner_name", "owner_email")


def owner_notice(feed: FeedSettings) -> str | None:
    """What staff are told while a feed lacks its owner (itunes:owner); None once it has one."""
    missing = [name for name in OWNER_FIELDS if not getattr(feed, name).strip()]
    if not missing:
        return None
    what = " and ".join(name.replace("owner_", "owner ").replace("email", "e-mail") for name in missing)
    return (
        f"feed {feed.slug!r} has no {what}, which podcast directories use to verify who owns it; set "
        f"{'them' if len(missing) > 1 else 'it'} with: narrate feed edit {feed.slug} "
        + " ".join(f"--{name.replace('_', '-')} {_OWNER_EXAMPLE[name]}" for name in missing)
    )


_OWNER_EXAMPLE = {"owner_name": "'Audio desk'", "owner_email": "audio@example.org"}


def owner_notices(settings: Settings) -> list[str]:
    """The owner notice of every feed that needs one: the default feed, and any made before owners were asked for."""
    slugs = [DEFAULT_FEED, *sorted(set(settings.feeds) - {DEFAULT_FEED})]
    return [notice for notice in (owner_notice(settings.feed(slug)) for slug in slugs) if notice]


MUSIC_CHECK_SECONDS = 5
"""How much of a jingle is decoded to tell that it is audio: enough to catch a wrong file, cheap at every submit."""


def check_music(feed: FeedSettings) -> None:
    """Refuse intro or outro music that is missing, not a file, or not audio the bundled ffmpeg decodes."""
    for name in ("intro_audio", "outro_audio"):
        value = getattr(feed, name)
        if not value:
            continue
        path = Path(value)
        if not path.is_file():
            why = "is not a file" if path.exists() else "does not exist"
            raise ConfigError(f"feed {feed.slug!r}: {name} {path} {why}")
        decoded = 0

        def count(chunk: bytes) -> None:
            nonlocal decoded
            decoded += len(chunk)

        try:
            ffmpeg.run(
                ["-i", str(path), "-map", "0:a:0", "-t", str(MUSIC_CHECK_SECONDS), "-ac", "1", "-c:a", "pcm_s16le",
                 "-f", "s16le", "pipe:1"],
                failure="ffmpeg", stdout=count,
            )  # fmt: skip
        except AudioError as error:
            reason = str(error).removeprefix("ffmpeg: ")
            reason = "it has no audio stream" if "matches no streams" in reason else reason
            raise ConfigError(f"feed {feed.slug!r}: {name} {path} is not audio ffmpeg can decode ({reason})") from None
        if decoded == 0:
            raise ConfigError(f"feed {feed.slug!r}: {name} {path} has no audio samples")


def check_publishable(settings: Settings, feed: FeedSettings) -> None:
    """Everything about the feed that could refuse it at publish, checked before any work: Apple's fields, the cover,
    the music, and the RSS the feeds library would write with these settings (the URLs it requires)."""
    check_feed(feed)
    check_music(feed)
    try:
        build_rss(channel(settings, feed.checked(), paths.cover_path(feed.slug, b"", ".png")), [])
    except FeedError as error:
        raise ConfigError(f"feed {feed.slug!r}: {error}") from None


@contextmanager
def feed_errors(what: str) -> Iterator[None]:
    """The feeds library's refusals (a relative base URL, a bad chapter time) as narrate's own one-line error."""
    try:
        yield
    except FeedError as error:
        raise PublishError(f"cannot write {what}: {error}") from None


# Drawing a cover takes ~50 ms; the cache spares it to the renders of one process that share a feed.
_default_cover = lru_cache(maxsize=64)(default_cover)


def cover(settings: Settings, feed: FeedSettings) -> Cover:
    """The feed's cover, written under public/ when new."""
    if feed.cover_image:
        data = Path(feed.cover_image).read_bytes()
        suffix, mime = (".png", "image/png") if data.startswith(b"\x89PNG") else (".jpg", "image/jpeg")
    else:
        with feed_errors(f"the cover of feed {feed.slug!r}"):
            data = _default_cover(feed.title)
        suffix, mime = ".png", "image/png"
    relative = paths.cover_path(feed.slug, data, suffix)
    target = settings.public_dir / relative
    if not target.exists():
        try:
            write_atomic(target, data)  # makes the folder too, readable by the web server
        except OSError as error:
            raise PublishError(f"cannot write {target}: {error.strerror or error}") from None
    return Cover(relative, data, mime)


def channel(settings: Settings, feed: FeedSettings, cover_path: str) -> Channel:
    return Channel(
        slug=feed.slug,
        title=feed.title,
        description=feed.description,
        # The page's final URL, with its slash: without it, every app and directory would follow a redirect.
        link=feed.link or paths.feed_page_url(settings, feed.slug),
        feed_url=paths.feed_url(settings, feed.slug),
        language=feed.language,
        image_url=settings.public_url(cover_path),
        category=feed.category,
        subcategory=feed.subcategory or None,
        explicit=feed.explicit,
        author=feed.author,
        owner_name=feed.owner_name or feed.author,
        owner_email=feed.owner_email or None,
        copyright=feed.copyright or None,
        guid=feed.podcast_guid or None,
    )


def item(settings: Settings, episode: Episode) -> Item:
    assert episode.audio_path and episode.bytes is not None and episode.duration is not None
    when = episode.published_at or episode.created_at
    if episode.published:
        when = dt.datetime.combine(episode.published, dt.time(12, 0), dt.timezone.utc)
    if when.tzinfo is None:  # SQLite returns naive datetimes; they were stored in UTC
        when = when.replace(tzinfo=dt.timezone.utc)
    return Item(
        guid=episode.guid,
        title=episode.title,
        description=episode.description,
        # The episode page: the transcript and the player, and from there the original article (the show notes and
        # the page's JSON-LD name it too). Never the MP3, which the enclosure already is.
        link=paths.episode_page_url(settings, episode.id),
        published=when,
        audio_url=settings.public_url(episode.audio_path),
        audio_bytes=episode.bytes,
        duration_seconds=episode.duration,
        transcript_url=paths.optional_url(settings, episode.transcript_path),
        chapters_url=paths.optional_url(settings, episode.chapters_path),
        language=episode.language,
        author=episode.author,
    )


def rebuild_feed(settings: Settings, feed: FeedSettings, episodes: list[Episode], art: Cover | None = None) -> Path:
    """Write public/feeds/{slug}.xml from the feed's episodes (newest first), replacing the old file atomically.

    ``art``: the feed's cover when the caller has it already.
    """
    check_feed(feed)
    feed = feed.checked()  # a link written by hand as "HTTPS://Example.org" is published as https://example.org
    art = art or cover(settings, feed)
    episodes = [e for e in episodes if e.audio_path]
    if feed.max_episodes > 0:
        episodes = episodes[: feed.max_episodes]
    with feed_errors(f"feed {feed.slug!r}"):
        xml = build_rss(channel(settings, feed, art.path), [item(settings, e) for e in episodes])
    target = settings.public_dir / paths.feed_path(feed.slug)
    try:
        write_atomic(target, xml)  # makes the folder too, readable by the web server
    except OSError as error:
        raise PublishError(f"cannot write feed {target}: {error.strerror or error}") from None
    return target
