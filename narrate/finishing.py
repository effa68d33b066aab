"""The finishing steps of a render: the episode's files made in a stage, then put live with the feed and the page.

Every step takes one RenderContext: the render as read from the database when finishing began.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from feeds.chapters import chapters_json
from feeds.transcript import Cue, webvtt
from narrate.article import Article, article_from_dict
from narrate.errors import NarrateError
from narrate.publishing import paths
from narrate.publishing.feed import Cover, cover, feed_errors
from narrate.publishing.files import install, remove, remove_orphans
from narrate.publishing.listing import listing, show_notes
from narrate.script import Script, Segment
from narrate.settings import FeedSettings, Settings
from narrate.store import Episode, Status, Store, utcnow

if TYPE_CHECKING:
    from narrate.audio import Part
    from narrate.audio.assembly import Arrival

log = logging.getLogger(__name__)

_PUBLISHED_COLUMNS = (
    "title", "author", "site", "language", "link", "published", "description", "fingerprint", "rev",
    "audio_path", "transcript_path", "chapters_path", "bytes", "duration", "published_at",
)  # fmt: skip


@dataclass(frozen=True)
class RenderContext:
    """One render of one episode, as its finishing steps see it."""

    settings: Settings
    store: Store
    episode: Episode
    """The episode's row when finishing began."""
    render_id: str
    article: Article
    feed: FeedSettings
    script: Script
    keys: list[str]
    """The segments' cache keys, in speaking order, as planned with the script."""
    art: Cover
    """The feed's cover: drawn or read once per render, for the tags, the feed and the pages."""

    @classmethod
    def load(cls, settings: Settings, store: Store, episode: Episode, render_id: str) -> RenderContext:
        stored = json.loads(episode.script_json)
        feed = settings.feed(episode.feed)
        return cls(
            settings=settings,
            store=store,
            episode=episode,
            render_id=render_id,
            article=article_from_dict(json.loads(episode.article_json)),
            feed=feed,
            script=script_from_dict(stored),
            keys=list(stored["keys"]),
            art=cover(settings, feed),
        )

    @property
    def stage(self) -> Path:
        """The work folder where this render's files are made before they go live."""
        return self.settings.work_dir / f"{self.episode.id}-{self.render_id}"

    def progress(self) -> Callable[[float], None]:
        """Assembly's share of the episode's progress (the segments had theirs), for ``assemble``: written when it
        moves (a ninth at a time) and, while it does not, often enough that the reaper never takes the render for
        stalled; not for each of the 40-odd reports of an article's assembly, each an UPDATE."""
        alive = self.settings.stale_after / 4
        written, written_at = -1, 0.0

        def report(fraction: float) -> None:
            nonlocal written, written_at
            value, now = int(9 * fraction), time.monotonic()
            if value != written or now - written_at >= alive:
                self.store.change(self.episode.id, self.render_id, phase_progress=value)
                written, written_at = value, now

        return report


@dataclass(frozen=True)
class Rendered:
    """An episode's files in the stage, and the timings the pages need."""

    files: dict[str, Path]
    duration: float
    cues: list[tuple[float, float]]
    chapters: list[tuple[float, str]]


