"""The operator's commands: ``narrate db``, ``narrate token`` and ``narrate lexicon``."""

from __future__ import annotations

import argparse

from narrate.errors import ConfigError
from narrate.settings import Settings

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
    from narrate.store import Store
    from narrate.store.copy import copy_database

    counts = copy_database(Store(settings.db_url), args.to)
    rows = ", ".join(f"{count} {table}" for table, count in counts.items())
    print(f"copied {rows} into {redact(args.to)}; every count checked. Use it from now on with:")
    print(f"export NARRATE_DATABASE_URL='{args.to}'")
    return 0


# -- token -------------------------------------------------------------------------------------------------


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.store import Store
    from narrate.web.tokens import create_token

    token = create_token(Store(settings.db_url, settings.public_dir), args.name)
    print(f"token {args.name!r} created; it is shown only now, store it safely:")
    print(token)
    return 0


def cmd_token_list(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.store import Store
    from narrate.web.tokens import list_tokens

    for token in list_tokens(Store(settings.db_url, settings.public_dir)):
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        print(f"{token.name:<24} created {token.created_at:%Y-%m-%d}  {state}")
    return 0


def cmd_token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.store import Store
    from narrate.web.tokens import revoke_token

    revoke_token(Store(settings.db_url, settings.public_dir), args.name)
    print(f"token {args.name!r} revoked")
    return 0
