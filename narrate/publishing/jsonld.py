"""schema.org data for the listeners' pages (JSON-LD): what search engines and apps read of an episode or a podcast.

An episode page says it is a PodcastEpisode: its audio (an AudioObject with the MP3's URL, the same as the feed's
enclosure, its duration and the transcript's text), the podcast it belongs to with its RSS feed, and the article
it is based on. The feed page says it is a PodcastSeries with its feed.
"""

from __future__ import annotations

import datetime as dt
import json

from markupsafe import Markup

from feeds.text import one_line
from narrate.publishing import paths
from narrate.publishing.formats import language_tag, size_text, web_link
from narrate.publishing.transcript import Passage
from narrate.settings import FeedSettings, Settings
from narrate.store import Episode

CONTEXT = "https://schema.org"


def iso_duration(seconds: float | None) -> str | None:
    """ISO 8601 duration, whole seconds: 185.4 -> "PT3M5S"."""
    if seconds is None:
        return None
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


def transcript_text(passages: list[Passage]) -> str:
    """The transcript as plain text: a paragraph per heading, paragraph, quote or list item."""
    return "\n\n".join(" ".join(s.text for s in item) for passage in passages for item in passage.items if item)


def podcast_series(settings: Settings, feed: FeedSettings, cover_url: str) -> dict[str, object]:
    return _without_empty(
        {
            "@type": "PodcastSeries",
            "name": one_line(feed.title),
            "description": feed.description.strip(),
            "url": paths.feed_page_url(settings, feed.slug),
            "webFeed": paths.feed_url(settings, feed.slug),
            "image": cover_url,
            "inLanguage": language_tag(feed.language),
            "author": {"@type": "Organization", "name": one_line(feed.author)} if feed.author.strip() else None,
        }
    )


def podcast_episode(
    settings: Settings,
    episode: Episode,
    feed: FeedSettings,
    passages: list[Passage],
    cover_url: str,
    published: dt.date | None,
) -> dict[str, object]:
    """The episode page's PodcastEpisode; its audio's contentUrl is the feed's enclosure URL."""
    assert episode.audio_path
    title, language, duration = one_line(episode.title), language_tag(episode.language), iso_duration(episode.duration)
    audio = {
        "@type": "AudioObject",
        "name": title,
        "contentUrl": settings.public_url(episode.audio_path),
        "encodingFormat": "audio/mpeg",
        "contentSize": size_text(episode.bytes),
        "duration": duration,
        "inLanguage": language,
        "transcript": transcript_text(passages),
    }
    author, site = one_line(episode.author or ""), one_line(episode.site or "")
    article = {
        "@type": "Article",
        "headline": title,
        "url": web_link(episode.link),
        "author": {"@type": "Person", "name": author} if author else None,
        "publisher": {"@type": "Organization", "name": site} if site else None,
        "datePublished": episode.published.isoformat() if episode.published else None,
        "inLanguage": language,
    }
    page = paths.episode_page_url(settings, episode.id)
    return _without_empty(
        {
            "@context": CONTEXT,
            "@type": "PodcastEpisode",
            "@id": page,
            "url": page,
            "name": title,
            "description": (episode.description or "").strip(),
            "datePublished": published.isoformat() if published else None,
            "inLanguage": language,
            "duration": duration,
            "image": cover_url,
            "associatedMedia": _without_empty(audio),
            "partOfSeries": podcast_series(settings, feed, cover_url),
            "isBasedOn": _without_empty(article),
        }
    )


def series_page(settings: Settings, feed: FeedSettings, cover_url: str) -> dict[str, object]:
    """The feed page's PodcastSeries."""
    return {"@context": CONTEXT, **podcast_series(settings, feed, cover_url)}


def script_element(data: dict[str, object]) -> Markup:
    """``<script type="application/ld+json">`` holding ``data``; no text in it can end the element.

    A data block is never executed, so the pages' script-src policy has nothing to allow.
    """
    text = json.dumps(data, ensure_ascii=False, indent=1)
    for character, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(character, escape)
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')


def _without_empty(data: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in data.items() if value not in (None, "", {}, [])}
