"""The staff pages the service renders per request: the login form and the queue with recent episodes.

The templates, style and scripts are the listeners' pages' own, in narrate/publishing.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from narrate.publishing import pages, paths
from narrate.publishing.formats import UI_LANGUAGE
from narrate.settings import DEFAULT_FEED


def feed_label(slug: str, title: str) -> str:
    """How the picker and the table name a feed: its title, and its slug, which tells feeds titled alike apart."""
    return f"{title} ({slug})"


def _render(template: str, root: str, **context: Any) -> str:
    """A staff page in the interface's language, with its assets and links under the service's ``root``."""
    return pages.render(
        template, lang=UI_LANGUAGE, ui_attr=Markup(""), assets=pages.asset_urls(root + paths.ASSETS), root=root, **context
    )


def render_login_page(*, error: str | None = None, root: str = "/") -> str:
    """The staff login form (POST {root}staff/login with the API token as "token")."""
    return _render(
        "login.html",
        root,
        error=error,
    )


def render_staff_page(
    *,
    episodes: list[dict[str, Any]],
    feeds: list[tuple[str, str]],
    csrf_token: str,
    message: str | None = None,
    message_episode: str | None = None,
    message_status: str | None = None,
    error: str | None = None,
    source: str = "",
    chosen_feed: str = DEFAULT_FEED,
    root: str = "/",
    held: list[dict[str, Any]] | None = None,
    sources: list[dict[str, Any]] | None = None,
    feed_notices: list[str] | None = None,
) -> str:
    """The staff page: queue an article, and the recent episodes (refreshed by staff.js).

    ``feeds`` are (slug, title), listed in that order; ``episodes`` are the service's episode summaries (id,
    title, feed, status, progress, reason, page_url, audio_url, duration_seconds). ``message`` is the banner; with
    ``message_episode`` (and its ``message_status``) staff.js rewords it when that episode is published or fails.
    ``chosen_feed`` is selected (after an error, with ``source``, what the user entered). ``root`` is the
    service's URL path prefix. ``held``: the summaries of episodes held for review, each with its "text", for the
    forms that approve or correct them. ``sources`` are the followed sources' summaries (narrate.sources.summaries).
    ``feed_notices``: what a feed still lacks (its owner), shown above the form.
    """
    labels = {slug: feed_label(slug, title) for slug, title in feeds}
    rows = [dict(summary, feed_title=labels.get(str(summary.get("feed")), summary.get("feed"))) for summary in episodes]
    return _render(
        "staff.html",
        root,
        episodes=rows,
        feeds=list(labels.items()),
        csrf_token=csrf_token,
        message=message,
        message_episode=message_episode,
        message_status=message_status,
        error=error,
        source=source,
        chosen_feed=chosen_feed,
        held=[dict(summary, feed_title=labels.get(str(summary.get("feed")), summary.get("feed"))) for summary in held or []],
        sources=[source_row(item) for item in sources or []],
        feed_notices=feed_notices or [],
    )


# -- listening figures (narrate/stats) ----------------------------------------------------------------------


def render_listening_page(
    *,
    figures: list[Any],
    per_day: list[tuple[Any, int]],
    feeds: list[tuple[str, str]],
    csrf_token: str,
    days: int,
    day_choices: list[int],
    chosen_feed: str = "",
    episode: Any = None,
    root: str = "/",
) -> str:
    """The listening figures: a bar chart of downloads per day with the same figures as a table, and a table of
    downloads per episode. ``figures`` are narrate.stats.EpisodeFigures; ``per_day`` (day, downloads) pairs, oldest
    first; ``episode``: the one episode shown (its figures), else every episode."""
    from narrate.stats.chart import bar_chart

    labels = {slug: feed_label(slug, title) for slug, title in feeds}
    rows = [
        {"id": f.id, "title": f.title, "downloads": f.downloads, "feed_title": labels.get(f.feed, f.feed)}
        for f in figures
    ]
    return _render(
        "staff_listening.html",
        root,
        csrf_token=csrf_token,
        chart=bar_chart(per_day),
        per_day=[(day.isoformat(), count) for day, count in per_day],
        first=per_day[0][0].isoformat() if per_day else "",
        last=per_day[-1][0].isoformat() if per_day else "",
        total=sum(count for _, count in per_day),
        episodes=rows,
        feeds=list(labels.items()),
        chosen_feed=chosen_feed,
        days=days,
        day_choices=day_choices,
        episode=episode,
    )


# -- followed sources (issue 15) ---------------------------------------------------------------------------


def source_row(summary: dict[str, Any]) -> dict[str, Any]:
    """A source as the staff page's table shows it: when it was last polled, the result, what it queued, the error."""
    last = summary.get("last_poll")
    queued = summary.get("queued") or []
    return {
        "url": summary["url"],
        "feed": summary["feed"],
        "last_poll": str(last).replace("T", " ").replace("+00:00", " UTC") if last else "Never",
        "result": summary.get("result") or "Not polled yet",
        "queued": f"{len(queued)} episode{'' if len(queued) == 1 else 's'}" if queued else "None",
        "error": summary.get("error") or "",
    }
