"""The render flow as plain functions: submit -> plan -> synthesize (per segment) -> finish.

Celery tasks in worker.py are thin shells over these; the CLI's embedded mode runs the same graph in-process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from feeds.chapters import chapters_json
from feeds.transcript import Cue, webvtt
from narrate.article import Article, article_from_dict, article_to_dict
from narrate.audio import AudioOptions, Chapter, Part, Tags, assemble, write_tags
from narrate.engines.cache import SegmentCache, segment_key
from narrate.engines import check_engine, engine_class, get_engine
from narrate.engines.speak import speak
from narrate.errors import ConfigError, NarrateError
from narrate.script.lexicon import feed_lexicon
from narrate.publishing import pages
from narrate.publishing.feed import check_feed, cover, episode_paths, install, rebuild_feed, remove, remove_orphans
from narrate.script import Script, ScriptOptions, Segment, build_script
from narrate.settings import FeedSettings, Settings
from narrate.store import Episode, Status, Store, utcnow

log = logging.getLogger(__name__)

EPISODE_NAMESPACE = uuid.UUID("1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b")


@dataclass(frozen=True)
class SegmentJob:
    """What one synthesis task needs: small enough for any broker."""

    key: str
    text: str
    engine: str
    voice: str


def episode_guid(feed: str, source_key: str) -> str:
    """Stable forever: the feed and the article's identity (canonical URL or content hash)."""
    return str(uuid.uuid5(EPISODE_NAMESPACE, f"{feed}\n{source_key}"))


def script_options(settings: Settings, feed: FeedSettings, article: Article, max_chars: int) -> ScriptOptions:
    return ScriptOptions(
        max_chars=max_chars,
        intro_template=feed.intro_template,
        outro_template=feed.outro_template,
        feed_title=feed.title,
        language=article.language or feed.language,
    )


# Languages the engines' default voices speak; gtts and espeak take the language as their voice.
DEFAULT_VOICE_LANGUAGES = {"piper": {"en"}, "tone": None, "gtts": None, "espeak": None}


def engine_choice(
    settings: Settings, feed: FeedSettings, engine: str = "", voice: str = "", language: str = ""
) -> tuple[str, str]:
    """The engine and voice for an article: explicit choice, else the feed's, else one for the article's language."""
    name = engine or feed.engine or settings.engine
    chosen = voice or (feed.voice if name == (feed.engine or settings.engine) else "")
    if chosen:
        return name, chosen
    language = (language or feed.language or "en").split("-")[0].lower()
    if language in settings.voices:
        return name, settings.voices[language]
    speaks = DEFAULT_VOICE_LANGUAGES.get(name)
    if speaks is None:
        # Engines that speak many languages are told which one; settings.voice, if any, is applied by get_engine.
        return name, language if name in ("gtts", "espeak") and language != "en" else ""
    if language in speaks or (settings.voice and name == settings.engine):
        return name, ""
    if settings.fallback_voice:
        return name, "" if settings.fallback_voice == "default" else settings.fallback_voice
    raise ConfigError(
        f"no {name} voice for language {language!r}: add one under [voices] in narrate.toml "
        f'({language} = "/path/to/voice.onnx") or set NARRATE_FALLBACK_VOICE'
    )


def make_script(settings: Settings, article: Article, feed_slug: str, engine: str = "", voice: str = "") -> Script:
    """The speech script exactly as a render would speak it."""
    feed = settings.feed(feed_slug)
    name, _ = engine_choice(settings, feed, engine, voice, article.language or "")
    max_chars = engine_class(name).max_chars  # no need to load a voice just to know its limit
    options = script_options(settings, feed, article, max_chars)
    return build_script(article, options, feed_lexicon(settings.home, feed.slug))


def submit(
    settings: Settings,
    store: Store,
    article: Article,
    *,
    feed: str,
    source: str,
    engine: str = "",
    voice: str = "",
) -> Episode:
    """Create the episode, or reset the existing one for the same article (same GUID), as queued."""
    feed_settings = settings.feed(feed)
    check_feed(feed_settings)
    name, voice = engine_choice(settings, feed_settings, engine, voice, article.language or "")
    check_engine(name, settings, voice)  # an unknown engine or missing voice fails now, not in a worker
    source_key = article.canonical_url or f"sha256:{article.content_hash()}"
    episode = store.find(feed, source_key)
    if episode is None:
        guid = episode_guid(feed, source_key)
        episode = Episode(id=guid.replace("-", "")[:12], guid=guid, feed=feed, source_key=source_key)
    episode.source = source
    episode.article_json = json.dumps(article_to_dict(article))
    if episode.audio_path is None:
        # Listeners keep seeing the published title and notes until the new audio replaces the old.
        for column, value in listing(article, feed_settings).items():
            setattr(episode, column, value)
    episode.engine, episode.voice = name, voice
    episode.status, episode.reason = Status.QUEUED.value, None
    episode.render_id = uuid.uuid4().hex
    episode.segments_total = episode.segments_done = episode.phase_progress = episode.attempts = 0
    episode.notice = None
    return store.save(episode)


