"""The ``narrate`` command line: a thin shell over the pipeline; errors are one line and a non-zero exit."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from narrate.errors import INTERNAL_ERROR, ConfigError, NarrateError
from narrate.settings import DEFAULT_FEED, FeedSettings, Settings
from narrate.store import Episode, Status, Store

Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="narrate: %(message)s")
    try:
        settings = Settings.load()
        if args.handler is not cmd_script:  # the one command that only reads
            settings.make_home()
        return int(args.handler(args, settings))
    except NarrateError as error:
        print(f"narrate: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("narrate: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # never a traceback for users; NARRATE_DEBUG=1 shows it
        if os.environ.get("NARRATE_DEBUG"):
            raise
        message = " ".join(str(error).split()[:40])
        print(f"narrate: internal error: {type(error).__name__}: {message}", file=sys.stderr)
        return INTERNAL_ERROR


# -- add -------------------------------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from narrate import pipeline

    article = _article(args, settings)
    store = Store(settings.db_url, settings.public_dir)
    episode = pipeline.submit(
        settings, store, article, feed=args.feed, source=args.source, engine=args.engine, voice=args.voice
    )
    import worker  # the Celery app reads the same settings

    if args.queue:
        if not settings.broker_url:
            raise ConfigError("--queue needs a broker: set NARRATE_BROKER_URL (redis://... or amqp://...)")
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
        bar.update(store.get(episode.id).progress)

    task_postrun.connect(on_task_done, weak=False)
    try:
        worker.send_render(episode.id, episode.render_id)
    except NarrateError:
        pass  # recorded on the episode as its failure reason
    finally:
        task_postrun.disconnect(on_task_done)
    return store.get(episode.id)


def _wait(store: Store, episode_id: str, bar: "_Progress") -> Episode:
    while True:
        episode = store.get(episode_id)
        bar.update(episode.progress)
        if episode.status in (Status.PUBLISHED.value, Status.FAILED.value):
            return episode
        time.sleep(0.5)


class _Progress:
    """A progress bar on a terminal, nothing elsewhere."""

    def __init__(self, enabled: bool) -> None:
        self.bar = None
        if enabled:
            import shutil

            from tqdm import tqdm

            # A terminal that reports no size (a fresh pty) makes tqdm hide the bar: give it one.
            width = min(shutil.get_terminal_size((80, 24)).columns, 100)
            self.bar = tqdm(
                total=100, desc="rendering", file=sys.stderr, leave=False, ncols=width, nrows=24,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}",
            )

    def update(self, percent: int) -> None:
        if self.bar is not None:
            self.bar.n = percent
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


def episode_json(episode: Episode, settings: Settings) -> dict[str, Any]:
    """The API's episode summary plus where the files are on this machine."""
    from narrate.publishing.paths import feed_path
    from narrate.publishing.summary import episode_summary

    public = settings.public_dir.resolve()

    def local(relative: str | None) -> str | None:
        return str(public / relative) if relative else None

    return {
        **episode_summary(settings, episode),
        "audio_path": local(episode.audio_path),
        "transcript_path": local(episode.transcript_path),
        "chapters_path": local(episode.chapters_path),
        "feed_path": str(public / feed_path(episode.feed)),
    }


def _article(args: argparse.Namespace, settings: Settings):  # type: ignore[no-untyped-def]
    from narrate.extract import extract, read_source, with_overrides

    article = extract(read_source(args.source, settings, stdin=sys.stdin.buffer))
    return with_overrides(article, args.title, args.author)


# -- script ----------------------------------------------------------------------------------------------


