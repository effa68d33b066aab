"""The speech script: what the voice says, segment by segment, with pauses and chapter marks.

Contract (used by the pipeline, the audio assembly and the transcript):

- ``build_script(article, options) -> Script`` is pure: no I/O, no engine calls.
- Segments are in speaking order: intro segments first, then the body, then the outro.
- ``Segment.text`` is the normalised speech text given to the engine (never longer than
  ``options.max_chars``); ``Segment.caption`` is the same sentence as a reader sees it
  (original spelling), used for the WebVTT transcript.
- ``Segment.chapter`` is set on the first segment of a chapter (the intro, and each heading).

What is read, and how (extraction, narrate/extract, has already left out what is never read):

- The standfirst (the summary under the headline) is the body's first paragraph: read right after the intro.
- A text without a headline has a title made from its first sentence; the intro and outro do not say that
  guess ("An article by NAME, from SITE" instead, see templates.py), so the sentence is heard once.
- Headings: each is a segment and starts a chapter, with a longer pause before and after.
- Paragraphs: one segment per sentence. Links are read as their text only.
- Lists: each item is a sentence of its own; a lead-in that ends with a colon keeps its colon,
  so the voice does not close the sentence before the items.
- Block quotes: "Quote." before and "End quote." after, each a short segment of its own, captions
  too; consecutive quote blocks (the paragraphs of one quote) are one quote.
- Tables: "Table." and the table's caption, then, for a table of at most TABLE_MAX_ROWS rows and
  TABLE_MAX_COLUMNS columns, a sentence per row with the column names ("2023: Cases filed, 18,400;
  With a lawyer, 3%.") and "End of table."; a bigger table is announced and not read
  ("This table, with 12 rows, is not read aloud; see the article.").
- Left out by extraction: image and video captions and photo credits; pull quotes and other text
  the page repeats (the body's copy is read once); footnote markers and the notes themselves;
  embedded posts (tweets and the like), except those introduced by a lead-in ending in a colon ("See
  tweets:"), which are part of the argument and are read as block quotes; press-release boilerplate after "###"; the
  author's note under the article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from narrate.article import Article, Block
from narrate.errors import ConfigError, EmptyArticleError
from narrate.script.lexicon import DEFAULT_LEXICON, lexicon_replacer
from narrate.script.normalize import normalize
from narrate.script.sentences import _SPEAKABLE, _TERMINAL, _cut_point, split_sentences
from narrate.script.tables import table_sentences
from narrate.script.templates import render_template, template_fields
from narrate.settings import DEFAULT_INTRO, DEFAULT_OUTRO

SegmentKind = Literal["intro", "heading", "body", "outro"]


@dataclass(frozen=True)
class Segment:
    index: int
    kind: SegmentKind
    text: str
    """Speech text sent to the engine."""
    caption: str
    """The sentence as written, for the transcript."""
    pause_ms: int
    """Silence after this segment."""
    chapter: str | None = None
    """Title of the chapter that starts at this segment."""


@dataclass(frozen=True)
class Script:
    title: str
    language: str
    segments: list[Segment] = field(default_factory=list)

    def chapters(self) -> list[tuple[int, str]]:
        """(segment index, title) for every chapter start."""
        return [(s.index, s.chapter) for s in self.segments if s.chapter]


@dataclass(frozen=True)
class ScriptOptions:
    """How an article is turned into a script."""

    max_chars: int = 400
    """Longest speech text one engine call accepts; longer sentences are split at the best boundary."""
    intro_template: str = DEFAULT_INTRO
    """Spoken before the article; fields {title} {author} {site} {date} {feed} {byline} {from_site}. Empty: none."""
    outro_template: str = DEFAULT_OUTRO
    """Spoken after the article, with the same fields as the intro. Empty: no outro."""
    feed_title: str = ""
    """The {feed} field: the podcast's title."""
    language: str = "en"
    """Language of the speech text: chooses the normalisation rules and the number words."""
    pause_sentence_ms: int = 300
    """Silence after a sentence inside a paragraph."""
    pause_paragraph_ms: int = 700
    """Silence after the last sentence of a paragraph, quote or list item."""
    pause_heading_ms: int = 1000
    """Silence before a heading (after the segment before it) and after the heading itself."""
    pause_intro_ms: int = 1000
    """Silence between the intro and the article, and between the article and the outro."""
    pause_clause_ms: int = 200
    """Silence between the parts of a sentence too long for one engine call."""


QUOTE_START = "Quote."
QUOTE_END = "End quote."
MIN_CHARS = 20
"""The smallest max_chars that still fits any single character's spoken form ("%" -> "percent")."""


def build_script(article: Article, options: ScriptOptions, lexicon: Mapping[str, str] | None = None) -> Script:
    """The speech script for ``article``: intro, one segment per sentence (or heading), outro.

    ``lexicon`` (default: ``DEFAULT_LEXICON``) is applied to the normalised speech text.
    Raises ConfigError for unusable options or templates, EmptyArticleError when nothing in the body can be spoken.
    """
    _check(options)
    writer = _Writer(options, lexicon_replacer(DEFAULT_LEXICON if lexicon is None else lexicon))
    fields = template_fields(article, options.feed_title)

    # Chapters are read, not heard: they keep the article's title even when the intro names it another way.
    title = " ".join(article.title.split()).rstrip(".")
    intro = split_sentences(render_template(options.intro_template, fields, "intro"))
    for number, sentence in enumerate(intro, 1):
        chapter = (title or "Introduction") if number == 1 else None
        last = number == len(intro)
        writer.add("intro", sentence, options.pause_intro_ms if last else options.pause_sentence_ms, chapter)

    _read_body(writer, article.blocks)
    if not any(draft.kind == "body" for draft in writer.drafts):
        raise EmptyArticleError(f"the article {article.title!r} has no text to read aloud")

    writer.lengthen_last_pause(options.pause_intro_ms)
    for sentence in split_sentences(render_template(options.outro_template, fields, "outro")):
        writer.add("outro", sentence, options.pause_sentence_ms)
    return Script(title=article.title, language=options.language, segments=writer.segments(title))


