"""``narrate add`` (render and publish, or queue for workers) and ``narrate script`` (the speech text only)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import time
from typing import TYPE_CHECKING, Any

from narrate.cli.episodes import episode_json, span
from narrate.errors import INTERNAL_ERROR, ConfigError, NarrateError, SourceError
from narrate.settings import Settings

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from narrate.article import Article
    from narrate.engines.pool import SynthesisPool
    from narrate.extract import Document
    from narrate.extract.completeness import Verdict
    from narrate.store import Episode, Store
    from narrate.store.rows import EpisodeRow


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.cli import unchanged

    check_queue(args, settings)
    answer = unchanged.recall(args, settings)
    if answer is not None:
        sys.stdout.write(answer)  # an unchanged re-add: the published episode, as the full add would report it
        return 0
    # Started first: its processes import the engine and load the voice while this one reads the article, loads
    # the pipeline and records the episode. They write nothing in the library until given a segment (where the user
    # has a cache folder, engines.piper._digest_memos), so a source refused below leaves nothing behind; closing
    # the pool stops them at once.
    started = _start_pool(args, settings)
    pool = None
    try:
        document = _document(args, settings)  # a source that cannot be read is refused before anything is recorded
        # Taken before anything is rendered: whatever changes from here on shows in the next add's digest.
        inputs = unchanged.inputs(args, settings, document.data)
        reading = _reading(args, document)  # so is an article that cannot be extracted
        if started is not None and not reading.hold:
            pool = _speak_ahead(started, args, settings, reading.article)

        from narrate import pipeline
        from narrate.store import Store

        store = Store(settings.db_url, settings.public_dir)
        episode = pipeline.submit(
            settings, store, reading.article, feed=args.feed, source=args.source, engine=args.engine,
            voice=args.voice, hold=reading.hold, notice=reading.notice,
        )  # fmt: skip
        code = render(settings, store, episode, queue=args.queue, as_json=args.json, pool=pool)
    finally:
        if started is not None:
            started.close()
    if code == 0:
        unchanged.remember(args, settings, inputs, episode.id, report)
    return code


def _start_pool(args: argparse.Namespace, settings: Settings) -> SynthesisPool | None:
    """The embedded renderer's processes, started now to load the feed's voice while this one reads the article
    (a page's download: 0.2-0.3 s saved from a server answering in 0.8 s, BENCHMARKS.md), loads the pipeline,
    records and plans the episode. None when the render is not done here by processes. A pool never needed (the
    article refused, every segment cached) is stopped at once when closed."""
    from narrate.engines.pool import SynthesisPool
    from narrate.voicing import engine_choice

    if args.queue or settings.broker_url:
        return None
    pool = SynthesisPool(settings)
    try:
        # The voice for an article in the feed's language: most are; one in another language changes it below.
        choice = engine_choice(settings, settings.feed(args.feed), args.engine, args.voice)
        if not pool.uses_processes(choice[0]):
            return None
    except ConfigError:
        return None  # an unknown engine or feed, no voice: submitting says so
    pool.start(settings, *choice)
    return pool


def _speak_ahead(
    pool: SynthesisPool, args: argparse.Namespace, settings: Settings, article: Article
) -> SynthesisPool | None:
    """``pool``, given the article's first segments at once: recording and planning the episode takes the pipeline's
    imports and the database (about 0.3 s), while the processes speak. None, ``pool`` closed, for an article that
    fails the checks that need no database (its length, a voice for its language, the voice's files; submitting it
    says why) or that another voice than the one its processes loaded reads (the render then starts processes for
    that one, so that each holds one voice)."""
    from narrate.voicing import check_length, checked_choice, segment_jobs

    try:
        check_length(settings, article)
        choice = checked_choice(settings, settings.feed(args.feed), args.engine, args.voice, article.language or "")
    except NarrateError:
        choice = None
    if choice is None or choice != pool.started_for:
        pool.close()
        return None
    try:
        _, jobs = segment_jobs(settings, article, args.feed, *choice)
        pool.speak_ahead(settings, jobs)
    except Exception as error:  # noqa: BLE001 - only time is lost: the render plans and speaks them anyway
        log.debug("nothing spoken ahead: %s", error)
    return pool


def check_queue(args: argparse.Namespace, settings: Settings) -> None:
    if args.queue and not settings.broker_url:
        # Refused before anything is read or recorded: an episode queued with no broker would wait for ever.
        raise ConfigError("--queue needs a broker: set NARRATE_BROKER_URL (redis://... or amqp://...)")


def render(
    settings: Settings, store: Store, episode: Episode, *, queue: bool, as_json: bool, pool: SynthesisPool | None = None
) -> int:
    """Render a submitted episode here (embedded, in ``pool`` if one is given) or on workers, report it, and exit as
    it ended.

    An episode held for review is not rendered: it is reported with its reason and how to go on, and the command
    exits 4 (a source whose reading is in doubt), since nothing was published.
    """
    from narrate.store import Status

    if episode.status == Status.NEEDS_REVIEW.value:
        _report(episode, settings, as_json)
        print(f"narrate: error: held for review: {episode.reason}. {review_advice(episode.id)}", file=sys.stderr)
        return SourceError.exit_code
    if queue:
        import worker  # the Celery app reads the same settings

        worker.send_render(episode.id, episode.render_id)
        _report(store.get(episode.id), settings, as_json)
        return 0

    with _Progress(enabled=sys.stderr.isatty() and not as_json) as bar:
        if settings.broker_url:
            import worker

            worker.send_render(episode.id, episode.render_id)
            try:
                episode = _wait(store, episode.id, bar)
            except KeyboardInterrupt:
                raise KeyboardInterrupt(f"the workers go on rendering episode {episode.id}; `narrate episodes` "
                                        "shows how far") from None  # fmt: skip
        else:
            try:
                episode = _run_embedded(settings, store, episode, bar, pool)
            except KeyboardInterrupt:
                raise KeyboardInterrupt(f"episode {episode.id} is left unfinished, the segments spoken so far "
                                        "kept: run the same command again to finish it") from None  # fmt: skip
    _report(episode, settings, as_json)
    if episode.status != Status.PUBLISHED.value:
        print(f"narrate: error: {episode.reason or 'render failed'}", file=sys.stderr)
        # The failure's own code (5 engine, 6 audio, 7 publishing, ...), recorded with the reason by the render.
        return episode.exit_code or INTERNAL_ERROR
    return 0


def review_advice(episode_id: str) -> str:
    return (
        f"Render it as read: narrate episodes approve {episode_id}; or from corrected text: narrate episodes correct "
        f"{episode_id} FILE; or add it again with --force"
    )


def _run_embedded(
    settings: Settings, store: Store, episode: Episode, bar: _Progress, pool: SynthesisPool | None
) -> Episode:
    """Render here, no broker: segments spoken by a pool of processes (one per core); a pool made here is closed
    when done, a given one is the caller's."""
    from narrate import embedded
    from narrate.engines.pool import SynthesisPool

    speaking = pool if pool is not None else SynthesisPool(settings)
    try:
        # Without a bar (not a terminal, --json) the episode is not read back after each segment for it.
        progress = bar.update if bar.bar is not None else None
        return embedded.render(settings, store, speaking, episode.id, episode.render_id, progress)
    except NarrateError:
        return store.get(episode.id)  # recorded on the episode as its failure reason
    finally:
        if pool is None:
            speaking.close()


def _wait(store: Store, episode_id: str, bar: _Progress) -> Episode:
    from narrate.store import Status

    sent = time.monotonic()
    while True:
        episode = store.get(episode_id)
        bar.update(episode, waited=time.monotonic() - sent)
        if episode.status in (Status.PUBLISHED.value, Status.FAILED.value):
            return episode
        time.sleep(0.5)


class _Progress:
    """A progress bar on a terminal, nothing elsewhere. While no worker has taken the episode it says so, and for how
    long: "rendering 0 %" would claim work that is not happening."""

    def __init__(self, enabled: bool) -> None:
        self.bar = None
        if enabled:
            import shutil

            from tqdm import tqdm

            # A terminal that reports no size (a fresh pty) makes tqdm hide the bar: give it one.
            width = min(shutil.get_terminal_size((80, 24)).columns, 100)
            self.bar = tqdm(
                total=100,
                desc="queued",
                file=sys.stderr,
                leave=False,
                ncols=width,
                nrows=24,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}",
            )

    def update(self, episode: Episode, waited: float | None = None) -> None:
        from narrate.store import Status

        if self.bar is None:
            return
        if episode.status == Status.QUEUED.value and waited is not None:
            self.bar.set_description_str(f"queued, waiting {span(waited)} for a worker", refresh=False)
        else:
            self.bar.set_description_str("rendering", refresh=False)
        self.bar.n = episode.progress
        self.bar.refresh()

    def __enter__(self) -> "_Progress":
        return self

    def __exit__(self, *_: object) -> None:
        if self.bar is not None:
            self.bar.close()


