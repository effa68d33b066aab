"""The intro and outro: template fields from the article (with the byline), filled in, punctuation tidied.

A text without a headline gets its title from its first sentence (extract.assemble). Said in the intro and the
outro, that guess would make the listener hear the opening sentence three times within seconds; so when the title
is only the start of the first sentence, {title} names the article by who wrote it and where instead:
"An article by Anthony Wier, from FCNL".
"""

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
    # "…of Water Rights. from the Gazette" would break the outro in two: templates add their own stops.
    title = " ".join(article.title.split()).rstrip(".")
    fields = {
        "title": title,
        "author": author,
        "site": site,
        "date": date,
        "feed": " ".join(feed_title.split()),
        "byline": byline(author, site, date),
        "from_site": f" from {site}" if site else "",
    }
    if title_is_first_sentence(article):
        # Who wrote it and where stand in for the title, so the byline and {from_site} would say them twice.
        fields.update(title=unnamed_article(author, site), byline=byline("", "", date), from_site="")
    return fields


def title_is_first_sentence(article: Article) -> bool:
    """Is the title only the opening words of the body's first sentence, as made for a text without a headline?"""
    first = next((block.text for block in article.blocks if block.kind != "heading"), "")
    title = _comparable(article.title)
    return len(title.split()) >= _GUESS_MIN_WORDS and (_comparable(first) + " ").startswith(title + " ")


def unnamed_article(author: str, site: str) -> str:
    """ "An article by <author>, from <site>", with the unknown parts left out."""
    named = "An article" + (f" by {author}" if author else "") + ("," if author and site else "")
    return named + (f" from {site}" if site else "") if author or site else "An untitled article"


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


# A headline of a few words may open the first sentence too ("Heat plan" / "Heat plans were..."); a title made from
# the sentence has more words than that.
_GUESS_MIN_WORDS = 4


def _comparable(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


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
    stand_in = unnamed_article(fields.get("author", ""), fields.get("site", ""))
    if fields.get("title") == stand_in:
        # Mid-sentence ("This was an audio version of An article by…") the stand-in title takes a small letter.
        text = re.sub(r"(?<=[^\s.!?:]) " + re.escape(stand_in), " " + stand_in[0].lower() + stand_in[1:], text)
    for pattern, replacement in _TEMPLATE_TIDY:
        text = pattern.sub(replacement, text)
    return text.strip()
