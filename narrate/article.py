"""The article as extracted from a source: metadata plus the body as typed blocks."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "quote", "list_item"]


@dataclass(frozen=True)
class Block:
    """One block of the article body, in reading order."""

    kind: BlockKind
    text: str
    """Plain text: no markup, whitespace collapsed, typographic characters kept as found."""
    level: int = 0
    """Heading level (1-6) for headings, nesting depth for list items, 0 otherwise."""


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
    summary: str | None = None
    """The page's own description (meta description), when it has one."""

    @property
    def body_text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)

    def content_hash(self) -> str:
        """Identity of sourceless text: the body, whitespace-insensitive."""
        words = " ".join(self.body_text.split())
        return hashlib.sha256(words.encode("utf-8")).hexdigest()
