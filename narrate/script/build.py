"""The speech script: what the voice says, segment by segment, with pauses and chapter marks.

Contract (used by the pipeline, the audio assembly and the transcript):

- ``build_script(article, options) -> Script`` is pure: no I/O, no engine calls.
- Segments are in speaking order: intro segments first, then the body, then the outro.
- ``Segment.text`` is the normalised speech text given to the engine (never longer than
  ``options.max_chars``); ``Segment.caption`` is the same sentence as a reader sees it
  (original spelling), used for the WebVTT transcript.
- ``Segment.chapter`` is set on the first segment of a chapter (the intro, and each heading).

What is read, and how (extraction, narrate/extract, has already left out what is never read):

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
  standfirsts under the headline (the show notes carry them); embedded posts (tweets and the like),
  except one introduced by a lead-in ending in a colon, which is part of the argument and is read
  as a block quote; press-release boilerplate after "###"; the author's note under the article.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from narrate.article import Article, Block
from narrate.errors import ConfigError, EmptyArticleError
from narrate.script.lexicon import DEFAULT_LEXICON, lexicon_replacer
from narrate.script.normalize import MONTH_NAMES, normalize
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


TEMPLATE_FIELDS = ("title", "author", "site", "date", "feed", "byline", "from_site")
QUOTE_START = "Quote."
QUOTE_END = "End quote."
TABLE_START = "Table."
TABLE_END = "End of table."
TABLE_MAX_ROWS = 8
"""Tables with more rows (not counting the header) are announced, not read: nobody follows 12 rows by ear."""
TABLE_MAX_COLUMNS = 4
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

    intro = split_sentences(render_template(options.intro_template, fields, "intro"))
    for number, sentence in enumerate(intro, 1):
        chapter = (fields["title"] or "Introduction") if number == 1 else None
        last = number == len(intro)
        writer.add("intro", sentence, options.pause_intro_ms if last else options.pause_sentence_ms, chapter)

    _read_body(writer, article.blocks)
    if not any(draft.kind == "body" for draft in writer.drafts):
        raise EmptyArticleError(f"the article {article.title!r} has no text to read aloud")

    writer.lengthen_last_pause(options.pause_intro_ms)
    for sentence in split_sentences(render_template(options.outro_template, fields, "outro")):
        writer.add("outro", sentence, options.pause_sentence_ms)
    return Script(title=article.title, language=options.language, segments=writer.segments(fields["title"]))


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


def table_sentences(block: Block) -> list[str]:
    """What is said for a table block, sentence by sentence (see the module docstring)."""
    lines = block.text.split("\n")
    caption = ""
    if len(lines) > 1 and "\t" not in lines[0] and any("\t" in line for line in lines[1:]):
        caption, lines = lines[0], lines[1:]
    rows = [line.split("\t") for line in lines]
    header = rows.pop(0) if block.level and len(rows) > 1 else []
    said = [TABLE_START] + ([caption] if caption else [])
    if len(rows) > TABLE_MAX_ROWS or max(len(row) for row in rows) > TABLE_MAX_COLUMNS:
        noun = "row" if len(rows) == 1 else "rows"
        return said + [f"This table, with {len(rows)} {noun}, is not read aloud; see the article."]
    sentences = [_row_sentence(row, header) for row in rows]
    return said + [sentence for sentence in sentences if sentence] + [TABLE_END]


def _row_sentence(cells: list[str], header: list[str]) -> str:
    """ "2023: Cases filed, 18,400; With a lawyer, 3%." with column names, "A; B; C." without."""
    cells = [cell.strip() for cell in cells]
    if header:
        label = cells[0]
        pairs = [
            f"{name.strip()}, {cell}" if name.strip() else cell
            for name, cell in zip(header[1:] + [""] * len(cells), cells[1:])
            if _SPEAKABLE.search(cell)
        ]
        sentence = "; ".join(pairs)
        if label:
            sentence = f"{label}: {sentence}" if sentence else label
    else:
        sentence = "; ".join(cell for cell in cells if _SPEAKABLE.search(cell))
    if sentence and not _TERMINAL.search(sentence):
        sentence += "."
    return sentence


def _check(options: ScriptOptions) -> None:
    if options.max_chars < MIN_CHARS:
        raise ConfigError(f"max_chars must be at least {MIN_CHARS}, got {options.max_chars}")
    for name in ("pause_sentence_ms", "pause_paragraph_ms", "pause_heading_ms", "pause_intro_ms", "pause_clause_ms"):
        if getattr(options, name) < 0:
            raise ConfigError(f"{name} must not be negative, got {getattr(options, name)}")


# -- templates -------------------------------------------------------------------------------------

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


# -- sentences -------------------------------------------------------------------------------------

# A full stop, question or exclamation mark (and closing quotes or brackets) followed by a space.
_SENTENCE_END = re.compile(r"(?<!\S)(\S*?)([.!?\u2026]+)([\"'\u201d\u2019\u00bb)\]]*)\s+(?=(\S))")
_NEVER_ENDS = frozenset(
    "mr mrs ms dr prof sen sens rep reps gov gen lt col capt sgt rev hon pres st mt ft jr sr vs v cf e.g i.e approx"
    " adm maj msgr supt h.res s.res h.j.res s.j.res h.con.res s.con.res".split()
)
_ENDS_UNLESS_NUMBER = frozenset("no nos pp p vol fig ca jan feb mar apr jun jul aug sep sept oct nov dec".split())
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_OPENERS = "\"'([{\u201c\u2018\u00ab"


def _ends_sentence(word: str, stop: str, following: str) -> bool:
    if "\u2026" in stop or ".." in stop or following.islower():
        return False
    if "!" in stop or "?" in stop:
        return True
    word = word.lstrip(_OPENERS)
    lowered = word.lower()
    if lowered in _NEVER_ENDS or (len(word) == 1 and word.isalpha()):
        return False
    if lowered in _ENDS_UNLESS_NUMBER:
        return not following.isdigit()
    if _INITIALISM.fullmatch(word):
        # "U.S. Senate" goes on; "at 5 p.m. The meeting" ends.
        return word.islower()
    return True


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as written, in order; abbreviations, initials, decimals and ellipses do not end one."""
    sentences = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        word, stop, _, following = match.groups()
        if _ends_sentence(word, stop, following):
            sentences.append(text[start : match.end(3)].strip())
            start = match.end()
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