def rerender(settings: Settings, store: Store, episode_id: str) -> Episode:
    """Queue the episode again from its stored article (same GUID); the published audio stays until replaced."""
    episode = store.get(episode_id)
    article = article_from_dict(json.loads(episode.article_json))
    return submit(
        settings, store, article, feed=episode.feed, source=episode.source, engine=episode.engine, voice=episode.voice
    )


def unpublish(settings: Settings, store: Store, episode_id: str) -> None:
    """Take the episode out of its feed and delete its public files and its row."""
    episode = store.get(episode_id)
    store.delete(episode_id)  # an in-flight render of it now publishes nothing
    publish_feed(settings, store, episode.feed)
    pages.remove_episode_page(settings, episode_id)
    remove(settings.public_dir, [episode.audio_path, episode.transcript_path, episode.chapters_path])


def publish_feed(settings: Settings, store: Store, slug: str) -> Path:
    """Rebuild the feed's RSS file and its page from the database; returns the RSS file's path."""
    with store.lock(f"feed-{slug}", settings.home / "locks"):
        return _publish_feed_locked(settings, store, slug)


def _publish_feed_locked(settings: Settings, store: Store, slug: str) -> Path:
    # The caller holds the feed's lock: the episodes read here are still the database's when the file is swapped.
    feed = settings.feed(slug)
    episodes = store.episodes(feed=slug)
    path = rebuild_feed(settings, feed, episodes)
    pages.write_assets(settings)
    pages.write_feed_page(settings, feed, episodes)
    return path


def listing(article: Article, feed: FeedSettings) -> dict[str, object]:
    """The episode's columns that listeners see in the feed, from the article."""
    return {
        "title": article.title,
        "author": article.author,
        "site": article.site,
        "language": article.language or feed.language,
        "link": article.canonical_url,
        "published": article.published,
        "description": show_notes(article),
    }


def show_notes(article: Article) -> str:
    """Plain-text episode description: summary, credit, link, and the synthetic-voice note."""
    first = next((b.text for b in article.blocks if b.kind == "paragraph"), "")
    summary = article.summary or first
    if len(summary) > 600:
        summary = summary[:600].rsplit(" ", 1)[0] + " ..."
    lines = [summary]
    if article.author:
        lines.append(f"Written by {article.author}" + (f" for {article.site}." if article.site else "."))
    if article.canonical_url:
        lines.append(f"Read the original article: {article.canonical_url}")
    lines.append("This audio version is read by a computer-generated voice.")
    return "\n\n".join(line for line in lines if line)


def plan(settings: Settings, store: Store, episode_id: str, render_id: str) -> list[SegmentJob]:
    """Write the script for the episode and list the synthesis jobs, in speaking order."""
    episode = store.get(episode_id)
    article = article_from_dict(json.loads(episode.article_json))
    tts = get_engine(episode.engine, settings, episode.voice)
    feed = settings.feed(episode.feed)
    script = build_script(article, script_options(settings, feed, article, tts.max_chars), feed_lexicon(settings.home, feed.slug))
    keys = [segment_key(tts.name, tts.voice_id, s.text) for s in script.segments]
    store.change(
        episode_id,
        render_id,
        # The keys are stored with the script: finish reads them from here, so a chord result that a redelivered
        # task counted twice can never put one segment's audio in another's place.
        script_json=json.dumps({**script_to_dict(script), "keys": keys}),
        status=Status.RENDERING.value,
        segments_total=len(script.segments),
        segments_done=0,
        phase_progress=0,
    )
    return [SegmentJob(key, s.text, episode.engine, episode.voice) for key, s in zip(keys, script.segments)]


def synthesize(settings: Settings, job: SegmentJob, waiting: Callable[[], None] | None = None) -> str:
    """Make sure the segment is in the cache; returns its key. ``waiting``: called while it waits for an engine slot."""
    cache = SegmentCache(settings.cache_dir)
    if cache.get(job.key) is None:
        tts = get_engine(job.engine, settings, job.voice)
        cache.put(job.key, speak(settings, tts, job.text, waiting))  # checked: never silence where words should be
    return job.key


