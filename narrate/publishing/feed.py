"""Everything under NARRATE_HOME/public: episode files, cover art and the feed, swapped in atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from functools import lru_cache
from pathlib import Path

from feeds.cover import default_cover
from feeds.files import write_atomic
from feeds.model import Channel, Item
from feeds.podcast import APPLE_CATEGORIES
from feeds.rss import build_rss
from narrate.errors import ConfigError, PublishError
from narrate.settings import FeedSettings, Settings
from narrate.store import Episode

# Public layout (public/X is served at BASE_URL/X):
#   feeds/{slug}.xml, feeds/{slug}-cover-{hash}.png
#   audio/{slug}/{id}-{rev}.mp3, transcripts/{slug}/{id}-{rev}.vtt, chapters/{slug}/{id}-{rev}.json


def feed_path(slug: str) -> str:
    return f"feeds/{slug}.xml"


def episode_paths(episode: Episode, rev: str) -> dict[str, str]:
    stem = f"{episode.id}-{rev}"
    return {
        "audio": f"audio/{episode.feed}/{stem}.mp3",
        "transcript": f"transcripts/{episode.feed}/{stem}.vtt",
        "chapters": f"chapters/{episode.feed}/{stem}.json",
    }


def page_path(episode_id: str) -> str:
    return f"episodes/{episode_id}/"


def episode_summary(settings: Settings, episode: Episode) -> dict[str, object]:
    """What the API and the CLI say about an episode: state, progress and public URLs (no local paths)."""

    def url(relative: str | None) -> str | None:
        return settings.public_url(relative) if relative else None

    return {
        "id": episode.id,
        "guid": episode.guid,
        "feed": episode.feed,
        "title": episode.title,
        "author": episode.author,
        "status": episode.status,
        "progress": episode.progress,
        "reason": episode.reason,
        "notice": episode.notice,
        "engine": episode.engine,
        "audio_url": url(episode.audio_path),
        "bytes": episode.bytes,
        "duration_seconds": episode.duration,
        "transcript_url": url(episode.transcript_path),
        "chapters_url": url(episode.chapters_path),
        "page_url": url(page_path(episode.id)) if episode.audio_path else None,
        "feed_url": settings.public_url(feed_path(episode.feed)),
    }


def check_feed(feed: FeedSettings) -> None:
    """Refuse a feed that lacks what Apple Podcasts requires, naming the field."""
    for name in ("title", "description", "language", "category"):
        if not str(getattr(feed, name)).strip():
            raise ConfigError(f"feed {feed.slug!r} lacks {name}, which Apple Podcasts requires")
    if feed.category not in APPLE_CATEGORIES:
        raise ConfigError(f"feed {feed.slug!r}: category {feed.category!r} is not in Apple's list")
    if feed.subcategory and feed.subcategory not in APPLE_CATEGORIES[feed.category]:
        raise ConfigError(f"feed {feed.slug!r}: {feed.subcategory!r} is not a subcategory of {feed.category!r}")
    if len(feed.description.encode("utf-8")) > 4000:
        raise ConfigError(f"feed {feed.slug!r}: description is over Apple's 4000 bytes")
    if feed.cover_image:
        _check_cover(feed)


def _check_cover(feed: FeedSettings) -> None:
    from PIL import Image, UnidentifiedImageError

    path = Path(feed.cover_image)
    try:
        with Image.open(path) as image:
            size, kind = image.size, image.format
    except (OSError, UnidentifiedImageError):
        raise ConfigError(f"feed {feed.slug!r}: cover image {path} is not a readable image") from None
    if kind not in ("PNG", "JPEG"):
        raise ConfigError(f"feed {feed.slug!r}: cover image must be PNG or JPEG, not {kind}")
    width, height = size
    if width != height or not 1400 <= width <= 3000:
        raise ConfigError(f"feed {feed.slug!r}: cover image must be square, 1400-3000 px (it is {width}x{height})")


# Drawing a cover takes ~50 ms and every publish asks for it several times (tags, feed, pages).
_default_cover = lru_cache(maxsize=64)(default_cover)


def cover(settings: Settings, feed: FeedSettings) -> tuple[str, bytes, str]:
    """The feed's cover as (public path, bytes, mime type), written under public/ when new."""
    if feed.cover_image:
        data = Path(feed.cover_image).read_bytes()
        suffix, mime = (".png", "image/png") if data.startswith(b"\x89PNG") else (".jpg", "image/jpeg")
    else:
        data, suffix, mime = _default_cover(feed.title), ".png", "image/png"
    # The name changes with the art, as Apple asks, so apps and CDNs pick up a new cover.
    relative = f"feeds/{feed.slug}-cover-{hashlib.sha256(data).hexdigest()[:10]}{suffix}"
    target = settings.public_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    return relative, data, mime


def channel(settings: Settings, feed: FeedSettings, cover_path: str) -> Channel:
    feed_url = settings.public_url(feed_path(feed.slug))
    return Channel(
        slug=feed.slug,
        title=feed.title,
        description=feed.description,
        link=feed.link or settings.public_url(f"feeds/{feed.slug}"),
        feed_url=feed_url,
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
        link=episode.link or settings.public_url(episode.audio_path),
        published=when,
        audio_url=settings.public_url(episode.audio_path),
        audio_bytes=episode.bytes,
        duration_seconds=episode.duration,
        transcript_url=settings.public_url(episode.transcript_path) if episode.transcript_path else None,
        chapters_url=settings.public_url(episode.chapters_path) if episode.chapters_path else None,
        language=episode.language,
        author=episode.author,
    )


def rebuild_feed(settings: Settings, feed: FeedSettings, episodes: list[Episode]) -> Path:
    """Write public/feeds/{slug}.xml from the feed's episodes (newest first), replacing the old file atomically."""
    check_feed(feed)
    slug = feed.slug
    cover_path, _, _ = cover(settings, feed)
    episodes = [e for e in episodes if e.audio_path]
    if feed.max_episodes > 0:
        episodes = episodes[: feed.max_episodes]
    xml = build_rss(channel(settings, feed, cover_path), [item(settings, e) for e in episodes])
    target = settings.public_dir / feed_path(slug)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, xml)
    except OSError as error:
        raise PublishError(f"cannot write feed {target}: {error.strerror or error}") from None
    return target


def install(staged: dict[str, Path], public: dict[str, str], public_dir: Path) -> None:
    """Move staged files to their public names; on failure remove what was moved."""
    moved: list[Path] = []
    try:
        for kind, source in staged.items():
            target = public_dir / public[kind]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(source), target)
            moved.append(target)
    except OSError as error:
        for path in moved:
            path.unlink(missing_ok=True)
        raise PublishError(f"cannot write public files: {error.strerror or error}") from None


def remove(public_dir: Path, relatives: list[str | None]) -> None:
    for relative in relatives:
        if relative:
            (public_dir / relative).unlink(missing_ok=True)


def remove_orphans(public_dir: Path, feed: str, episode_id: str, keep: set[str]) -> list[str]:
    """Delete the episode's public files other than ``keep``: older revisions, or files of a render killed between
    installing them and recording them. Returns what was deleted (relative paths)."""
    removed = []
    for kind in ("audio", "transcripts", "chapters"):
        directory = public_dir / kind / feed
        for path in directory.glob(f"{episode_id}-*") if directory.is_dir() else []:
            relative = path.relative_to(public_dir).as_posix()
            if relative not in keep:
                path.unlink(missing_ok=True)
                removed.append(relative)
    return removed