# -- fitting sentences into engine calls -----------------------------------------------------------

# Where a too-long sentence may be cut, best first; each cut goes after the matched text.
_CUTS = [
    re.compile(r";\s"),
    re.compile(r":\s"),
    re.compile(r",\s"),
    re.compile(r"\s?[\u2014\u2013]\s?|\s--?\s"),
    re.compile(r"\s"),
]
_TERMINAL = re.compile(r"[.!?][\"')\]}]*$")
_LEAD_IN = re.compile(r":[\"'\u201d\u2019)\]]*$")
_SPEAKABLE = re.compile(r"\w")
_CLOSING = ".,;:!?)]}\"'\u201d\u2019\u2026"


def _cut_point(text: str, budget: int) -> int:
    """Where to cut ``text`` so the head is at most ``budget`` characters: the best boundary, else a hard cut."""
    window = text[: budget + 1]
    for rank, boundary in enumerate(_CUTS):
        ends = [m.end() if rank < len(_CUTS) - 1 else m.start() for m in boundary.finditer(window)]
        ends = [end for end in ends if 0 < end <= budget]
        # A weaker boundary near the budget beats a strong one that leaves a tiny head.
        good = [end for end in ends if end >= budget // 3]
        if good:
            return good[-1]
        if rank == len(_CUTS) - 1 and ends:
            return ends[-1]
    return max(1, budget)


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
        return [
            Segment(index, d.kind, d.text, d.caption, d.pause_ms, d.chapter) for index, d in enumerate(self.drafts)
        ]