def finish(settings: Settings, store: Store, episode_id: str, render_id: str) -> Episode:
    """Assemble, tag and publish the episode, then swap the feed. A stale render publishes nothing.

    Safe to run twice, even at once (a redelivered or retried task): runs for one episode take turns, and a later run
    finds the fingerprint the earlier one recorded and publishes nothing again.
    """
    with store.lock(f"episode-{episode_id}", settings.home / "locks"):
        return _finish(settings, store, episode_id, render_id)


def _finish(settings: Settings, store: Store, episode_id: str, render_id: str) -> Episode:
    episode = store.get(episode_id)
    if episode.render_id != render_id:
        log.info("render %s of %s was superseded; not publishing", render_id, episode_id)
        return episode
    stored = json.loads(episode.script_json)
    script, keys = script_from_dict(stored), list(stored["keys"])
    article = article_from_dict(json.loads(episode.article_json))
    feed = settings.feed(episode.feed)
    cache = SegmentCache(settings.cache_dir)
    jobs = [SegmentJob(key, s.text, episode.engine, episode.voice) for key, s in zip(keys, script.segments)]
    parts = [Part(_cached(settings, cache, job), s.pause_ms) for job, s in zip(jobs, script.segments)]

    fingerprint = render_fingerprint(settings, article, feed, script, keys)
    stage = settings.work_dir / f"{episode_id}-{render_id}"
    if fingerprint == episode.fingerprint and episode.audio_path and (settings.public_dir / episode.audio_path).exists():
        # Same segments, same words, same tags: the published files are already this render's result (or this
        # very render's, published by a run killed before it could clean its stage).
        shutil.rmtree(stage, ignore_errors=True)
        store.change(episode_id, render_id, status=Status.PUBLISHED.value, reason=None)
        return store.get(episode_id)

    stage.mkdir(parents=True, exist_ok=True)
    try:
        rendered = _render_files(settings, episode, article, feed, script, parts, stage, store, render_id)
        with rendered.files["audio"].open("rb") as stream:
            rev = hashlib.file_digest(stream, "sha256").hexdigest()[:10]
        # One publisher per feed at a time: install, database, page and feed change together or not at all.
        with store.lock(f"feed-{episode.feed}", settings.home / "locks"):
            _publish_episode(settings, store, episode_id, render_id, rendered, rev, fingerprint, article, feed, script)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    SegmentCache(settings.cache_dir).prune(settings.cache_max_bytes)
    return store.get(episode_id)


def _publish_episode(
    settings: Settings,
    store: Store,
    episode_id: str,
    render_id: str,
    rendered: "Rendered",
    rev: str,
    fingerprint: str,
    article: Article,
    feed: FeedSettings,
    script: Script,
) -> None:
    """Put the staged files live, record them, write the page and the feed; on failure put everything back."""
    before = store.get(episode_id)
    if before.render_id != render_id:
        return  # superseded (or unpublished) while assembling: the newer render publishes
    public = episode_paths(before, rev)
    size = rendered.files["audio"].stat().st_size
    install(rendered.files, public, settings.public_dir)
    old_files = {"audio_path": before.audio_path, "transcript_path": before.transcript_path,
                 "chapters_path": before.chapters_path}  # fmt: skip
    old = {column: getattr(before, column) for column in _PUBLISHED_COLUMNS}
    store.change(
        episode_id,
        render_id,
        **listing(article, feed),
        rev=rev,
        audio_path=public["audio"],
        transcript_path=public["transcript"],
        chapters_path=public["chapters"],
        bytes=size,
        duration=rendered.duration,
        published_at=before.published_at or utcnow(),
    )
    try:
        _publish_feed_locked(settings, store, before.feed)
        pages.write_episode_page(settings, store.get(episode_id), script, rendered.cues, rendered.chapters, feed)
    except BaseException:
        # Listeners keep what they had: the row, the feed and the files as before this render.
        store.change(episode_id, None, **old)
        try:
            _publish_feed_locked(settings, store, before.feed)
        except NarrateError as error:
            log.error("feed %s could not be restored: %s", before.feed, error)
        remove(settings.public_dir, [p for p in public.values() if p not in old_files.values()])
        raise
    # "published" only once the feed and the page are on disk: a client polling for it can fetch them at once.
    # The fingerprint too: a run that finds it may skip all of this, so it must mean all of this was done.
    store.change(episode_id, render_id, status=Status.PUBLISHED.value, reason=None, fingerprint=fingerprint)
    remove_orphans(settings.public_dir, before.feed, episode_id, keep=set(public.values()))


