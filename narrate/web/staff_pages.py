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


def render_login_page(*, error: str | None = None, root: str = "/") -> str:
    """The staff login form (POST {root}staff/login with the API token as "token")."""
    return pages.render(
        "login.html",
        lang=UI_LANGUAGE,
        ui_attr=Markup(""),
        assets=pages.asset_urls(root + paths.ASSETS),
        root=root,
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
    feed_notices: list[str] | None = None,
) -> str:
    """The staff page: queue an article, and the recent episodes (refreshed by staff.js).

    ``feeds`` are (slug, title), listed in that order; ``episodes`` are the service's episode summaries (id,
    title, feed, status, progress, reason, page_url, audio_url, duration_seconds). ``message`` is the banner; with
    ``message_episode`` (and its ``message_status``) staff.js rewords it when that episode is published or fails.
    ``chosen_feed`` is selected (after an error, with ``source``, what the user entered). ``root`` is the
    service's URL path prefix. ``feed_notices``: what a feed still lacks (its owner), shown above the form.
    """
    labels = {slug: feed_label(slug, title) for slug, title in feeds}
    rows = [dict(summary, feed_title=labels.get(str(summary.get("feed")), summary.get("feed"))) for summary in episodes]
    return pages.render(
        "staff.html",
        lang=UI_LANGUAGE,
        ui_attr=Markup(""),
        assets=pages.asset_urls(root + paths.ASSETS),
        root=root,
        episodes=rows,
        feeds=list(labels.items()),
        csrf_token=csrf_token,
        message=message,
        message_episode=message_episode,
        message_status=message_status,
        error=error,
        source=source,
        chosen_feed=chosen_feed,
        feed_notices=feed_notices or [],
    )
