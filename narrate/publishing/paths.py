"""Every public path and URL. The file public/X is served at NARRATE_BASE_URL/X:

    feeds/{slug}.xml                        the RSS feed (replaced atomically)
    feeds/{slug}-cover-{hash}.png|.jpg      its cover art (the name changes with the art)
    feeds/{slug}/index.html                 the feed page, at the URL feeds/{slug}/
    audio/{slug}/{id}-{rev}.mp3             an episode's audio
    transcripts/{slug}/{id}-{rev}.vtt       its WebVTT transcript
    chapters/{slug}/{id}-{rev}.json         its Podcasting 2.0 chapters
    episodes/{id}/index.html                the episode page, at the URL episodes/{id}/
    episodes/{id}/embed.html                the compact player for a publisher's iframe
    assets/                                 the pages' scripts and style sheet

Paths are relative to public/ and use "/" whatever the system; URLs are absolute.
"""

from __future__ import annotations

import hashlib
import re

from narrate.errors import NotFoundError
from narrate.settings import Settings

ASSETS = "assets/"

EPISODE_FILES = {"audio": ("audio", "mp3"), "transcript": ("transcripts", "vtt"), "chapters": ("chapters", "json")}
"""Kind of episode file -> (its folder under public/, its extension)."""

_EPISODE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def feed_path(slug: str) -> str:
    return f"feeds/{slug}.xml"


def feed_url(settings: Settings, slug: str) -> str:
    return settings.public_url(feed_path(slug))


def cover_path(slug: str, data: bytes, suffix: str) -> str:
    return f"feeds/{slug}-cover-{hashlib.sha256(data).hexdigest()[:10]}{suffix}"


def feed_page_dir(slug: str) -> str:
    return f"feeds/{slug}/"


def feed_page_path(slug: str) -> str:
    return feed_page_dir(slug) + "index.html"


def feed_page_url(settings: Settings, slug: str) -> str:
    return settings.public_url(feed_page_dir(slug))


def episode_paths(feed: str, episode_id: str, rev: str) -> dict[str, str]:
    """The public paths of one revision of an episode's files, by kind ("audio", "transcript", "chapters")."""
    return {kind: f"{folder}/{feed}/{episode_id}-{rev}.{ext}" for kind, (folder, ext) in EPISODE_FILES.items()}


def episode_file_folders(feed: str) -> list[str]:
    """The folders where the feed's episode files live, one per kind."""
    return [f"{folder}/{feed}" for folder, _ in EPISODE_FILES.values()]


def episode_dir(episode_id: str) -> str:
    """The episode's page folder, ending in "/": its page is served at this URL. Refuses an unsafe id."""
    if not _EPISODE_ID.match(episode_id):
        raise NotFoundError(f"no episode {episode_id!r}")
    return f"episodes/{episode_id}/"


def episode_page_path(episode_id: str) -> str:
    return episode_dir(episode_id) + "index.html"


def episode_embed_path(episode_id: str) -> str:
    return episode_dir(episode_id) + "embed.html"


def episode_page_url(settings: Settings, episode_id: str) -> str:
    # The trailing slash matters: the page's relative links resolve against it.
    return settings.public_url(episode_dir(episode_id))


def optional_url(settings: Settings, relative: str | None) -> str | None:
    return settings.public_url(relative) if relative else None