def cmd_script(args: argparse.Namespace, settings: Settings) -> int:
    from narrate import pipeline

    article = _article(args, settings)
    script = pipeline.make_script(settings, article, args.feed, args.engine, args.voice)
    if args.check or args.strict:
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
    if args.json:
        print(json.dumps([dataclasses.asdict(f) for f in findings], indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            print(finding.describe())
        print(f"{len(findings)} word(s) to check; fix with: narrate lexicon add WORD SAY --feed {args.feed}",
              file=sys.stderr)
    return 2 if findings and args.strict else 0


# -- lexicon ---------------------------------------------------------------------------------------------


def cmd_lexicon_add(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.script.lexicon import read_lexicon, write_lexicon

    settings.feed(args.feed)
    word, say = " ".join(args.word.split()), " ".join(args.say.split())
    if not word or not say:
        raise ConfigError("a lexicon entry needs a word and how to say it")
    entries = read_lexicon(settings.home, args.feed)
    entries[word] = say
    path = write_lexicon(settings.home, args.feed, entries)
    print(f"{word} -> {say}  ({path})")
    return 0


def cmd_lexicon_remove(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.errors import NotFoundError
    from narrate.script.lexicon import read_lexicon, write_lexicon

    entries = read_lexicon(settings.home, args.feed)
    if entries.pop(" ".join(args.word.split()), None) is None:
        raise NotFoundError(f"{args.word!r} is not in the lexicon of feed {args.feed!r}")
    write_lexicon(settings.home, args.feed, entries)
    print(f"removed {args.word}")
    return 0


def cmd_lexicon_list(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.script.lexicon import DEFAULT_LEXICON, read_lexicon

    own = read_lexicon(settings.home, args.feed)
    for word, say in sorted({**DEFAULT_LEXICON, **own}.items(), key=lambda item: item[0].lower()):
        origin = "" if word in own else "  (built-in)"
        print(f"{word}\t{say}{origin}")
    return 0


# -- episodes --------------------------------------------------------------------------------------------


def cmd_episodes(args: argparse.Namespace, settings: Settings) -> int:
    episodes = Store(settings.db_url, settings.public_dir).episodes(feed=args.feed)
    if args.json:
        print(json.dumps([episode_json(e, settings) for e in episodes], indent=2))
        return 0
    if not episodes:
        print("no episodes")
        return 0
    for e in episodes:
        minutes = f"{e.duration / 60:5.1f} min" if e.duration else "    -    "
        print(f"{e.id}  {e.feed:<10} {e.status:<9} {e.progress:3d}%  {minutes}  {e.title}")
    return 0


# -- feed ------------------------------------------------------------------------------------------------

FEED_OPTIONS = [f for f in dataclasses.fields(FeedSettings) if f.name != "slug"]


def cmd_feed_create(args: argparse.Namespace, settings: Settings) -> int:
    if args.slug in settings.feeds:
        raise ConfigError(f"feed {args.slug!r} exists; change it with: narrate feed edit {args.slug}")
    _check_slug(args.slug)
    from feeds.podcast import podcast_guid
    from narrate.publishing.feed import feed_errors
    from narrate.publishing.paths import feed_url

    feed = _apply_feed_options(FeedSettings(slug=args.slug), args)
    if not feed.podcast_guid:  # generated once, kept for life
        with feed_errors(f"feed {args.slug!r}"):
            feed.podcast_guid = podcast_guid(feed_url(settings, args.slug))
    return _save_feed(settings, feed)


def cmd_feed_edit(args: argparse.Namespace, settings: Settings) -> int:
    feed = _apply_feed_options(dataclasses.replace(settings.feed(args.slug)), args)
    return _save_feed(settings, feed)


def _save_feed(settings: Settings, feed: FeedSettings) -> int:
    from narrate.publishing.feed import check_publishable
    from narrate.publishing.publish import publish_feed

    # Every value is checked before anything is written: a refused edit leaves narrate.toml as it was.
    feed = feed.checked()
    check_publishable(settings, feed)
    settings.feeds[feed.slug] = feed
    settings.save_feeds()
    path = publish_feed(settings, Store(settings.db_url, settings.public_dir), feed.slug)
    print(f"feed {feed.slug}: {path}")
    return 0


def cmd_feed_list(args: argparse.Namespace, settings: Settings) -> int:
    slugs = sorted(set(settings.feeds) | {DEFAULT_FEED})
    for slug in slugs:
        print(f"{slug:<16} {settings.feed(slug).title}")
    return 0


def cmd_feed_show(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.publishing.paths import feed_path

    feed = settings.feed(args.slug)
    path = settings.public_dir.resolve() / feed_path(feed.slug)
    url = settings.public_url(feed_path(feed.slug))
    if args.json:
        print(json.dumps({"slug": feed.slug, "feed_path": str(path), "feed_url": url, **feed.to_toml()}, indent=2))
        return 0
    print(f"path: {path}")
    print(f"url:  {url}")
    for key, value in feed.to_toml().items():
        print(f"{key}: {value}")
    return 0


def _check_slug(slug: str) -> None:
    if not slug or not all(c.isascii() and (c.isalnum() or c in "-_") for c in slug):
        raise ConfigError(f"feed slug {slug!r} must be ASCII letters, digits, '-' or '_'")


def _apply_feed_options(feed: FeedSettings, args: argparse.Namespace) -> FeedSettings:
    for f in FEED_OPTIONS:
        value = getattr(args, f.name, None)
        if value is not None:
            setattr(feed, f.name, value)
    return feed


# -- db ------------------------------------------------------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.logs import redact
    from narrate.store import connect, schema

    before, after = schema.upgrade(connect(settings.db_url))
    change = f"already at schema {after}" if before == after else f"schema {before or 'none'} -> {after}"
    print(f"database {redact(settings.db_url)}: {change}")
    return 0


def cmd_db_copy(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.logs import redact
    from narrate.store.copy import copy_database

    counts = copy_database(Store(settings.db_url), args.to)
    rows = ", ".join(f"{count} {table}" for table, count in counts.items())
    print(f"copied {rows} into {redact(args.to)}; every count checked. Use it from now on with:")
    print(f"export NARRATE_DATABASE_URL='{args.to}'")
    return 0


# -- token and serve -------------------------------------------------------------------------------------


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.web.tokens import create_token

    token = create_token(Store(settings.db_url, settings.public_dir), args.name)
    print(f"token {args.name!r} created; it is shown only now, store it safely:")
    print(token)
    return 0


def cmd_token_list(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.web.tokens import list_tokens

    for token in list_tokens(Store(settings.db_url, settings.public_dir)):
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        print(f"{token.name:<24} created {token.created_at:%Y-%m-%d}  {state}")
    return 0


def cmd_token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.web.tokens import revoke_token

    revoke_token(Store(settings.db_url, settings.public_dir), args.name)
    print(f"token {args.name!r} revoked")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from narrate.logs import redact
    from narrate.web import app as web
    from narrate.web.server import server_config

    # Both refuse bad settings (ConfigError, one line) before anything listens.
    config = server_config(web.create_app(settings), settings, host=args.host, port=args.port, log_level="warning")
    mode = f"broker {redact(settings.broker_url)}" if settings.broker_url else "embedded renderer (no broker)"
    print(f"narrate: serving {settings.public_dir} and the staff API on http://{args.host}:{args.port} ({mode})",
          file=sys.stderr)
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else 3  # as uvicorn.run: the app's start-up failed (its log says why)


# -- parser ----------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="narrate", description="Turn articles into narrated audio and podcast feeds."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = commands.add_parser("add", help="render an article and publish it to a feed")
    _source_arguments(add)
    add.add_argument("--queue", action="store_true", help="enqueue for Celery workers and return at once")
    add.add_argument("--json", action="store_true", help="print the episode as one JSON object")
    add.set_defaults(handler=cmd_add)

    script = commands.add_parser("script", help="print the speech script without synthesising anything")
    _source_arguments(script)
    script.add_argument("--json", action="store_true", help="print every segment as JSON")
    script.add_argument("--check", action="store_true",
                        help="list words the voice may get wrong (acronyms, rare names, mixed alphabets)")
    script.add_argument("--strict", action="store_true", help="with --check: exit 2 when there are findings")
    script.set_defaults(handler=cmd_script)

    episodes = commands.add_parser("episodes", help="list episodes, newest first")
    episodes.add_argument("--feed", help="only this feed")
    episodes.add_argument("--json", action="store_true")
    episodes.set_defaults(handler=cmd_episodes)

    feed = commands.add_parser("feed", help="create, edit, list and show podcast feeds")
    feed_commands = feed.add_subparsers(dest="feed_command", required=True, metavar="ACTION")
    for name, handler, help_text in (
        ("create", cmd_feed_create, "create a feed"),
        ("edit", cmd_feed_edit, "change a feed's settings"),
    ):
        sub = feed_commands.add_parser(name, help=help_text)
        sub.add_argument("slug")
        _feed_arguments(sub)
        sub.set_defaults(handler=handler)
    listing = feed_commands.add_parser("list", help="list feeds")
    listing.set_defaults(handler=cmd_feed_list)
    show = feed_commands.add_parser("show", help="print a feed's path, URL and settings")
    show.add_argument("slug")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_feed_show)

    db = commands.add_parser("db", help="the database: upgrade its schema, copy it into another")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply the schema migrations the database lacks").set_defaults(
        handler=cmd_db_upgrade
    )
    copy = db_commands.add_parser("copy", help="copy every record into a new, empty database (SQLite <-> PostgreSQL)")
    copy.add_argument("--to", required=True, metavar="URL", help="the new database, e.g. postgresql+psycopg://host/db")
    copy.set_defaults(handler=cmd_db_copy)

    token = commands.add_parser("token", help="create, list and revoke staff API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = token_commands.add_parser("create", help="create a token; it is printed alone on the last line")
    create.add_argument("name")
    create.set_defaults(handler=cmd_token_create)
    token_commands.add_parser("list", help="list tokens").set_defaults(handler=cmd_token_list)
    revoke = token_commands.add_parser("revoke", help="revoke a token")
    revoke.add_argument("name")
    revoke.set_defaults(handler=cmd_token_revoke)

    lexicon = commands.add_parser("lexicon", help="the pronunciation lexicon of a feed")
    lexicon_commands = lexicon.add_subparsers(dest="lexicon_command", required=True, metavar="ACTION")
    add_entry = lexicon_commands.add_parser("add", help="add or change an entry: narrate lexicon add FCNL 'F C N L'")
    add_entry.add_argument("word", help="the word as articles print it (case-sensitive when it has capitals)")
    add_entry.add_argument("say", help="how to say it, as a respelling: 'oh KONG kwoh'")
    add_entry.set_defaults(handler=cmd_lexicon_add)
    remove_entry = lexicon_commands.add_parser("remove", help="remove an entry")
    remove_entry.add_argument("word")
    remove_entry.set_defaults(handler=cmd_lexicon_remove)
    list_entries = lexicon_commands.add_parser("list", help="list the entries in effect (built-in and the feed's)")
    list_entries.set_defaults(handler=cmd_lexicon_list)
    for sub in (add_entry, remove_entry, list_entries):
        sub.add_argument("--feed", default=DEFAULT_FEED, help="feed slug (default: main)")

    serve = commands.add_parser("serve", help="serve feeds, audio, pages and the staff API over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.set_defaults(handler=cmd_serve)
    return parser


def _source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", help="a file (.txt, .md, .html), an http(s) URL, or - for standard input")
    parser.add_argument("--feed", default=DEFAULT_FEED, help="feed slug (default: main)")
    parser.add_argument("--engine", default="", help="piper (default), gtts or espeak")
    parser.add_argument("--voice", default="", help="engine voice; for piper a .onnx model path")
    parser.add_argument("--title", help="use this title instead of the extracted one")
    parser.add_argument("--author", help="use this author instead of the extracted one")


def _feed_arguments(parser: argparse.ArgumentParser) -> None:
    for f in FEED_OPTIONS:
        flag = "--" + f.name.replace("_", "-")
        if f.type in (bool, "bool"):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=None)
        elif f.type in (int, "int"):
            parser.add_argument(flag, type=int, default=None)
        else:
            parser.add_argument(flag, default=None, metavar=f.name.upper())


if __name__ == "__main__":
    sys.exit(main())
