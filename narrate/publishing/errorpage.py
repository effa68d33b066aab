"""The page a person gets for a missing (404) or removed (410) page: a title, the language, and the way back.

The service renders it per request for clients that ask for HTML; publishing also writes it as public/404.html, so a
static web server or CDN can answer with it too (nginx: ``error_page 404 /404.html;``).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from feeds.files import write_atomic
from feeds.text import one_line
from narrate.errors import PublishError
from narrate.publishing import pages, paths
from narrate.publishing.formats import UI_LANGUAGE, language_tag
from narrate.settings import DEFAULT_FEED, Settings

ERROR_PAGE = "404.html"
WORDING = {
    404: ("Page not found", "There is no page at this address. The link may be mistyped, or the page may have moved."),
    410: ("Page removed", "This page has been removed and will not come back."),
}


@dataclass(frozen=True)
class FeedLink:
    title: str
    url: str
    lang: str


def render_error_page(settings: Settings, status: int, assets_prefix: str | None = None) -> str:
    """The error page for ``status`` (404 or 410), linking every feed's page by its absolute URL.

    ``assets_prefix``: where the style sheet is (the service's own path); default: under NARRATE_BASE_URL.
    """
    heading, explanation = WORDING.get(status, WORDING[404])
    slugs = [DEFAULT_FEED, *sorted(set(settings.feeds) - {DEFAULT_FEED})]
    feeds = [
        FeedLink(one_line(feed.title), paths.feed_page_url(settings, slug), language_tag(feed.language))
        for slug in slugs
        for feed in [settings.feed(slug)]
    ]
    return pages.render(
        "error.html",
        lang=UI_LANGUAGE,
        ui_attr=Markup(""),
        assets=pages.asset_urls(assets_prefix or settings.public_url(paths.ASSETS)),
        status=status,
        heading=heading,
        explanation=explanation,
        feeds=feeds,
    )


def write_error_page(settings: Settings) -> str:
    """Write public/404.html for static web servers; returns its path under public/."""
    target = settings.public_dir / ERROR_PAGE
    data = render_error_page(settings, 404).encode("utf-8")
    if target.exists() and target.read_bytes() == data:
        return ERROR_PAGE
    try:
        write_atomic(target, data)
    except OSError as error:
        raise PublishError(f"cannot write {target}: {error.strerror or error}") from None
    return ERROR_PAGE
