"""What listeners see of an episode in its feed, taken from the article: title, credits, link and show notes."""

from __future__ import annotations

from narrate.article import Article
from narrate.settings import FeedSettings


def listing(article: Article, feed: FeedSettings) -> dict[str, object]:
    """The episode's columns that listeners see in the feed."""
    return {
        "title": article.title,
        "author": article.author,
        "site": article.site,
        "language": article.language or feed.language,
        "link": article.canonical_url,
        "published": article.published,
        "description": show_notes(article),
    }


def show_notes(article: Article) -> str:
    """Plain-text episode description: summary, credit, link, and the synthetic-voice note."""
    first = next((b.text for b in article.blocks if b.kind == "paragraph"), "")
    summary = article.summary or first
    if len(summary) > 600:
        summary = summary[:600].rsplit(" ", 1)[0] + " ..."
    lines = [summary]
    if article.author:
        lines.append(f"Written by {article.author}" + (f" for {article.site}." if article.site else "."))
    if article.canonical_url:
        lines.append(f"Read the original article: {article.canonical_url}")
    lines.append("This audio version is read by a computer-generated voice.")
    return "\n\n".join(line for line in lines if line)
