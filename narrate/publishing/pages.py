"""The listeners' HTML pages (episode, embed, feed) written under public/, and the templates and assets they use.

Public pages are static files: they link to each other and to the audio with relative URLs, so they work
under any base URL. Only the embed snippet, the subscribe URL and the canonical/Open Graph metadata are absolute.
Templates autoescape everything; the pages carry no inline script or style, so a strict CSP can serve them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from functools import lru_cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from feeds.files import write_atomic
from feeds.text import one_line
from narrate.errors import PublishError
from narrate.publishing import jsonld, paths
from narrate.publishing.feed import Cover, cover
from narrate.publishing.formats import (
    clock,
    language_tag,
    long_date,
    minutes_long,
    minutes_short,
    paragraphs,
    size_text,
    ui_attr,
    web_link,
)
from narrate.publishing.transcript import ChapterLink, article_of, transcript_passages
from narrate.script import Script
from narrate.settings import FeedSettings, Settings
from narrate.store import Episode

SPEEDS = (0.75, 1.0, 1.25, 1.5, 2.0)
EMBED_HEIGHT = 230
"""Pixels the embed iframe needs for a two-line title, the player and the link below it."""
_UP = "../../"
"""public/ as seen from the pages in episodes/{id}/ and feeds/{slug}/."""

# -- public pages ---------------------------------------------------------------------------------------

def write_episode_page(
    settings: Settings,
    episode: Episode,
    script: Script,
    cues: list[tuple[float, float]],
    chapters: list[tuple[float, str]],
    feed: FeedSettings,
    art: Cover | None = None,
) -> list[str]:
    """Write the episode page and its embed page; returns their paths relative to public/.

    ``cues[i]`` is when ``script.segments[i]`` is heard; ``chapters`` are (start seconds, title).
    The episode's audio and transcript paths must already be set. ``art``: the feed's cover, when known.
    """
    if not episode.audio_path:
        raise PublishError(f"episode {episode.id} has no audio to put on its page")
    if len(cues) != len(script.segments):
        raise PublishError(f"episode {episode.id}: {len(cues)} cue times for {len(script.segments)} segments")
    page, embed = paths.episode_page_path(episode.id), paths.episode_embed_path(episode.id)
    art = art or cover(settings, feed)
    context = _episode_context(settings, episode, feed)
    passages = transcript_passages(script, cues, article_of(episode))
    cover_url = settings.public_url(art.path)
    context.update(
        passages=passages,
        chapters=[ChapterLink(" ".join(title.split()), start, clock(start)) for start, title in chapters],
        speeds=SPEEDS,
        snippet_link=embed_link(settings, episode),
        snippet_iframe=embed_iframe(settings, episode),
        cover_url=cover_url,
        jsonld=jsonld.script_element(
            jsonld.podcast_episode(settings, episode, feed, passages, cover_url, _published(episode))
        ),
    )
    _write(settings, page, render("episode.html", **context))
    _write(settings, embed, render("embed.html", **context))
    return [page, embed]


def write_feed_page(settings: Settings, feed: FeedSettings, episodes: list[Episode], art: Cover | None = None) -> str:
    """Write the feed's page (subscribe instructions and the published episodes); returns its path under public/."""
    art = art or cover(settings, feed)
    language = language_tag(feed.language)
    listed = [e for e in episodes if e.audio_path and e.feed == feed.slug]
    context = dict(
        lang=language,
        ui_attr=ui_attr(language),
        assets=asset_urls(_UP + paths.ASSETS),
        feed_title=one_line(feed.title),
        publisher=one_line(feed.author or feed.title),
        publisher_href=web_link(feed.link),
        description_paragraphs=paragraphs(feed.description),
        cover_src=_UP + art.path,
        cover_url=settings.public_url(art.path),
        rss_href=_UP + paths.feed_path(feed.slug),
        rss_url=paths.feed_url(settings, feed.slug),
        canonical=paths.feed_page_url(settings, feed.slug),
        episodes=[_listing(e) for e in listed],
        jsonld=jsonld.script_element(jsonld.series_page(settings, feed, settings.public_url(art.path))),
    )
    path = paths.feed_page_path(feed.slug)
    _write(settings, path, render("feed.html", **context))
    return path


def remove_episode_page(settings: Settings, episode_id: str) -> None:
    """Delete the episode's page and embed page (nothing else lives in their directory)."""
    directory = settings.public_dir / paths.episode_dir(episode_id)
    try:
        shutil.rmtree(directory)
    except FileNotFoundError:
        pass
    except OSError as error:
        raise PublishError(f"cannot remove {directory}: {error.strerror or error}") from None


