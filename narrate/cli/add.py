"""``narrate add`` (render and publish, or queue for workers) and ``narrate script`` (the speech text only)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from typing import Any

from narrate.cli.episodes import episode_json, span
from narrate.errors import INTERNAL_ERROR, ConfigError, NarrateError
from narrate.settings import Settings
from narrate.store import Episode, Status, Store


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from narrate import pipeline

    if args.queue and not settings.broker_url:
        # Refused before anything is read or recorded: an episode queued with no broker would wait for ever.
        raise ConfigError("--queue needs a broker: set NARRATE_BROKER_URL (redis://... or amqp://...)")
    article = _article(args, settings)
    store = Store(settings.db_url, settings.public_dir)
    episode = pipeline.submit(
        settings, store, article, feed=args.feed, source=args.source, engine=args.engine, voice=args.voice
    )
    import worker  # the Celery app reads the same settings

    if args.queue:
        worker.send_render(episode.id, episode.render_id)
        _report(store.get(episode.id), settings, args.json)
        return 0

    with _Progress(enabled=sys.stderr.isatty() and not args.json) as bar:
        if settings.broker_url:
            worker.send_render(episode.id, episode.render_id)
            episode = _wait(store, episode.id, bar)
        else:
            episode = _run_embedded(store, episode, bar)
    _report(episode, settings, args.json)
    if episode.status != Status.PUBLISHED.value:
        print(f"narrate: error: {episode.reason or 'render failed'}", file=sys.stderr)
        # The failure's own code (5 engine, 6 audio, 7 publishing, ...), recorded with the reason by the render.
        return episode.exit_code or INTERNAL_ERROR
    return 0


def _run_embedded(store: Store, episode: Episode, bar: "_Progress") -> Episode:
    from celery.signals import task_postrun

    import worker

    def on_task_done(**_: Any) -> None:
        bar.update(store.get(episode.id))

    task_postrun.connect(on_task_done, weak=False)
    try:
        worker.send_render(episode.id, episode.render_id)
    except NarrateError:
        pass  # recorded on the episode as its failure reason
    finally:
        task_postrun.disconnect(on_task_done)
    return store.get(episode.id)


def _wait(store: Store, episode_id: str, bar: "_Progress") -> Episode:
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
                total=100, desc="queued", file=sys.stderr, leave=False, ncols=width, nrows=24,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}",
            )

    def update(self, episode: Episode, waited: float | None = None) -> None:
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
    data = episode_json(episode, settings)
    if as_json:
        print(json.dumps(data, indent=2))
        return
    if episode.status == Status.PUBLISHED.value:
        print(f"Published: {episode.title}")
        print(f"  MP3:        {data['audio_path']}  ({data['duration_seconds']:.1f} s, {data['bytes']} bytes)")
        print(f"  Transcript: {data['transcript_path']}")
        print(f"  Feed:       {data['feed_path']}")
        print(f"  Feed URL:   {data['feed_url']}")
    else:
        print(f"Episode {episode.id}: {episode.status} ({episode.title})")


def _article(args: argparse.Namespace, settings: Settings):  # type: ignore[no-untyped-def]
    from narrate.extract import extract, read_source, with_overrides

    article = extract(read_source(args.source, settings, stdin=sys.stdin.buffer))
    return with_overrides(article, args.title, args.author)


# -- script ----------------------------------------------------------------------------------------------


def cmd_script(args: argparse.Namespace, settings: Settings) -> int:
    from narrate import pipeline

    article = _article(args, settings)
    script = pipeline.make_script(settings, article, args.feed, args.engine, args.voice)
    if args.check or args.strict or args.listen:
        return _check(settings, script, args)
    if args.json:
        print(json.dumps(pipeline.script_to_dict(script), indent=2, ensure_ascii=False))
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
        found = [dataclasses.asdict(f) | ({"heard": dataclasses.asdict(heard[f.word])} if f.word in heard else {})
                 for f in findings]
        print(json.dumps(found, indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            print(finding.describe())
        for name in heard.values():
            print(name.describe())
        wrong = sum(not name.right for name in heard.values())
        listened = f"; {wrong} of {len(heard)} heard as something else" if args.listen else ""
        print(f"{len(findings)} word(s) to check{listened}; fix with: narrate lexicon add WORD SAY --feed {args.feed}",
              file=sys.stderr)
    return 2 if findings and args.strict else 0


def _listen(settings: Settings, findings: list[Any], args: argparse.Namespace) -> dict[str, Any]:
    """``--listen``: each finding said by the render's voice and heard back (needs the listen extra)."""
    from narrate import listening
    from narrate.engines import get_engine

    listener = listening.ear()  # first: without the extra, fail before any synthesis
    engine = get_engine(args.engine or settings.engine, settings, args.voice or "")
    return {name.word: name for name in listening.hear_names(findings, engine, listener)}
