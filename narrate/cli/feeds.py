"""``narrate feed create|edit|list|show``: podcast feeds, checked whole before anything is written."""

from __future__ import annotations

import argparse
import dataclasses
import json

from narrate.errors import ConfigError
from narrate.settings import DEFAULT_FEED, FeedSettings, Settings

FEED_OPTIONS = [f for f in dataclasses.fields(FeedSettings) if f.name != "slug"]

REQUIRED_TO_CREATE = ("title", "description", "author", "category", "owner_name", "owner_email")
"""What a new feed must be given: what listeners see of it in their app, and its owner, whom podcast directories
verify (itunes:owner). The defaults ("Narrate", "News") suit only the built-in main feed; a second feed taking them
would look like the first."""


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def cmd_feed_create(args: argparse.Namespace, settings: Settings) -> int:
    if args.slug in settings.feeds:
        raise ConfigError(f"feed {args.slug!r} exists; change it with: narrate feed edit {args.slug}")
    _check_slug(args.slug)
    from feeds.podcast import podcast_guid
    from narrate.publishing.feed import feed_errors
    from narrate.publishing.paths import feed_url

    feed = _apply_feed_options(FeedSettings(slug=args.slug), args)
    feed.checked()  # a bad value given is named first
    missing = [flag(name) for name in REQUIRED_TO_CREATE if not (getattr(args, name) or "").strip()]
    if missing:
        # All of them in one line, with a command to copy: scripts get the same answer as people (no prompt).
        example = " ".join(f"{flag(name)} {_EXAMPLE[name]}" for name in REQUIRED_TO_CREATE)
        raise ConfigError(f"feed {args.slug!r} needs {_and(missing)}, e.g. narrate feed create {args.slug} {example}")
    if not feed.podcast_guid:  # generated once, kept for life
        with feed_errors(f"feed {args.slug!r}"):
            feed.podcast_guid = podcast_guid(feed_url(settings, args.slug))
    return _save_feed(settings, feed)


_EXAMPLE = {"title": "'Research, read aloud'", "description": "'Our papers as audio'", "author": "'Policy Centre'",
            "category": "Science", "owner_name": "'Audio desk'", "owner_email": "audio@example.org"}


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def cmd_feed_edit(args: argparse.Namespace, settings: Settings) -> int:
    feed = _apply_feed_options(dataclasses.replace(settings.feed(args.slug)), args)
    return _save_feed(settings, feed)


def _save_feed(settings: Settings, feed: FeedSettings) -> int:
    from narrate.publishing.feed import check_publishable
    from narrate.publishing.publish import publish_feed
    from narrate.store import Store

    # Every value is checked before anything is written: a refused edit leaves narrate.toml as it was.
    feed = feed.checked()
    check_publishable(settings, feed)
    settings.feeds[feed.slug] = feed
    settings.save_feeds()
    path = publish_feed(settings, Store(settings.db_url, settings.public_dir), feed.slug)
    print(f"feed {feed.slug}: {path}")
    print_owner_notice(feed)
    return 0


def print_owner_notice(feed: FeedSettings) -> None:
    """A line on standard output while the feed lacks its owner (the default feed until it is given one)."""
    from narrate.publishing.feed import owner_notice

    notice = owner_notice(feed)
    if notice:
        print(f"Notice: {notice}")


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
    print_owner_notice(feed)
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
