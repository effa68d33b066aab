"""The intro and outro: template fields from the article (with the byline), filled in, punctuation tidied."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

from narrate.article import Article
from narrate.errors import ConfigError
from narrate.script.normalize import MONTH_NAMES

TEMPLATE_FIELDS = ("title", "author", "site", "date", "feed", "byline", "from_site")


def template_fields(article: Article, feed_title: str = "") -> dict[str, str]:
    """The values of the intro/outro template fields; unknown parts are empty and the byline leaves them out."""
    author = " ".join((article.author or "").split())
    site = " ".join((article.site or "").split())
    # Spelled out here, not with strftime: month names must not depend on the machine's locale.
    published = article.published
    date = f"{MONTH_NAMES[published.month - 1]} {published.day}, {published.year}" if published else ""
    return {
        # "…of Water Rights. from the Gazette" would break the outro in two: templates add their own stops.
        "title": " ".join(article.title.split()).rstrip("."),
        "author": author,
        "site": site,
        "date": date,
        "feed": " ".join(feed_title.split()),
        "byline": byline(author, site, date),
        "from_site": f" from {site}" if site else "",
    }


def byline(author: str, site: str, date: str) -> str:
    """ "By <author>, published by <site> on <date>. " with the unknown parts left out; "" when nothing is known."""
    published = "published" + (f" by {site}" if site else "") + (f" on {date}" if date else "")
    if author and (site or date):
        return f"By {author}, {published}. "
    if author:
        return f"By {author}. "
    if site or date:
        return "Published" + published.removeprefix("published") + ". "
    return ""


_TEMPLATE_TIDY = [
    (re.compile(r"\s+"), " "),
    (re.compile(r"\s+([,.;:!?])"), r"\1"),
    # A title ending in "?" or "U.S." followed by the template's own full stop.
    (re.compile(r"([!?]|\.\.\.|\u2026)\."), r"\1"),
    (re.compile(r"(?<!\.)\.\.(?!\.)"), "."),
    (re.compile(r"^[\s,;:.]+"), ""),
]


def render_template(template: str, fields: Mapping[str, str], name: str) -> str:
    """``template`` with its {fields} filled in and the punctuation tidied; ConfigError for unknown fields."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as error:
        message = f"the {name} template is malformed ({error}); write a literal brace as {{{{ or }}}}"
        raise ConfigError(message) from None
    known = ", ".join("{" + known_field + "}" for known_field in TEMPLATE_FIELDS)
    for _, used, spec, conversion in parts:
        if used is not None and (used not in fields or spec or conversion):
            raise ConfigError(f"the {name} template uses an unknown field {{{used}}}; known fields: {known}")
    text = template.format_map(fields)
    for pattern, replacement in _TEMPLATE_TIDY:
        text = pattern.sub(replacement, text)
    return text.strip()
