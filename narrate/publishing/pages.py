"""The listeners' HTML pages (episode, embed, feed) written under public/, and the staff pages the service renders.

Public pages are static files: they link to each other and to the audio with relative URLs, so they work
under any base URL. Only the embed snippet, the subscribe URL and the canonical/Open Graph metadata are absolute.
Templates autoescape everything; the pages carry no inline script or style, so a strict CSP can serve them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from feeds.files import write_atomic
from feeds.text import one_line
from narrate.article import Article, Block, article_from_dict
from narrate.errors import NotFoundError, PublishError
from narrate.script.normalize import MONTH_NAMES
from narrate.publishing.feed import cover, feed_path, page_path
from narrate.script import QUOTE_START, Script, table_sentences
from narrate.settings import FeedSettings, Settings
from narrate.store import Episode

SPEEDS = (0.75, 1.0, 1.25, 1.5, 2.0)
EMBED_HEIGHT = 230
"""Pixels the embed iframe needs for a two-line title, the player and the link below it."""
UI_LANGUAGE = "en"
"""The language of the pages' own words (labels, instructions), as opposed to the article's."""

_EPISODE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_UP = "../../"
"""public/ as seen from the pages in episodes/{id}/ and feeds/{slug}/."""
_FIRST_HEADING = 3
"""Article headings sit below the page's h1 and the "Transcript" h2."""

PassageKind = Literal["heading", "paragraph", "quote", "list"]


@dataclass(frozen=True)
class Sentence:
    """One transcript sentence and when it is heard."""

    text: str
    start: float
    end: float

    @property
    def fragment(self) -> str:
        return time_fragment(self.start)


@dataclass
class Passage:
    """A heading, paragraph, quote or list of the transcript, its sentences in speaking order."""

    kind: PassageKind
    items: list[list[Sentence]] = field(default_factory=list)
    """One item for headings, paragraphs and quotes; one per list item for lists."""
    level: int = 0
    """HTML heading level (3-6) for headings."""


@dataclass(frozen=True)
class ChapterLink:
    title: str
    start: float
    clock: str

    @property
    def fragment(self) -> str:
        return time_fragment(self.start)


# -- paths and URLs ------------------------------------------------------------------------------------

def episode_page_path(episode_id: str) -> str:
    """The episode page's path under public/; it is served as the directory URL episodes/{id}/."""
    return f"{_episode_dir(episode_id)}/index.html"


def episode_embed_path(episode_id: str) -> str:
    return f"{_episode_dir(episode_id)}/embed.html"


def episode_page_url(settings: Settings, episode_id: str) -> str:
    # The trailing slash matters: the page's relative links resolve against it.
    _episode_dir(episode_id)  # refuses an unsafe id
    return settings.public_url(page_path(episode_id))


def feed_page_path(slug: str) -> str:
    return f"feeds/{slug}/index.html"


def feed_page_url(settings: Settings, slug: str) -> str:
    return settings.public_url(f"feeds/{slug}/")


def _episode_dir(episode_id: str) -> str:
    if not _EPISODE_ID.match(episode_id):
        raise NotFoundError(f"no episode {episode_id!r}")
    return f"episodes/{episode_id}"


# -- public pages ---------------------------------------------------------------------------------------

def write_episode_page(
    settings: Settings,
    episode: Episode,
    script: Script,
    cues: list[tuple[float, float]],
    chapters: list[tuple[float, str]],
    feed: FeedSettings,
) -> list[str]:
    """Write the episode page and its embed page; returns their paths relative to public/.

    ``cues[i]`` is when ``script.segments[i]`` is heard; ``chapters`` are (start seconds, title).
    The episode's audio and transcript paths must already be set.
    """
    if not episode.audio_path:
        raise PublishError(f"episode {episode.id} has no audio to put on its page")
    if len(cues) != len(script.segments):
        raise PublishError(f"episode {episode.id}: {len(cues)} cue times for {len(script.segments)} segments")
    page, embed = episode_page_path(episode.id), episode_embed_path(episode.id)
    cover_path, _, _ = cover(settings, feed)
    context = _episode_context(settings, episode, feed)
    context.update(
        passages=transcript_passages(script, cues, _article_of(episode)),
        chapters=[ChapterLink(" ".join(title.split()), start, clock(start)) for start, title in chapters],
        speeds=SPEEDS,
        snippet_link=embed_link(settings, episode),
        snippet_iframe=embed_iframe(settings, episode),
        cover_url=settings.public_url(cover_path),
    )
    _write(settings, page, render("episode.html", **context))
    _write(settings, embed, render("embed.html", **context))
    return [page, embed]


