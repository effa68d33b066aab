"""Listening figures from the service's own file serving: each GET of an episode's audio is handed to narrate.stats.

Counting never stands in the way of listening: a failure to record is logged, and the file is served all the same.
"""

from __future__ import annotations

import datetime as dt
import logging

from fastapi import Request

from narrate.errors import NarrateError
from narrate.stats import Request as AudioRequest
from narrate.stats import record_request
from narrate.web.service import Service

log = logging.getLogger("narrate.web")


def count_download(service: Service, request: Request, relative: str, asked: int) -> None:
    """Record that ``request`` asked for ``asked`` bytes of the public audio file ``relative``."""
    address = request.client.host if request.client else ""
    agent = request.headers.get("user-agent", "")
    try:
        record_request(service.store, AudioRequest(relative, address, agent, dt.datetime.now(dt.UTC), asked))
    except (NarrateError, Exception) as error:  # noqa: BLE001 (the listener gets the file whatever went wrong here)
        log.warning("download of %s not counted: %s: %s", relative, type(error).__name__, error)


DAY_CHOICES = [7, 30, 90, 365]
"""The periods the staff page offers; any other number of days (up to MAX_DAYS) can be asked for by URL."""
MAX_DAYS = 3660


def listening_html(service: Service, csrf_token: str, root: str, days: int, feed: str, episode_id: str) -> str:
    """The staff page of listening figures for the last ``days`` days, of one feed or episode when named."""
    from starlette.exceptions import HTTPException

    from narrate.settings import DEFAULT_FEED
    from narrate.stats import Period, daily_totals, episode_figures
    from narrate.web.staff_pages import render_listening_page

    if not 1 <= days <= MAX_DAYS:
        raise HTTPException(422, f"days must be between 1 and {MAX_DAYS}")
    settings = service.settings
    if feed:
        settings.feed(feed)  # an unknown feed: ConfigError, a 422 with the reason
    episode = service.store.get(episode_id) if episode_id else None  # an unknown one: 404
    period = Period.last_days(days)
    figures = episode_figures(service.store, period, feed=feed or None, episode_id=episode_id or None)
    slugs = [DEFAULT_FEED, *sorted(set(settings.feeds) - {DEFAULT_FEED})]
    return render_listening_page(
        figures=figures,
        per_day=daily_totals(figures, period),
        feeds=[(slug, settings.feed(slug).title) for slug in slugs],
        csrf_token=csrf_token,
        days=days,
        day_choices=sorted({*DAY_CHOICES, days}),
        chosen_feed=feed,
        episode=episode,
        root=root,
    )