def write_assets(settings: Settings) -> None:
    """Copy the pages' scripts and style sheet into public/assets/, rewriting only files that changed."""
    target = settings.public_dir / paths.ASSETS
    for name, data in _asset_files().items():
        path = target / name
        if path.exists() and path.read_bytes() == data:
            continue
        try:
            write_atomic(path, data)
        except OSError as error:
            raise PublishError(f"cannot write {path}: {error.strerror or error}") from None


# -- embed snippet ------------------------------------------------------------------------------------

def embed_label(episode: Episode) -> str:
    return f"{minutes_short(episode.duration)}, computer-generated voice"


def embed_link(settings: Settings, episode: Episode) -> str:
    """HTML for the publisher's article page: a plain link to the episode page."""
    url = paths.episode_page_url(settings, episode.id)
    return str(Markup('<a href="{}">Listen to this article ({})</a>').format(url, embed_label(episode)))


def embed_iframe(settings: Settings, episode: Episode) -> str:
    """HTML for the publisher's article page: the compact player in a titled iframe."""
    url = settings.public_url(paths.episode_embed_path(episode.id))
    title = f"Listen to this article: {one_line(episode.title)} ({embed_label(episode)})"
    return str(
        Markup('<iframe src="{}" title="{}" width="100%" height="{}" loading="lazy"></iframe>').format(
            url, title, EMBED_HEIGHT
        )
    )


def _published(episode: Episode) -> dt.date | None:
    if episode.published:
        return episode.published
    when = episode.published_at or episode.created_at
    return when.date() if when else None


def _episode_context(settings: Settings, episode: Episode, feed: FeedSettings) -> dict[str, object]:
    language = language_tag(episode.language)
    return dict(
        lang=language,
        ui_attr=ui_attr(language),
        assets=asset_urls(_UP + paths.ASSETS),
        title=one_line(episode.title),
        feed_title=one_line(feed.title),
        feed_href=_UP + paths.feed_page_dir(feed.slug),
        rss_href=_UP + paths.feed_path(feed.slug),
        rss_url=paths.feed_url(settings, feed.slug),
        audio_src=_UP + str(episode.audio_path),
        audio_url=settings.public_url(str(episode.audio_path)),
        audio_size=size_text(episode.bytes),
        transcript_href=_UP + episode.transcript_path if episode.transcript_path else "",
        page_href="./",
        canonical=paths.episode_page_url(settings, episode.id),
        minutes=minutes_long(episode.duration),
        minutes_short=minutes_short(episode.duration),
        published=_published(episode),
        published_text=long_date(_published(episode)),
        article_href=web_link(episode.link),
        byline=_byline(episode),
    )


def _byline(episode: Episode) -> str:
    author, site = one_line(episode.author or ""), one_line(episode.site or "")
    if author and site:
        return f"By {author}, {site}"
    if author:
        return f"By {author}"
    return site


def _listing(episode: Episode) -> dict[str, object]:
    summary = (paragraphs(episode.description) or [""])[0]
    if len(summary) > 280:
        summary = summary[:280].rsplit(" ", 1)[0] + "\u2026"
    return dict(
        title=one_line(episode.title),
        href=_UP + paths.episode_dir(episode.id),
        published=_published(episode),
        published_text=long_date(_published(episode)),
        minutes=minutes_long(episode.duration),
        summary=summary,
        lang=language_tag(episode.language),
    )


# -- templates and assets -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("narrate.publishing", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment


def render(template: str, **context: object) -> str:
    return _environment().get_template(template).render(**context)


def warm() -> None:
    """Compile the templates publishing an episode needs (0.03 s), ahead of its publishing."""
    for template in ("episode.html", "embed.html", "feed.html", "error.html"):
        _environment().get_template(template)


@lru_cache(maxsize=1)
def _asset_files() -> dict[str, bytes]:
    folder = resources.files("narrate.publishing") / "assets"
    return {entry.name: entry.read_bytes() for entry in folder.iterdir() if entry.is_file()}


def asset_urls(prefix: str) -> dict[str, str]:
    """Asset name -> URL, versioned by content so browsers and CDNs never mix old and new files."""
    return {
        name: f"{prefix}{name}?v={hashlib.sha256(data).hexdigest()[:10]}" for name, data in _asset_files().items()
    }


def _write(settings: Settings, relative: str, html: str) -> None:
    path = settings.public_dir / relative
    try:
        write_atomic(path, html.encode("utf-8"))
    except OSError as error:
        raise PublishError(f"cannot write {path}: {error.strerror or error}") from None