def _report(episode: Episode, settings: Settings, as_json: bool) -> None:
    sys.stdout.write(report(episode, settings, as_json))


def report(episode: Episode | EpisodeRow, settings: Settings, as_json: bool) -> str:
    """What ``narrate add`` prints about the episode it rendered or queued."""
    from narrate.publishing.feed import owner_notice
    from narrate.store import Status

    data = episode_json(episode, settings)
    if as_json:
        return json.dumps(data, indent=2) + "\n"
    if episode.status != Status.PUBLISHED.value:
        return f"Episode {episode.id}: {episode.status} ({episode.title})\n"
    lines = [
        f"Published: {episode.title}",
        f"  MP3:        {data['audio_path']}  ({data['duration_seconds']:.1f} s, {data['bytes']} bytes)",
        f"  Transcript: {data['transcript_path']}",
        f"  Feed:       {data['feed_path']}",
        f"  Feed URL:   {data['feed_url']}",
    ]
    notice = owner_notice(settings.feed(episode.feed))
    if notice:
        lines.append(f"Notice: {notice}")
    return "\n".join(lines) + "\n"


def _document(args: argparse.Namespace, settings: Settings) -> Document:
    from narrate.extract import read_source

    return read_source(args.source, settings, stdin=sys.stdin.buffer)


