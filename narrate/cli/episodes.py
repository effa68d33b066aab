"""``narrate episodes``: what each episode is doing, why one failed or is held, and how long a queued one has waited;
``narrate episodes approve|correct|text ID``: the review of an episode held because its reading looked incomplete."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from narrate.errors import SourceError
from narrate.publishing.summary import waiting_seconds
from narrate.settings import Settings
from narrate.store import Episode, Status, Store


def cmd_episodes(args: argparse.Namespace, settings: Settings) -> int:
    episodes = Store(settings.db_url, settings.public_dir).episodes(feed=args.feed)
    if args.json:
        print(json.dumps([episode_json(e, settings) for e in episodes], indent=2))
        return 0
    if not episodes:
        print("no episodes")
        return 0
    now = dt.datetime.now(dt.timezone.utc)
    for e in episodes:
        minutes = f"{e.duration / 60:5.1f} min" if e.duration else "    -    "
        print(f"{e.id}  {e.feed:<10} {e.status:<9} {e.progress:3d}%  {minutes}  {e.title}")
        # Indented under its episode, so the columns above stay what scripts cut.
        if e.status == Status.QUEUED.value:
            print(f"    waiting {span(waiting_seconds(e, now) or 0)} for a worker")
        elif e.status == Status.FAILED.value:
            print(f"    reason: {e.reason or 'unknown'}")
        elif e.status == Status.NEEDS_REVIEW.value:
            print(f"    held for review: {e.reason or 'no reason was recorded'}")
            print(f"    approve: narrate episodes approve {e.id}  |  correct: narrate episodes correct {e.id} FILE")
    return 0


# -- review ------------------------------------------------------------------------------------------------


def review_arguments(listing: argparse.ArgumentParser) -> None:
    """``narrate episodes approve ID``, ``correct ID FILE`` and ``text ID`` (without one: the listing)."""
    actions = listing.add_subparsers(dest="episodes_command", metavar="ACTION")
    approve = actions.add_parser("approve", help="render an episode held for review from its reading as it is")
    approve.set_defaults(handler=cmd_approve)
    correct = actions.add_parser("correct", help="render an episode held for review from corrected text")
    correct.set_defaults(handler=cmd_correct)
    for sub in (approve, correct):
        sub.add_argument("id", help="the episode's id (narrate episodes)")
        sub.add_argument("--queue", action="store_true", help="enqueue for Celery workers and return at once")
        sub.add_argument("--json", action="store_true", help="print the episode as one JSON object")
    correct.add_argument("file", help='the corrected article text (paragraphs apart by blank lines; "## " heads a '
                         "section), or - for standard input")  # fmt: skip
    text = actions.add_parser("text", help="print the text an episode would read: start a correction from it")
    text.add_argument("id")
    text.set_defaults(handler=cmd_text)


def cmd_approve(args: argparse.Namespace, settings: Settings) -> int:
    from narrate import pipeline
    from narrate.cli.add import check_queue, render

    check_queue(args, settings)
    store = Store(settings.db_url, settings.public_dir)
    return render(settings, store, pipeline.approve(settings, store, args.id), queue=args.queue, as_json=args.json)


def cmd_correct(args: argparse.Namespace, settings: Settings) -> int:
    from narrate import pipeline
    from narrate.cli.add import check_queue, render

    check_queue(args, settings)
    text = _read_text(args.file)
    store = Store(settings.db_url, settings.public_dir)
    episode = pipeline.correct(settings, store, args.id, text)
    return render(settings, store, episode, queue=args.queue, as_json=args.json)


def cmd_text(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.article import article_from_dict

    episode = Store(settings.db_url, settings.public_dir).get(args.id)
    article = article_from_dict(json.loads(episode.article_json or "{}") or {"title": episode.title})
    for block in article.blocks:
        print(f"## {block.text}" if block.kind == "heading" else block.text, end="\n\n")
    return 0


def _read_text(name: str) -> str:
    import sys

    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read {name}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"cannot read {name}: it is not UTF-8 text") from None


def span(seconds: float) -> str:
    """A wait as people say it: "8 s", "3 min 20 s", "2 h 5 min"."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min" + (f" {whole % 60} s" if whole % 60 else "")
    return f"{whole // 3600} h" + (f" {whole % 3600 // 60} min" if whole % 3600 // 60 else "")


def episode_json(episode: Episode, settings: Settings) -> dict[str, Any]:
    """The API's episode summary plus where the files are on this machine (and how long a queued one has waited)."""
    from narrate.publishing.paths import feed_path
    from narrate.publishing.summary import episode_summary

    public = settings.public_dir.resolve()

    def local(relative: str | None) -> str | None:
        return str(public / relative) if relative else None

    data = {
        **episode_summary(settings, episode),
        "audio_path": local(episode.audio_path),
        "transcript_path": local(episode.transcript_path),
        "chapters_path": local(episode.chapters_path),
        "feed_path": str(public / feed_path(episode.feed)),
    }
    return data
