"""The ``narrate`` command line: a thin shell over the pipeline; errors are one line and a non-zero exit.

One module per family of commands (add.py, episodes.py, feeds.py, admin.py, serve.py); this one parses the
arguments, loads the settings and turns every error into one line.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import os
import sys
from collections.abc import Sequence

from narrate.cli import add, admin, episodes, feeds, review, serve
from narrate.cli import sources as following
from narrate.cli import stats as stats_cli
from narrate.errors import INTERNAL_ERROR, NarrateError
from narrate.settings import DEFAULT_FEED, FeedSettings, Settings

BROKEN_PIPE = 141
"""128 + SIGPIPE: what a shell reports for a command whose reader went away (``narrate episodes | head -1``)."""


def run() -> int:
    """The ``narrate`` command: ``main`` in a process of its own, which is about to end. Its heap is then left to the
    OS instead of being collected at exit (gc.freeze): that last collection took 0.1 s after a render, with one core
    idle (BENCHMARKS.md). ``main`` alone, as the tests call it, leaves the collector as it was.

    Narrate does no linear algebra of numpy's worth a thread per core (its numpy work is FFTs and sums), so OpenBLAS
    is held to one thread before numpy is first loaded: its other threads only spun while numpy loaded, 0.08
    CPU-seconds here and as much in each synthesis process, while the cores had a voice to load (a setting of the
    user's own is kept)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    code = main()
    gc.freeze()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="narrate: %(message)s")
    try:
        settings = Settings.load()
        if args.handler is not add.cmd_script:  # the one command that only reads
            if settings.make_home() and not (settings.origin("home") and settings.home.is_absolute()):
                _say_where_the_new_library_is(settings)
        code = int(args.handler(args, settings))
        sys.stdout.flush()  # a reader that went away is met here, not at interpreter exit
        return code
    except BrokenPipeError:
        return _reader_gone()
    except NarrateError as error:
        print(f"narrate: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt as interrupt:  # Ctrl-C; a command that leaves work behind says what becomes of it
        print(f"narrate: interrupted: {interrupt}" if str(interrupt) else "narrate: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # never a traceback for users; NARRATE_DEBUG=1 shows it
        if os.environ.get("NARRATE_DEBUG"):
            raise
        message = " ".join(str(error).split()[:40])
        print(f"narrate: internal error: {type(error).__name__}: {message}", file=sys.stderr)
        return INTERNAL_ERROR


def _reader_gone() -> int:
    """The reader of standard output closed it: end quietly, as ``cat`` or ``grep`` do.

    Python's documented way: point stdout at /dev/null so that the flush at exit cannot fail again. (Restoring
    SIGPIPE's default instead would also kill ``narrate serve`` on the first client that hangs up.)
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return BROKEN_PIPE


def _say_where_the_new_library_is(settings: Settings) -> None:
    """One line, the once a library is created where nobody named it: the default, or a NARRATE_HOME relative to
    wherever the command ran. An operator who ran from an unexpected place sees it at once instead of finding an
    empty library. (An absolute NARRATE_HOME is where it says, and stays quiet: scripts create theirs.)"""
    where = settings.home.absolute()
    if settings.origin("home"):
        why = f"NARRATE_HOME={settings.home} is relative to the working directory"
    else:
        why = "the default; set NARRATE_HOME to keep it elsewhere"
    print(f"narrate: created a new, empty library in {where} ({why})", file=sys.stderr)


# -- parser ----------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="narrate", description="Turn articles into narrated audio and podcast feeds."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    adding = commands.add_parser("add", help="render an article and publish it to a feed")
    _source_arguments(adding)
    adding.add_argument("--queue", action="store_true", help="enqueue for Celery workers and return at once")
    adding.add_argument("--json", action="store_true", help="print the episode as one JSON object")
    adding.add_argument("--force", action="store_true",
                        help="render the reading as it is, even when it looks incomplete (no hold for review)")
    adding.set_defaults(handler=add.cmd_add)

    script = commands.add_parser("script", help="print the speech script without synthesising anything")
    _source_arguments(script)
    script.add_argument("--json", action="store_true", help="print every segment as JSON")
    script.add_argument("--check", action="store_true",
                        help="list words the voice may get wrong (acronyms, rare names, mixed alphabets)")
    script.add_argument("--strict", action="store_true", help="with --check: exit 2 when there are findings")
    script.add_argument("--listen", action="store_true",
                        help="with --check: say each name, hear it back, suggest respellings (the listen extra)")
    script.set_defaults(handler=add.cmd_script)

    listing = commands.add_parser("episodes", help="list episodes, newest first")
    listing.add_argument("--feed", help="only this feed")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=episodes.cmd_episodes)
    review.review_arguments(listing)

    feed = commands.add_parser("feed", help="create, edit, list and show podcast feeds")
    feed_commands = feed.add_subparsers(dest="feed_command", required=True, metavar="ACTION")
    create = feed_commands.add_parser(
        "create", help="create a feed",
        description="Create a feed. Required: " + ", ".join(feeds.flag(name) for name in feeds.REQUIRED_TO_CREATE)
        + "; the rest have defaults.",
    )  # fmt: skip
    edit = feed_commands.add_parser("edit", help="change a feed's settings")
    for sub, handler in ((create, feeds.cmd_feed_create), (edit, feeds.cmd_feed_edit)):
        sub.add_argument("slug")
        _feed_arguments(sub)
        sub.set_defaults(handler=handler)
    feed_commands.add_parser("list", help="list feeds").set_defaults(handler=feeds.cmd_feed_list)
    show = feed_commands.add_parser("show", help="print a feed's path, URL and settings")
    show.add_argument("slug")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=feeds.cmd_feed_show)

    db = commands.add_parser("db", help="the database: upgrade its schema, copy it into another")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply the schema migrations the database lacks").set_defaults(
        handler=admin.cmd_db_upgrade
    )
    copy = db_commands.add_parser("copy", help="copy every record into a new, empty database (SQLite <-> PostgreSQL)")
    copy.add_argument("--to", required=True, metavar="URL", help="the new database, e.g. postgresql+psycopg://host/db")
    copy.set_defaults(handler=admin.cmd_db_copy)

    token = commands.add_parser("token", help="create, list and revoke staff API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create_token = token_commands.add_parser("create", help="create a token; it is printed alone on the last line")
    create_token.add_argument("name")
    create_token.set_defaults(handler=admin.cmd_token_create)
    token_commands.add_parser("list", help="list tokens").set_defaults(handler=admin.cmd_token_list)
    revoke = token_commands.add_parser("revoke", help="revoke a token")
    revoke.add_argument("name")
    revoke.set_defaults(handler=admin.cmd_token_revoke)

    lexicon = commands.add_parser("lexicon", help="the pronunciation lexicon of a feed")
    lexicon_commands = lexicon.add_subparsers(dest="lexicon_command", required=True, metavar="ACTION")
    add_entry = lexicon_commands.add_parser("add", help="add or change an entry: narrate lexicon add FCNL 'F C N L'")
    add_entry.add_argument("word", help="the word as articles print it (case-sensitive when it has capitals)")
    add_entry.add_argument("say", help="how to say it, as a respelling: 'oh KONG kwoh'")
    add_entry.set_defaults(handler=admin.cmd_lexicon_add)
    remove_entry = lexicon_commands.add_parser("remove", help="remove an entry")
    remove_entry.add_argument("word")
    remove_entry.set_defaults(handler=admin.cmd_lexicon_remove)
    list_entries = lexicon_commands.add_parser("list", help="list the entries in effect (built-in and the feed's)")
    list_entries.set_defaults(handler=admin.cmd_lexicon_list)
    for sub in (add_entry, remove_entry, list_entries):
        sub.add_argument("--feed", default=DEFAULT_FEED, help="feed slug (default: main)")

    # -- listening figures (narrate/stats) --
    stats = commands.add_parser(
        "stats", help="downloads per episode and per day; import an access log",
        description="Downloads per episode and per day, counted as podcast measurement does (IAB): one listener "
        "(address and user agent) at most once per episode and day, range requests together, bots left out.",
    )  # fmt: skip
    stats.add_argument("--feed", help="only this feed")
    stats.add_argument("--days", type=stats_cli.days_argument, help="only the last N days (default: all)")
    stats.add_argument("--json", action="store_true", help="a list of episodes: id, title, downloads, per_day")
    stats.set_defaults(handler=stats_cli.cmd_stats)
    stats_commands = stats.add_subparsers(dest="stats_command", metavar="ACTION")
    importing = stats_commands.add_parser(
        "import", help="count the downloads in a web server's or CDN's access log (common or combined format)"
    )
    importing.add_argument("logfile", help="the log file (.gz too); importing it again counts nothing twice")
    importing.set_defaults(handler=stats_cli.cmd_stats_import)
    _source_commands(commands)

    serving = commands.add_parser(
        "serve", help="serve feeds, audio, pages and the staff API over HTTP",
        description="Serve feeds, audio, pages and the staff API. Without NARRATE_BASE_URL (and without a broker), "
        "URLs are published under the address served: http://HOST:PORT, or this machine's name for 0.0.0.0.",
    )  # fmt: skip
    serving.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serving.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serving.set_defaults(handler=serve.cmd_serve)
    return parser


def _source_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """narrate source add|list|remove|poll (issue 15: following a site's feed or sitemap)."""
    source = commands.add_parser("source", help="follow a site's feed or sitemap: new posts become episodes")
    actions = source.add_subparsers(dest="source_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="follow an RSS, Atom or JSON feed, or a sitemap; prints its webhook secret once")
    add.add_argument("url", help="the feed's or sitemap's http(s) URL")
    add.add_argument("--feed", default=DEFAULT_FEED, help="feed its episodes go to (default: main)")
    add.add_argument("--since", metavar="DATE", help="posts published from this date are new (default: now)")
    add.add_argument("--backfill", type=int, default=0, metavar="N", help="also queue the N newest older posts")
    add.add_argument("--unpublish-missing", action="store_true",
                     help="unpublish the episode of a post the site deletes (by default it stays)")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=following.cmd_source_add)
    listing = actions.add_parser("list", help="list sources: last poll, its result, errors")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=following.cmd_source_list)
    remove = actions.add_parser("remove", help="stop following a source (its episodes stay published)")
    remove.add_argument("url", help="the source's URL or id")
    remove.set_defaults(handler=following.cmd_source_remove)
    poll = actions.add_parser("poll", help="poll now and print what was queued (rendered here without a broker)")
    poll.add_argument("url", nargs="?", help="one source's URL or id (default: every source)")
    poll.add_argument("--json", action="store_true")
    poll.set_defaults(handler=following.cmd_source_poll)


def _source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", help="a file (.txt, .md, .html), an http(s) URL, or - for standard input")
    parser.add_argument("--feed", default=DEFAULT_FEED, help="feed slug (default: main)")
    parser.add_argument("--engine", default="", help="piper (default), gtts or espeak")
    parser.add_argument("--voice", default="", help="engine voice; for piper a .onnx model path")
    parser.add_argument("--title", help="use this title instead of the extracted one")
    parser.add_argument("--author", help="use this author instead of the extracted one")


def _feed_arguments(parser: argparse.ArgumentParser) -> None:
    for f in dataclasses.fields(FeedSettings):
        if f.name == "slug":
            continue
        flag = feeds.flag(f.name)
        if f.type in (bool, "bool"):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=None)
        elif f.type in (int, "int"):
            parser.add_argument(flag, type=int, default=None)
        else:
            parser.add_argument(flag, default=None, metavar=f.name.upper())