def _read_body(writer: _Writer, blocks: list[Block]) -> None:
    """Each block as the module docstring says, in order."""
    options = writer.options
    for index, block in enumerate(blocks):
        previous = blocks[index - 1].kind if index else None
        following = blocks[index + 1].kind if index + 1 < len(blocks) else None
        if block.kind == "heading":
            heading = " ".join(block.text.split())
            writer.lengthen_last_pause(options.pause_heading_ms)
            writer.add("heading", heading, options.pause_heading_ms, chapter=heading)
        elif block.kind == "table":
            lines = table_sentences(block)
            for number, line in enumerate(lines, 1):
                last = number == len(lines)
                writer.add("body", line, options.pause_paragraph_ms if last else options.pause_sentence_ms)
        else:
            opens = block.kind == "quote" and previous != "quote"
            closes = block.kind == "quote" and following != "quote"
            if opens:
                writer.add("body", QUOTE_START, options.pause_sentence_ms)
            sentences = split_sentences(block.text)
            for number, sentence in enumerate(sentences, 1):
                last = number == len(sentences) and not closes
                writer.add("body", sentence, options.pause_paragraph_ms if last else options.pause_sentence_ms)
            if closes:
                writer.add("body", QUOTE_END, options.pause_paragraph_ms)


def _check(options: ScriptOptions) -> None:
    if options.max_chars < MIN_CHARS:
        raise ConfigError(f"max_chars must be at least {MIN_CHARS}, got {options.max_chars}")
    for name in ("pause_sentence_ms", "pause_paragraph_ms", "pause_heading_ms", "pause_intro_ms", "pause_clause_ms"):
        if getattr(options, name) < 0:
            raise ConfigError(f"{name} must not be negative, got {getattr(options, name)}")


# -- segments within max_chars ---------------------------------------------------------------------

_LEAD_IN = re.compile(r":[\"'\u201d\u2019)\]]*$")
_CLOSING = ".,;:!?)]}\"'\u201d\u2019\u2026"


@dataclass
class _Draft:
    kind: SegmentKind
    text: str
    caption: str
    pause_ms: int
    chapter: str | None = None


class _Writer:
    """Collects segments in speaking order, each speech text within max_chars."""

    def __init__(self, options: ScriptOptions, lexicon: Callable[[str], str]) -> None:
        self.options = options
        self.lexicon = lexicon
        self.drafts: list[_Draft] = []

    def speak(self, caption: str, whole: bool) -> str:
        text = self.lexicon(normalize(caption, self.options.language))
        # Headings and list items often lack a full stop; the voice needs one to end the sentence.
        # A lead-in to a list or quote keeps its colon: a full stop would close it with a falling voice.
        if whole and text and not _TERMINAL.search(text):
            text = text.rstrip(":;, ") + (":" if _LEAD_IN.search(caption) else ".")
        return text

    def fit(self, caption: str) -> list[tuple[str, str]]:
        """(caption, speech text) parts of one sentence, each speech text at most max_chars long."""
        limit = self.options.max_chars
        parts = []
        rest = caption.strip()
        while rest:
            # Speech is usually about as long as the writing: try the whole rest only when it might fit.
            cut = len(rest) if len(rest) <= 3 * limit else _cut_point(rest, limit)
            while True:
                head = rest[:cut].rstrip()
                text = self.speak(head, whole=cut == len(rest))
                if len(text) <= limit:
                    break
                if cut == 1:
                    text = text[:limit]
                    break
                budget = min(cut - 1, limit, cut * limit // len(text))
                cut = _cut_point(rest, budget)
            parts.append((head, text))
            rest = rest[cut:].strip()
        return parts

    def add(self, kind: SegmentKind, caption: str, pause_ms: int, chapter: str | None = None) -> None:
        parts: list[tuple[str, str]] = []
        for head, text in self.fit(caption):
            if _SPEAKABLE.search(text):
                parts.append((head, text))
            elif parts:
                # Nothing to say (a lone "." or emoji), but the transcript keeps every written character.
                glue = "" if head[0] in _CLOSING else " "
                parts[-1] = (parts[-1][0] + glue + head, parts[-1][1])
        for number, (head, text) in enumerate(parts, 1):
            pause = pause_ms if number == len(parts) else self.options.pause_clause_ms
            self.drafts.append(_Draft(kind, text, head, pause, chapter if number == 1 else None))

    def lengthen_last_pause(self, pause_ms: int) -> None:
        if self.drafts:
            self.drafts[-1].pause_ms = max(self.drafts[-1].pause_ms, pause_ms)

    def segments(self, title: str) -> list[Segment]:
        if self.drafts:
            self.drafts[-1].pause_ms = 0
            # Podcast chapters should start at zero even without an intro.
            if self.drafts[0].chapter is None:
                self.drafts[0].chapter = title or "Introduction"
        return [Segment(index, d.kind, d.text, d.caption, d.pause_ms, d.chapter) for index, d in enumerate(self.drafts)]
