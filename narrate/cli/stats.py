"""``narrate stats``: downloads per episode and per day; ``narrate stats import LOGFILE`` counts an access log's."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from narrate.settings import Settings

if TYPE_CHECKING:
    from narrate.stats import EpisodeFigures, Period


def days_argument(value: str) -> int:
    """--days: a whole number of days, 1 or more."""
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(f"expected a number of days, 1 or more, got {value!r}")
    return days


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.stats import Period, daily_totals, episode_figures
    from narrate.store import Store

    if args.feed:
        settings.feed(args.feed)  # an unknown feed is refused with how to create it
    store = Store(settings.db_url, settings.public_dir)
    period = Period.last_days(args.days) if args.days else None
    figures = episode_figures(store, period, feed=args.feed)
    if args.json:
        print(json.dumps([episode.as_json() for episode in figures], indent=2))
        return 0
    total = sum(episode.downloads for episode in figures)
    when = f"in the last {args.days} days ({period.first} to {period.last})" if period else "in all"
    print(f"{total} download{'' if total == 1 else 's'} {when}" + (f", feed {args.feed}" if args.feed else ""))
    if not figures:
        print("no published episodes")
        return 0
    for episode in figures:
        print(f"{episode.downloads:>9}  {episode.id}  {episode.feed:<10} {episode.title}")
    shown = period or _days_with_downloads(figures)
    if shown:
        print("per day:")
        for day, count in daily_totals(figures, shown):
            print(f"  {day}  {count:>7}")
    return 0


def _days_with_downloads(figures: list[EpisodeFigures]) -> Period | None:
    from narrate.stats import Period

    days = [day for episode in figures for day in episode.per_day]
    return Period(min(days), max(days)) if days else None


def cmd_stats_import(args: argparse.Namespace, settings: Settings) -> int:
    from narrate.stats import import_log
    from narrate.store import Store

    store = Store(settings.db_url, settings.public_dir)
    log = Path(args.logfile)
    summary = import_log(store, log, base_path=urlsplit(settings.base_url).path)
    if summary.skipped_bytes and not summary.lines:
        print(f"{log}: already imported; nothing new")
        return 0
    days = sorted(summary.days)
    span = f" ({days[0]} to {days[-1]})" if len(days) > 1 else (f" ({days[0]})" if days else "")
    print(
        f"{log}: {summary.lines} line{'' if summary.lines == 1 else 's'} read"
        + (" (the start was imported before)" if summary.skipped_bytes else "")
        + f"; {summary.audio_requests} for episodes' audio, {summary.bots} of them from bots (left out); "
        f"{summary.downloads} download{'' if summary.downloads == 1 else 's'} counted{span}"
    )
    if summary.unreadable:
        print(f"{log}: {summary.unreadable} line(s) not in the common or combined log format were skipped")
    return 0
