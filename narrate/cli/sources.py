"""``narrate source add|list|remove|poll``: follow a site's feed or sitemap; its new and changed posts become episodes."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from narrate.errors import ConfigError, NarrateError, SourceError
from narrate.settings import Settings


def cmd_source_add(args: argparse.Namespace, settings: Settings) -> int:
    from narrate import sources
    from narrate.store import Store

    since = _since(args.since)
    store = Store(settings.db_url, settings.public_dir)
    source, secret = sources.follow(
        settings, store, args.url, feed=args.feed, since=since, backfill=args.backfill,
        unpublish_missing=args.unpublish_missing,
    )  # fmt: skip
    hook = settings.public_url(f"api/hooks/{source.id}")
    if args.json:
        print(json.dumps({"id": source.id, "url": source.url, "feed": source.feed, "hook_url": hook,
                          "secret": secret}, indent=2))  # fmt: skip
        return 0
    since_text = source.since.date().isoformat()
    print(f"Following {source.url} into feed {source.feed!r} (source {source.id})")
    print(f"  posts published from {since_text} become episodes; {source.backfill} older ones will be back-filled")
    print(f"  webhook: POST {hook}  (when the service runs at NARRATE_BASE_URL)")
    print("  webhook secret (shown this once; give it to your CMS):")
    print(secret)
    return 0


def _since(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"--since takes a date such as 2024-05-01 (or 2024-05-01T09:00), got {value!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def cmd_source_list(args: argparse.Namespace, settings: Settings) -> int:
    from narrate import sources
    from narrate.store import Store

    found = sources.summaries(Store(settings.db_url, settings.public_dir))
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    if not found:
        print("No sources followed; add one with: narrate source add URL")
    for item in found:
        last = item["last_poll"] or "never"
        print(f"{item['id']}  {item['url']}  -> {item['feed']}  last poll: {last}  {item['result'] or ''}")
        if item["error"]:
            print(f"    error: {item['error']}")
    return 0


def cmd_source_remove(args: argparse.Namespace, settings: Settings) -> int:
    from narrate import sources
    from narrate.store import Store

    source = sources.forget(Store(settings.db_url, settings.public_dir), args.url)
    print(f"No longer following {source.url}; its episodes stay published")
    return 0


def cmd_source_poll(args: argparse.Namespace, settings: Settings) -> int:
    """Poll now (one source, or all). With a broker the renders go to the workers; without one they run here,
    before the command returns, as ``narrate add`` does."""
    from narrate import sources
    from narrate.store import Store

    store = Store(settings.db_url, settings.public_dir)
    chosen = [sources.find(store, args.url)] if args.url else sources.sources(store)
    if not chosen and not args.json:
        print("No sources followed; add one with: narrate source add URL")
    renders: list[tuple[str, str]] = []
    reports = [sources.poll(settings, store, source, lambda *r: renders.append(r)) for source in chosen]  # type: ignore[arg-type,misc]
    outcomes = _render(settings, store, renders)
    if args.json:
        print(json.dumps({"polls": [r.to_dict() for r in reports], "episodes": outcomes}, indent=2))
    else:
        for report in reports:
            if report.result == "error":
                print(f"narrate: error: {report.source}: {report.error}", file=sys.stderr)
                continue
            detail = report.error if report.result == "skipped" else report.describe()
            print(f"{report.source}: {report.result} ({detail})")
            for line in report.failed:
                print(f"    failed: {line}")
        for item in outcomes:
            reason = f": {item['reason']}" if item.get("reason") else ""
            print(f"  {item['status']}: {item['title']} (episode {item['id']}){reason}")
    if reports and all(r.result == "error" for r in reports):
        return SourceError.exit_code
    return 0


def _render(settings: Settings, store: Any, renders: list[tuple[str, str]]) -> list[dict[str, Any]]:
    import worker

    for episode_id, render_id in renders:
        try:
            worker.send_render(episode_id, render_id)  # embedded: the whole render runs here
        except NarrateError:
            pass  # recorded on the episode as its failure reason
    outcomes = []
    for episode_id, _ in renders:
        episode = store.get(episode_id)
        outcomes.append({"id": episode.id, "guid": episode.guid, "title": episode.title, "status": episode.status,
                         "reason": episode.reason})  # fmt: skip
    return outcomes