def render_fingerprint(context: RenderContext) -> str:
    """Everything the episode's files are made from: segment audio, pauses, captions, music, tags, audio settings."""
    feed, settings, script = context.feed, context.settings, context.script
    music = [(path, *_stamp(path)) for path in (feed.intro_audio, feed.outro_audio)]
    material = {
        "segments": [[key, s.pause_ms, s.caption, s.chapter] for key, s in zip(context.keys, script.segments)],
        "music": music,
        "listing": {k: str(v) for k, v in listing(context.article, feed).items()},
        "album": feed.title,
        "cover": hashlib.sha256(context.art.data).hexdigest(),
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


def render_files(context: RenderContext, parts: list[Part], arrival: Arrival | None = None) -> Rendered:
    """Write the MP3 (tagged), transcript and chapters into the stage; ``arrival``: the parts are still being made."""
    # Imported here, as the pages and the feed below: a render whose files are already published (an unchanged
    # re-add) checks its fingerprint and stops, without loading numpy or the page templates.
    from narrate.audio import AudioOptions, Chapter, Tags, assemble, write_tags

    settings, feed, article, script, stage = context.settings, context.feed, context.article, context.script, context.stage
    options = AudioOptions(
        bitrate_kbps=settings.bitrate_kbps,
        loudness_lufs=settings.loudness_lufs,
        true_peak_db=settings.true_peak_db,
    )
    mp3 = stage / "episode.mp3"
    assembly = assemble(
        parts,
        mp3,
        options,
        intro_audio=Path(feed.intro_audio) if feed.intro_audio else None,
        outro_audio=Path(feed.outro_audio) if feed.outro_audio else None,
        work_dir=stage,
        progress=context.progress(),
        arrival=arrival,
    )
    starts = {index: assembly.cues[index][0] for index, _ in script.chapters()}
    chapter_list = [(0.0 if i == 0 else starts[index], title) for i, (index, title) in enumerate(script.chapters())]
    ends = [start for start, _ in chapter_list[1:]] + [assembly.duration]
    write_tags(
        mp3,
        Tags(
            title=article.title,
            artist=article.author or feed.author,
            album=feed.title,
            date=(article.published or dt.date.today()).isoformat(),
            language=article.language or feed.language,
            comment=show_notes(article),
            cover=context.art.data,
            cover_mime=context.art.mime,
            chapters=[Chapter(t, s, e) for (s, t), e in zip(chapter_list, ends)],
        ),
    )
    transcript = stage / "episode.vtt"
    chapters = stage / "chapters.json"
    with feed_errors(f"the transcript and chapters of episode {context.episode.id}"):
        cues = [Cue(start, end, s.caption) for (start, end), s in zip(assembly.cues, script.segments)]
        transcript.write_text(webvtt(cues), encoding="utf-8")
        chapters.write_text(chapters_json(chapter_list), encoding="utf-8")
    return Rendered(
        files={"audio": mp3, "transcript": transcript, "chapters": chapters},
        duration=assembly.duration,
        cues=assembly.cues,
        chapters=chapter_list,
    )


def prepare_publishing() -> None:
    """Load the modules that tag and publish an episode and compile its page templates, before they are needed."""
    import narrate.audio.tags  # noqa: F401 - imported for its own sake
    from narrate.publishing import errorpage, pages  # noqa: F401 - errorpage imported for its own sake
    from narrate.publishing.publish import write_feed  # noqa: F401 - imported for its own sake

    pages.warm()


def publish_episode(context: RenderContext, rendered: Rendered, rev: str, fingerprint: str) -> None:
    """Put the staged files live, record them, write the page and the feed; on failure put everything back.

    The caller holds the feed's lock: install, database, page and feed change together or not at all.
    """
    from narrate.publishing import pages
    from narrate.publishing.publish import write_feed

    settings, store, episode_id, render_id = context.settings, context.store, context.episode.id, context.render_id
    before = store.get(episode_id)
    if before.render_id != render_id:
        return  # superseded (or unpublished) while assembling: the newer render publishes
    public = paths.episode_paths(before.feed, episode_id, rev)
    size = rendered.files["audio"].stat().st_size
    install(rendered.files, public, settings.public_dir)
    old_files = {"audio_path": before.audio_path, "transcript_path": before.transcript_path,
                 "chapters_path": before.chapters_path}  # fmt: skip
    old = {column: getattr(before, column) for column in _PUBLISHED_COLUMNS}
    store.change(
        episode_id,
        render_id,
        **listing(context.article, context.feed),
        rev=rev,
        audio_path=public["audio"],
        transcript_path=public["transcript"],
        chapters_path=public["chapters"],
        bytes=size,
        duration=rendered.duration,
        published_at=before.published_at or utcnow(),
    )
    try:
        write_feed(settings, store, before.feed, context.art)
        pages.write_episode_page(
            settings, store.get(episode_id), context.script, rendered.cues, rendered.chapters, context.feed, context.art
        )
    except BaseException:
        # Listeners keep what they had: the row, the feed and the files as before this render.
        store.change(episode_id, None, **old)
        try:
            write_feed(settings, store, before.feed, context.art)
        except NarrateError as error:
            log.error("feed %s could not be restored: %s", before.feed, error)
        remove(settings.public_dir, [p for p in public.values() if p not in old_files.values()])
        raise
    # "published" only once the feed and the page are on disk: a client polling for it can fetch them at once.
    # The fingerprint too: a run that finds it may skip all of this, so it must mean all of this was done.
    store.change(episode_id, render_id, status=Status.PUBLISHED.value, reason=None, fingerprint=fingerprint)
    remove_orphans(settings.public_dir, before.feed, episode_id, keep=set(public.values()))


def script_to_dict(script: Script) -> dict[str, object]:
    return {"title": script.title, "language": script.language, "segments": [asdict(s) for s in script.segments]}


def script_from_dict(data: dict[str, object]) -> Script:
    segments = [Segment(**s) for s in data["segments"]]  # type: ignore[union-attr]
    return Script(title=str(data["title"]), language=str(data["language"]), segments=segments)
