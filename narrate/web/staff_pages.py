"""The staff pages the service renders per request: the login form and the queue with recent episodes.

The templates, style and scripts are the listeners' pages' own, in narrate/publishing.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from narrate.publishing import pages, paths
from narrate.publishing.formats import UI_LANGUAGE


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
    error: str | None = None,
    source: str = "",
    chosen_feed: str = "",
    root: str = "/",
) -> str:
    """The staff page: queue an article, and the recent episodes (refreshed by staff.js).

    ``feeds`` are (slug, title); ``episodes`` are the service's episode summaries (id, title, feed, status,
    progress, reason, page_url, audio_url, duration_seconds). After an error, ``source`` and ``chosen_feed``
    give the form back what the user entered. ``root`` is the service's URL path prefix.
    """
    titles = dict(feeds)
    rows = [dict(summary, feed_title=titles.get(str(summary.get("feed")), summary.get("feed"))) for summary in episodes]
    return pages.render(
        "staff.html",
        lang=UI_LANGUAGE,
        ui_attr=Markup(""),
        assets=pages.asset_urls(root + paths.ASSETS),
        root=root,
        episodes=rows,
        feeds=feeds,
        csrf_token=csrf_token,
        message=message,
        error=error,
        source=source,
        chosen_feed=chosen_feed,
    )