def write_feed_page(settings: Settings, feed: FeedSettings, episodes: list[Episode]) -> str:
    """Write the feed's page (subscribe instructions and the published episodes); returns its path under public/."""
    cover_path, _, _ = cover(settings, feed)
    language = language_tag(feed.language)
    listed = [e for e in episodes if e.audio_path and e.feed == feed.slug]
    context = dict(
        lang=language,
        ui_attr=_ui_attr(language),
        assets=_assets(_UP + "assets/"),
        feed_title=one_line(feed.title),
        publisher=one_line(feed.author or feed.title),
        publisher_href=web_link(feed.link),
        description_paragraphs=paragraphs(feed.description),
        cover_src=_UP + cover_path,
        cover_url=settings.public_url(cover_path),
        rss_href=_UP + feed_path(feed.slug),
        rss_url=settings.public_url(feed_path(feed.slug)),
        canonical=feed_page_url(settings, feed.slug),
        episodes=[_listing(e) for e in listed],
    )
    path = feed_page_path(feed.slug)
    _write(settings, path, render("feed.html", **context))
    return path


def remove_episode_page(settings: Settings, episode_id: str) -> None:
    """Delete the episode's page and embed page (nothing else lives in their directory)."""
    directory = settings.public_dir / _episode_dir(episode_id)
    try:
        shutil.rmtree(directory)
    except FileNotFoundError:
        pass
    except OSError as error:
        raise PublishError(f"cannot remove {directory}: {error.strerror or error}") from None


def write_assets(settings: Settings) -> None:
    """Copy the pages' scripts and style sheet into public/assets/, rewriting only files that changed."""
    target = settings.public_dir / "assets"
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
    url = episode_page_url(settings, episode.id)
    return str(Markup('<a href="{}">Listen to this article ({})</a>').format(url, embed_label(episode)))


def embed_iframe(settings: Settings, episode: Episode) -> str:
    """HTML for the publisher's article page: the compact player in a titled iframe."""
    url = settings.public_url(episode_embed_path(episode.id))
    title = f"Listen to this article: {one_line(episode.title)} ({embed_label(episode)})"
    return str(
        Markup('<iframe src="{}" title="{}" width="100%" height="{}" loading="lazy"></iframe>').format(
            url, title, EMBED_HEIGHT
        )
    )


# -- the transcript -------------------------------------------------------------------------------------

def transcript_passages(script: Script, cues: list[tuple[float, float]], article: Article | None) -> list[Passage]:
    """The script's captions grouped as the article shows them: headings, paragraphs, quotes and lists.

    The intro and outro are paragraphs of their own. Sentences are matched to the article's blocks by their
    text; a sentence that matches no block stays with the one before it, so nothing is ever dropped.
    """
    blocks = article.blocks if article else []
    body = [block for block in blocks if block.kind != "heading"]
    levels = _heading_levels([block.level for block in blocks if block.kind == "heading"])
    matcher = _BlockMatcher(body)
    passages: list[tuple[str, Passage]] = []  # with the kind of article block each came from
    previous_key: tuple[str, int] | None = None
    headings = 0
    for segment, (start, end) in zip(script.segments, cues):
        if segment.kind == "heading":
            # A heading too long for one engine call spans several segments; only the first starts a chapter.
            if segment.chapter is not None or previous_key is None or previous_key[0] != "heading":
                headings += 1
            key = ("heading", headings)
        elif segment.kind == "body":
            key = ("body", matcher.block_of(segment.caption))
        else:
            key = (segment.kind, 0)
        if key != previous_key:
            passages.append(_passage(key, body, levels))
            previous_key = key
        passages[-1][1].items[0].append(Sentence(one_line(segment.caption), start, end))
    return _group_lists(passages)


def _passage(key: tuple[str, int], body: list[Block], levels: list[int]) -> tuple[str, Passage]:
    kind, number = key
    if kind == "heading":
        level = levels[number - 1] if number <= len(levels) else _FIRST_HEADING
        return "heading", Passage("heading", [[]], level)
    block_kind = body[number].kind if kind == "body" and 0 <= number < len(body) else "paragraph"
    return block_kind, Passage("quote" if block_kind == "quote" else "paragraph", [[]])


class _BlockMatcher:
    """Finds the article block each body sentence comes from, reading both in order."""

    def __init__(self, blocks: list[Block]) -> None:
        # A table is matched by what the script says for it: "Table.", its caption, a sentence per row.
        self.texts = [_compact(" ".join(table_sentences(b)) if b.kind == "table" else b.text) for b in blocks]
        self.index = -1
        self.rest = ""

    def block_of(self, caption: str) -> int:
        """The index of the block ``caption`` continues or starts; the current one when it matches neither."""
        words = _compact(caption)
        if caption == QUOTE_START and self.index + 1 < len(self.texts):
            self.index += 1  # "Quote." opens the quote that follows
            self.rest = self.texts[self.index]
        elif self.index >= 0 and self.rest.startswith(words):
            self.rest = self.rest[len(words) :]
        elif self.index + 1 < len(self.texts) and self.texts[self.index + 1].startswith(words):
            self.index += 1
            self.rest = self.texts[self.index][len(words) :]
        return self.index


