"""The article as extracted from a source: metadata plus the body as typed blocks."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "quote", "list_item", "table"]


@dataclass(frozen=True)
class Block:
    """One block of the article body, in reading order."""

    kind: BlockKind
    text: str
    """Plain text: no markup, whitespace collapsed, typographic characters kept as found.

    A table keeps its shape: one row per line, cells separated by tabs. A first line without a tab,
    above rows that have them, is the table's caption.
    """
    level: int = 0
    """Heading level (1-6) for headings, nesting depth for list items, 1 for a table whose first row
    (after the caption) names the columns, 0 otherwise."""


@dataclass
class Article:
    """What extraction found. Only ``title`` and ``blocks`` are always present."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    author: str | None = None
    published: dt.date | None = None
    site: str | None = None
    language: str | None = None
    """ISO 639-1 code such as "en", when the page says or detection is confident."""
    canonical_url: str | None = None
    """The address that identifies the article (and its episode): the canonical URL the page declares when it
    is on the page's own site, else the address the page was fetched from (see extract.canonical)."""
    claimed_url: str | None = None
    """A canonical URL the page declared on another site: not trusted unless the feed lists both sites."""
    summary: str | None = None
    """The page's own description (meta description), when it has one."""

    @property
    def body_text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)

    def content_hash(self) -> str:
        """Identity of sourceless text: the body, whitespace-insensitive."""
        words = " ".join(self.body_text.split())
        return hashlib.sha256(words.encode("utf-8")).hexdigest()


def article_to_dict(article: Article) -> dict[str, object]:
    return {
        "title": article.title,
        "author": article.author,
        "published": article.published.isoformat() if article.published else None,
        "site": article.site,
        "language": article.language,
        "canonical_url": article.canonical_url,
        "claimed_url": article.claimed_url,
        "summary": article.summary,
        "blocks": [[b.kind, b.text, b.level] for b in article.blocks],
    }


def article_from_dict(data: dict[str, object]) -> Article:
    published = data.get("published")
    blocks = data.get("blocks") or []
    return Article(
        title=str(data["title"]),
        author=data.get("author"),  # type: ignore[arg-type]
        published=dt.date.fromisoformat(published) if isinstance(published, str) else None,
        site=data.get("site"),  # type: ignore[arg-type]
        language=data.get("language"),  # type: ignore[arg-type]
        canonical_url=data.get("canonical_url"),  # type: ignore[arg-type]
        claimed_url=data.get("claimed_url"),  # type: ignore[arg-type]
        summary=data.get("summary"),  # type: ignore[arg-type]
        blocks=[Block(kind, text, level) for kind, text, level in blocks],  # type: ignore[union-attr]
    )
