"""The render flow as plain functions: submit -> plan -> synthesize (per segment) -> finish.

Celery tasks in worker.py are thin shells over these; the CLI's embedded mode runs the same graph in-process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from narrate.article import Article, article_from_dict, article_to_dict
from narrate.engines.cache import SegmentCache
from narrate.engines.pool import fill
from narrate.errors import NotFoundError
from narrate.extract.canonical import with_trusted_canonical
from narrate.extract.completeness import corrected_article
from narrate.finishing import (
    RenderContext,
    prepare_publishing,
    publish_episode,
    render_files,
    render_fingerprint,
    script_from_dict,
    script_to_dict,
)
from narrate.publishing.feed import check_publishable
from narrate.publishing.files import remove
from narrate.publishing.listing import listing
from narrate.publishing.publish import feed_lock, publish_feed
from narrate.settings import FeedSettings, Settings
from narrate.store import Episode, Status, Store
from narrate.voicing import SegmentJob, check_length, checked_choice, engine_choice, make_script, segment_jobs

__all__ = [
    "SegmentJob",
    "approve",
    "correct",
    "engine_choice",
    "episode_guid",
    "is_long",
    "finish",
    "make_script",
    "plan",
    "publish_feed",
    "rerender",
    "script_from_dict",
    "script_to_dict",
    "submit",
    "synthesize",
    "unpublish",
]

if TYPE_CHECKING:
    from narrate.audio.assembly import Arrival

log = logging.getLogger(__name__)

EPISODE_NAMESPACE = uuid.UUID("1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b")


def episode_guid(feed: str, source_key: str) -> str:
    """Stable forever: the feed and the article's identity (canonical URL or content hash)."""
    return str(uuid.uuid5(EPISODE_NAMESPACE, f"{feed}\n{source_key}"))


def is_long(settings: Settings, chars: int) -> bool:
    """Whether a render of this many characters of text goes to the long lane, so short articles need not wait."""
    return chars > settings.long_article_chars


def submit(
    settings: Settings,
    store: Store,
    article: Article,
    *,
    feed: str,
    source: str,
    engine: str = "",
    voice: str = "",
    hold: str | None = None,
    notice: str | None = None,
) -> Episode:
    """Create the episode, or reset the existing one for the same article (same GUID), as queued.

    Everything that could refuse the episode at publish (the base URL, the feed, its cover and music, the engine and
    voice) is checked here, before any synthesis: a render never speaks a whole article only to fail at the end.
    ``hold``: the reason to hold it for review instead (Status.NEEDS_REVIEW: the shells send no render for it);
    ``notice``: what staff should know about its reading (from the completeness guard, extract/completeness.py).
    """
    settings.check()
    check_length(settings, article)
    feed_settings = settings.feed(feed)
    check_publishable(settings, feed_settings)
    name, voice = checked_choice(settings, feed_settings, engine, voice, article.language or "")
    article = with_trusted_canonical(article, feed_settings.canonical_hosts)
    source_key = article.canonical_url or f"sha256:{article.content_hash()}"
    episode = store.find(feed, source_key)
    if episode is None:
        guid = episode_guid(feed, source_key)
        episode = Episode(id=guid.replace("-", "")[:12], guid=guid, feed=feed, source_key=source_key)
    return _queue(store, episode, article, feed_settings, source, (name, voice), hold, notice)


def _queue(
    store: Store,
    episode: Episode,
    article: Article,
    feed_settings: FeedSettings,
    source: str,
    engine: tuple[str, str],
    hold: str | None,
    notice: str | None,
) -> Episode:
    """Reset ``episode`` to render ``article`` afresh with ``engine`` (name, voice), or to wait for review."""
    name, voice = engine
    episode.source = source
    episode.article_json = json.dumps(article_to_dict(article))
    if episode.audio_path is None:
        # Listeners keep seeing the published title and notes until the new audio replaces the old.
        for column, value in listing(article, feed_settings).items():
            setattr(episode, column, value)
    episode.engine, episode.voice = name, voice
    episode.status, episode.reason, episode.exit_code = Status.QUEUED.value, None, None
    if hold:
        episode.status, episode.reason = Status.NEEDS_REVIEW.value, hold
    episode.render_id = uuid.uuid4().hex
    episode.segments_total = episode.segments_done = episode.phase_progress = episode.attempts = 0
    episode.notice = notice
    return store.save(episode)


# -- review: an episode the completeness guard held (narrate/extract/completeness.py) ----------------------


def held(store: Store, episode_id: str) -> Episode:
    """The episode, which must be waiting for review; NotFoundError (saying its status) otherwise."""
    episode = store.get(episode_id)
    if episode.status != Status.NEEDS_REVIEW.value:
        raise NotFoundError(f"episode {episode_id!r} is not held for review (it is {episode.status})")
    return episode


def approve(settings: Settings, store: Store, episode_id: str) -> Episode:
    """Queue a held episode to be rendered from its reading as it is (same GUID)."""
    episode = held(store, episode_id)
    notice = f"approved by staff after review: {episode.reason}"
    return _requeue(settings, store, episode, article_from_dict(json.loads(episode.article_json)), notice)


def correct(settings: Settings, store: Store, episode_id: str, text: str) -> Episode:
    """Queue a held episode to be rendered from staff's corrected ``text`` (same episode, same GUID)."""
    episode = held(store, episode_id)
    article = corrected_article(article_from_dict(json.loads(episode.article_json)), text)
    return _requeue(settings, store, episode, article, "read from the text staff corrected after review")