def _group_lists(passages: list[tuple[str, Passage]]) -> list[Passage]:
    grouped: list[Passage] = []
    previous_kind = ""
    for kind, passage in passages:
        if kind == "list_item":
            if previous_kind != "list_item":
                grouped.append(Passage("list", []))
            grouped[-1].items.append(passage.items[0])
        else:
            grouped.append(passage)
        previous_kind = kind
    return grouped


def _heading_levels(levels: list[int]) -> list[int]:
    """HTML levels for the article's heading levels: its shallowest becomes h3, and no level is skipped."""
    ranks = {level: rank for rank, level in enumerate(sorted(set(levels)))}
    result, previous = [], _FIRST_HEADING - 1
    for level in levels:
        html_level = min(_FIRST_HEADING + ranks[level], previous + 1, 6)
        result.append(html_level)
        previous = html_level
    return result


def _compact(text: str) -> str:
    return "".join(text.split())


def _article_of(episode: Episode) -> Article | None:
    if not episode.article_json:
        return None
    try:
        return article_from_dict(json.loads(episode.article_json))
    except (ValueError, KeyError, TypeError):
        return None  # headings then default to h3 and paragraphs to one per run of sentences


# -- small formatting helpers ----------------------------------------------------------------------------

def clock(seconds: float) -> str:
    """ "1:05" or "1:02:05"."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def time_fragment(seconds: float) -> str:
    """The URL fragment that seeks to ``seconds`` ("t=12.5"), as in W3C media fragments."""
    return "t=" + f"{max(0.0, seconds):.3f}".rstrip("0").rstrip(".")


def minute_count(duration: float | None) -> int:
    # Half a minute rounds up (Python's round() would send 2.5 to 2).
    return max(1, int((duration or 0) / 60 + 0.5))


def minutes_long(duration: float | None) -> str:
    count = minute_count(duration)
    return f"{count} minute" if count == 1 else f"{count} minutes"


def minutes_short(duration: float | None) -> str:
    return f"{minute_count(duration)} min"


def paragraphs(text: str | None) -> list[str]:
    return [one_line(part) for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def language_tag(code: str | None) -> str:
    """A well-formed BCP 47 tag for the lang attribute; anything else is taken as English."""
    code = (code or "").strip().replace("_", "-")
    return code if _LANGUAGE_TAG.match(code) else UI_LANGUAGE


def _ui_attr(language: str) -> Markup:
    """A lang attribute for the pages' own words, needed only when the page is in another language."""
    return Markup("") if language.split("-")[0].lower() == UI_LANGUAGE else Markup(f' lang="{UI_LANGUAGE}"')


def web_link(url: str | None) -> str:
    """``url`` when it is an http(s) URL, else "": an article's canonical URL must never become a script link."""
    url = (url or "").strip()
    return url if re.match(r"^https?://[^\s]+$", url, re.IGNORECASE) else ""


def long_date(day: dt.date | None) -> str:
    # Spelled out here, not with strftime: month names must not depend on the machine's locale.
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}" if day else ""


def _size(num_bytes: int | None) -> str:
    if not num_bytes:
        return ""
    if num_bytes >= 1_000_000:
        return f"{num_bytes / 1_000_000:.1f} MB"
    return f"{max(1, round(num_bytes / 1000))} kB"


def _published(episode: Episode) -> dt.date | None:
    if episode.published:
        return episode.published
    when = episode.published_at or episode.created_at
    return when.date() if when else None


def _episode_context(settings: Settings, episode: Episode, feed: FeedSettings) -> dict[str, object]:
    language = language_tag(episode.language)
    return dict(
        lang=language,
        ui_attr=_ui_attr(language),
        assets=_assets(_UP + "assets/"),
        title=one_line(episode.title),
        feed_title=one_line(feed.title),
        feed_href=f"{_UP}feeds/{feed.slug}/",
        rss_href=_UP + feed_path(feed.slug),
        rss_url=settings.public_url(feed_path(feed.slug)),
        audio_src=_UP + str(episode.audio_path),
        audio_url=settings.public_url(str(episode.audio_path)),
        audio_size=_size(episode.bytes),
        transcript_href=_UP + episode.transcript_path if episode.transcript_path else "",
        page_href="./",
        canonical=episode_page_url(settings, episode.id),
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
        href=f"{_UP}{_episode_dir(episode.id)}/",
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


@lru_cache(maxsize=1)
def _asset_files() -> dict[str, bytes]:
    folder = resources.files("narrate.publishing") / "assets"
    return {entry.name: entry.read_bytes() for entry in folder.iterdir() if entry.is_file()}


def _assets(prefix: str) -> dict[str, str]:
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