_PUBLISHED_COLUMNS = (
    "title", "author", "site", "language", "link", "published", "description", "fingerprint", "rev",
    "audio_path", "transcript_path", "chapters_path", "bytes", "duration", "published_at",
)  # fmt: skip


def render_fingerprint(settings: Settings, article: Article, feed: FeedSettings, script: Script, keys: list[str]) -> str:
    """Everything the episode's files are made from: segment audio, pauses, captions, music, tags, audio settings."""
    music = [(path, *_stamp(path)) for path in (feed.intro_audio, feed.outro_audio)]
    _, cover_bytes, _ = cover(settings, feed)
    material = {
        "segments": [[key, s.pause_ms, s.caption, s.chapter] for key, s in zip(keys, script.segments)],
        "music": music,
        "listing": {k: str(v) for k, v in listing(article, feed).items()},
        "album": feed.title,
        "cover": hashlib.sha256(cover_bytes).hexdigest(),
        "audio": [settings.bitrate_kbps, settings.loudness_lufs, settings.true_peak_db],
        "version": 1,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode("utf-8")).hexdigest()


def _stamp(path: str) -> tuple[int, int]:
    if not path:
        return (0, 0)
    try:
        stat = Path(path).stat()
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class Rendered:
    """An episode's files in the stage, and the timings the pages need."""

    files: dict[str, Path]
    duration: float
    cues: list[tuple[float, float]]
    chapters: list[tuple[float, str]]


def _cached(settings: Settings, cache: SegmentCache, job: SegmentJob) -> Path:
    # An entry evicted or corrupted since synthesis is made again rather than published broken.
    path = cache.get(job.key)
    if path is None:
        synthesize(settings, job)
        path = cache.path(job.key)
    return path


def _render_files(
    settings: Settings,
    episode: Episode,
    article: Article,
    feed: FeedSettings,
    script: Script,
    parts: list[Part],
    stage: Path,
    store: Store,
    render_id: str,
) -> Rendered:
    """Write the MP3 (tagged), transcript and chapters into the stage."""
    options = AudioOptions(
        bitrate_kbps=settings.bitrate_kbps,
        loudness_lufs=settings.loudness_lufs,
        true_peak_db=settings.true_peak_db,
    )
    mp3 = stage / "episode.mp3"

    def progress(fraction: float) -> None:
        store.change(episode.id, render_id, phase_progress=int(9 * fraction))

    assembly = assemble(
        parts,
        mp3,
        options,
        intro_audio=Path(feed.intro_audio) if feed.intro_audio else None,
        outro_audio=Path(feed.outro_audio) if feed.outro_audio else None,
        work_dir=stage,
        progress=progress,
    )
    starts = {index: assembly.cues[index][0] for index, _ in script.chapters()}
    chapter_list = [(0.0 if i == 0 else starts[index], title) for i, (index, title) in enumerate(script.chapters())]
    ends = [start for start, _ in chapter_list[1:]] + [assembly.duration]
    _, cover_bytes, cover_mime = cover(settings, feed)
    write_tags(
        mp3,
        Tags(
            title=article.title,
            artist=article.author or feed.author,
            album=feed.title,
            date=(article.published or dt.date.today()).isoformat(),
            language=article.language or feed.language,
            comment=show_notes(article),
            cover=cover_bytes,
            cover_mime=cover_mime,
            chapters=[Chapter(t, s, e) for (s, t), e in zip(chapter_list, ends)],
        ),
    )
    transcript = stage / "episode.vtt"
    cues = [Cue(start, end, s.caption) for (start, end), s in zip(assembly.cues, script.segments)]
    transcript.write_text(webvtt(cues), encoding="utf-8")
    chapters = stage / "chapters.json"
    chapters.write_text(chapters_json(chapter_list), encoding="utf-8")
    return Rendered(
        files={"audio": mp3, "transcript": transcript, "chapters": chapters},
        duration=assembly.duration,
        cues=assembly.cues,
        chapters=chapter_list,
    )


def script_to_dict(script: Script) -> dict[str, object]:
    return {"title": script.title, "language": script.language, "segments": [asdict(s) for s in script.segments]}


def script_from_dict(data: dict[str, object]) -> Script:
    segments = [Segment(**s) for s in data["segments"]]  # type: ignore[union-attr]
    return Script(title=str(data["title"]), language=str(data["language"]), segments=segments)