def _requeue(settings: Settings, store: Store, episode: Episode, article: Article, notice: str) -> Episode:
    """``submit``'s checks, for an episode that keeps its identity whatever its new text (a content hash would not)."""
    settings.check()
    check_length(settings, article)
    feed_settings = settings.feed(episode.feed)
    check_publishable(settings, feed_settings)
    engine = checked_choice(settings, feed_settings, episode.engine, episode.voice, article.language or "")
    return _queue(store, episode, article, feed_settings, episode.source, engine, None, notice)


def rerender(settings: Settings, store: Store, episode_id: str) -> Episode:
    """Queue the episode again from its stored article (same GUID); the published audio stays until replaced."""
    episode = store.get(episode_id)
    article = article_from_dict(json.loads(episode.article_json))
    article.claimed_url = None  # the episode keeps the identity it has, whatever canonical_hosts says now
    return submit(
        settings, store, article, feed=episode.feed, source=episode.source, engine=episode.engine, voice=episode.voice
    )


def unpublish(settings: Settings, store: Store, episode_id: str) -> None:
    """Take the episode out of its feed and delete its public files and its row."""
    episode = store.get(episode_id)
    from narrate.publishing import pages

    store.delete(episode_id)  # an in-flight render of it now publishes nothing
    publish_feed(settings, store, episode.feed)
    pages.remove_episode_page(settings, episode_id)
    remove(settings.public_dir, [episode.audio_path, episode.transcript_path, episode.chapters_path])


def plan(settings: Settings, store: Store, episode_id: str, render_id: str) -> list[SegmentJob]:
    """Write the script for the episode and list the synthesis jobs, in speaking order."""
    episode = store.get(episode_id)
    article = article_from_dict(json.loads(episode.article_json))
    script, jobs = segment_jobs(settings, article, episode.feed, episode.engine, episode.voice)
    keys = [job.key for job in jobs]
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
    return jobs


def synthesize(settings: Settings, job: SegmentJob, waiting: Callable[[], None] | None = None) -> str:
    """Make sure the segment is in the cache; returns its key. ``waiting``: called while it waits for an engine slot.

    The embedded renderer's process pool (engines.pool) speaks segments with the same function."""
    return fill(settings, job.key, job.engine, job.voice, job.text, waiting)


def finish(
    settings: Settings, store: Store, episode_id: str, render_id: str, arrival: Arrival | None = None
) -> Episode:
    """Assemble, tag and publish the episode, then swap the feed. A stale render publishes nothing.

    Safe to run twice, even at once (a redelivered or retried task): runs for one episode take turns, and a later run
    finds the fingerprint the earlier one recorded and publishes nothing again. ``arrival``: the segments are still
    being spoken (engines.pool.Speaking), and each is taken as it comes.
    """
    with store.lock(f"episode-{episode_id}", settings.locks_dir):
        return _finish(settings, store, episode_id, render_id, arrival)


def _finish(settings: Settings, store: Store, episode_id: str, render_id: str, arrival: Arrival | None) -> Episode:
    episode = store.get(episode_id)
    if episode.render_id != render_id:
        log.info("render %s of %s was superseded; not publishing", render_id, episode_id)
        return episode
    context = RenderContext.load(settings, store, episode, render_id)
    fingerprint = render_fingerprint(context)
    if fingerprint == episode.fingerprint and episode.audio_path and (settings.public_dir / episode.audio_path).exists():
        # Same segments, same words, same tags: the published files are already this render's result (or this
        # very render's, published by a run killed before it could clean its stage).
        shutil.rmtree(context.stage, ignore_errors=True)
        store.change(episode_id, render_id, status=Status.PUBLISHED.value, reason=None)
        return store.get(episode_id)

    from narrate.audio import Part  # audio (numpy) only once there is something to assemble

    cache = SegmentCache(settings.cache_dir)
    jobs = [SegmentJob(key, s.text, episode.engine, episode.voice) for key, s in zip(context.keys, context.script.segments)]
    if arrival is None:
        parts = [Part(_cached(settings, cache, job), s.pause_ms) for job, s in zip(jobs, context.script.segments)]
    else:
        parts = [Part(cache.path(job.key), s.pause_ms) for job, s in zip(jobs, context.script.segments)]
        arrival = _Arriving(arrival, settings, cache, jobs)
        # While the first segments are spoken, load what publishing needs: at the end of the render, only one core
        # is at work, and publishing is all that is left.
        prepare_publishing()
    context.stage.mkdir(parents=True, exist_ok=True)
    try:
        rendered = render_files(context, parts, arrival)
        with rendered.files["audio"].open("rb") as stream:
            rev = hashlib.file_digest(stream, "sha256").hexdigest()[:10]
        # One publisher per feed at a time: install, database, page and feed change together or not at all.
        with feed_lock(settings, store, episode.feed):
            publish_episode(context, rendered, rev, fingerprint)
    finally:
        shutil.rmtree(context.stage, ignore_errors=True)
    cache.prune(settings.cache_max_bytes)
    return store.get(episode_id)


def _cached(settings: Settings, cache: SegmentCache, job: SegmentJob) -> Path:
    # An entry evicted or corrupted since synthesis is made again rather than published broken.
    path = cache.get(job.key)
    if path is None:
        synthesize(settings, job)
        path = cache.path(job.key)
    return path


class _Arriving:
    """Segments as they are spoken, each one made sure of in the cache (``_cached``) once it has come."""

    def __init__(self, arrival: Arrival, settings: Settings, cache: SegmentCache, jobs: list[SegmentJob]) -> None:
        self._arrival, self._settings, self._cache, self._jobs = arrival, settings, cache, jobs

    def ready(self, index: int) -> bool:
        return self._arrival.ready(index)

    def wait(self, index: int) -> None:
        self._arrival.wait(index)
        _cached(self._settings, self._cache, self._jobs[index])
