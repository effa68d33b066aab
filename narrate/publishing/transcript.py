"""The transcript as the episode page shows it: the script's sentences, timed, grouped as the article's blocks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from feeds.text import one_line
from narrate.article import Article, Block, article_from_dict
from narrate.publishing.formats import time_fragment
from narrate.script import QUOTE_START, Script, table_sentences
from narrate.store import Episode

_FIRST_HEADING = 3
"""Article headings sit below the page's h1 and the "Transcript" h2."""

PassageKind = Literal["heading", "paragraph", "quote", "list"]


@dataclass(frozen=True)
class Sentence:
    """One transcript sentence and when it is heard."""

    text: str
    start: float
    end: float

    @property
    def fragment(self) -> str:
        return time_fragment(self.start)


@dataclass
class Passage:
    """A heading, paragraph, quote or list of the transcript, its sentences in speaking order."""

    kind: PassageKind
    items: list[list[Sentence]] = field(default_factory=list)
    """One item for headings, paragraphs and quotes; one per list item for lists."""
    level: int = 0
    """HTML heading level (3-6) for headings."""


@dataclass(frozen=True)
class ChapterLink:
    title: str
    start: float
    clock: str

    @property
    def fragment(self) -> str:
        return time_fragment(self.start)


def transcript_passages(script: Script, cues: list[tuple[float, float]], article: Article | None) -> list[Passage]:
    """The script's captions grouped as the article shows them: headings, paragraphs, quotes and lists.

    The intro and outro are paragraphs of their own. Sentences are matched to the article's blocks by their
    text; a sentence that matches no block stays with the one before it, so nothing is ever dropped.
    """
    blocks = article.blocks if article else []
    body = [block for block in blocks if block.kind != "heading"]
    levels = _heading_levels([block.level for block in blocks if block.kind == "heading"])
    matcher = _BlockMatcher(body)
    passages: list[tuple[str, Passage]] = []  # with the kind of article block each came from
    previous_key: tuple[str, int] | None = None
    headings = 0
    for segment, (start, end) in zip(script.segments, cues):
        if segment.kind == "heading":
            # A heading too long for one engine call spans several segments; only the first starts a chapter.
            if segment.chapter is not None or previous_key is None or previous_key[0] != "heading":
                headings += 1
            key = ("heading", headings)
        elif segment.kind == "body":
            key = ("body", matcher.block_of(segment.caption))
        else:
            key = (segment.kind, 0)
        if key != previous_key:
            passages.append(_passage(key, body, levels))
            previous_key = key
        passages[-1][1].items[0].append(Sentence(one_line(segment.caption), start, end))
    return _group_lists(passages)


def _passage(key: tuple[str, int], body: list[Block], levels: list[int]) -> tuple[str, Passage]:
    kind, number = key
    if kind == "heading":
        level = levels[number - 1] if number <= len(levels) else _FIRST_HEADING
        return "heading", Passage("heading", [[]], level)
    block_kind = body[number].kind if kind == "body" and 0 <= number < len(body) else "paragraph"
    return block_kind, Passage("quote" if block_kind == "quote" else "paragraph", [[]])


class _BlockMatcher:
    """Finds the article block each body sentence comes from, reading both in order."""

    def __init__(self, blocks: list[Block]) -> None:
        # A table is matched by what the script says for it: "Table.", its caption, a sentence per row.
        self.texts = [_compact(" ".join(table_sentences(b)) if b.kind == "table" else b.text) for b in blocks]
        self.index = -1
        self.rest = ""

    def block_of(self, caption: str) -> int:
        """The index of the block ``caption`` continues or starts; the current one when it matches neither."""
        words = _compact(caption)
        if caption == QUOTE_START and self.index + 1 < len(self.texts):
            self.index += 1  # "Quote." opens the quote that follows
            self.rest = self.texts[self.index]
        elif self.index >= 0 and self.rest.startswith(words):
            self.rest = self.rest[len(words) :]
        elif self.index + 1 < len(self.texts) and self.texts[self.index + 1].startswith(words):
            self.index += 1
            self.rest = self.texts[self.index][len(words) :]
        return self.index


def _group_lists(passages: list[tuple[str, Passage]]) -> list[Passage]:
    grouped: list[Passage] = []
    previous_kind = ""
    for kind, passage in passages:
        if kind == "list_item":
            if previous_kind != "list_item":
                grouped.append(Passage("list", []))
            grouped[-1].items.append(passage.items[0])
        else:
            grouped.append(passage)
        previous_kind = kind
    return grouped


def _heading_levels(levels: list[int]) -> list[int]:
    """HTML levels for the article's heading levels: its shallowest becomes h3, and no level is skipped."""
    ranks = {level: rank for rank, level in enumerate(sorted(set(levels)))}
    result, previous = [], _FIRST_HEADING - 1
    for level in levels:
        html_level = min(_FIRST_HEADING + ranks[level], previous + 1, 6)
        result.append(html_level)
        previous = html_level
    return result


def _compact(text: str) -> str:
    return "".join(text.split())


def article_of(episode: Episode) -> Article | None:
    if not episode.article_json:
        return None
    try:
        return article_from_dict(json.loads(episode.article_json))
    except (ValueError, KeyError, TypeError):
        return None  # headings then default to h3 and paragraphs to one per run of sentences
