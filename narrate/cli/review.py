"""``narrate episodes approve|correct|text ID``: the review of an episode held because its reading looked incomplete
(narrate/extract/completeness.py). Approving or correcting renders it as ``narrate add`` does, and exits the same way."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from narrate.cli.add import check_queue, render
from narrate.errors import SourceError
from narrate.settings import Settings


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
    from narrate.store import Store

    check_queue(args, settings)
    store = Store(settings.db_url, settings.public_dir)
    return render(settings, store, pipeline.approve(settings, store, args.id), queue=args.queue, as_json=args.json)


def cmd_correct(args: argparse.Namespace, settings: Settings) -> int:
    from narrate import pipeline
    from narrate.store import Store

    check_queue(args, settings)
    text = _read_text(args.file)
    store = Store(settings.db_url, settings.public_dir)
    episode = pipeline.correct(settings, store, args.id, text)
    return render(settings, store, episode, queue=args.queue, as_json=args.json)


def cmd_text(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.article import article_from_dict
    from narrate.store import Store

    episode = Store(settings.db_url, settings.public_dir).get(args.id)
    article = article_from_dict(json.loads(episode.article_json or "{}") or {"title": episode.title})
    for block in article.blocks:
        print(f"## {block.text}" if block.kind == "heading" else block.text, end="\n\n")
    return 0


def _read_text(name: str) -> str:
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read {name}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"cannot read {name}: it is not UTF-8 text") from None