def _reading(args: argparse.Namespace, document: Document) -> Verdict:
    """The article, as the completeness guard leaves it (with --force, as extracted)."""
    from narrate.extract import extract, with_overrides
    from narrate.extract.completeness import Verdict, check_completeness

    article = with_overrides(extract(document), args.title, args.author)
    if getattr(args, "force", False):
        return Verdict(article)
    return check_completeness(document, article)


# -- script ----------------------------------------------------------------------------------------------


def cmd_script(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.voicing import make_script  # not the pipeline: no database, no publishing stack

    reading = _reading(args, _document(args, settings))
    if reading.hold:
        print(f"narrate: warning: `narrate add` would hold this for review: {reading.hold}", file=sys.stderr)
    elif reading.notice:
        print(f"narrate: note: {reading.notice}", file=sys.stderr)
    script = make_script(settings, reading.article, args.feed, args.engine, args.voice)
    if args.check or args.strict or args.listen:
        return _check(settings, script, args)
    if args.json:
        from narrate.finishing import script_to_dict

        print(json.dumps(script_to_dict(script), indent=2, ensure_ascii=False))
        return 0
    for segment in script.segments:
        if segment.chapter and segment.index:
            print()
        print(segment.text)
    return 0


def _check(settings: Settings, script: Any, args: argparse.Namespace) -> int:
    from narrate.script.check import preflight
    from narrate.script.lexicon import feed_lexicon

    findings = preflight(script, feed_lexicon(settings.home, args.feed), script.language)
    heard = _listen(settings, findings, args) if args.listen else {}
    if args.json:
        found = [
            dataclasses.asdict(f) | ({"heard": dataclasses.asdict(heard[f.word])} if f.word in heard else {})
            for f in findings
        ]
        print(json.dumps(found, indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            print(finding.describe())
        for name in heard.values():
            print(name.describe())
        wrong = sum(not name.right for name in heard.values())
        listened = f"; {wrong} of {len(heard)} heard as something else" if args.listen else ""
        print(
            f"{len(findings)} word(s) to check{listened}; fix with: narrate lexicon add WORD SAY --feed {args.feed}",
            file=sys.stderr,
        )
    return 2 if findings and args.strict else 0


def _listen(settings: Settings, findings: list[Any], args: argparse.Namespace) -> dict[str, Any]:
    """``--listen``: each finding said by the render's voice and heard back (needs the listen extra)."""
    from narrate import listening
    from narrate.engines import get_engine

    listener = listening.ear()  # first: without the extra, fail before any synthesis
    engine = get_engine(args.engine or settings.engine, settings, args.voice or "")
    return {name.word: name for name in listening.hear_names(findings, engine, listener)}
