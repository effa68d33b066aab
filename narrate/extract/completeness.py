"""The completeness guard: never publish a fragment of a web page as its article without a word to anyone.

narrate's reading of a page (extract_html) is compared with a second reading of the same page: trafilatura alone,
told to prefer more text when unsure (favor_recall). When narrate's reading is much shorter:

- the second reading is taken when it is clean: it holds narrate's text, and what it adds is prose, with none of
  the lines narrate's own rules take for page furniture (menus, share bars, "Related", "About the author",
  "Notes", captions with credits...);
- otherwise the episode is held for review with the reason, and staff approve it, correct it, or force it through.

Sources other than HTML have no second reading to compare with, and pass as they are.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from narrate.article import Article, Block
from narrate.errors import EmptyArticleError, SourceError
from narrate.extract.assemble import BODY_KINDS, build_article
from narrate.extract.blocktext import clean_block_text
from narrate.extract.decode import decode_bytes
from narrate.extract.furniture import (
    is_about_author,
    is_furniture,
    is_menu_line,
    is_reference_section,
    is_section_header,
)
from narrate.extract.source import Document

if TYPE_CHECKING:
    from lxml.etree import _Element

SHINGLE_WORDS = 4
"""Word shingles compare two readings whatever their blocks and spacing."""
MUCH_SHORTER = 0.6
"""narrate's reading is a fragment when it has less than this share of the second reading's words..."""
MIN_MISSING_WORDS = 60
"""...and misses at least this many words: on a short page a small difference is not a lost article."""
HOLDS_NARRATE = 0.9
"""A second reading worth taking holds at least this share of narrate's shingles: it reads the same article."""
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Verdict:
    """What the guard decided about one reading of a page."""

    article: Article
    """What to render: narrate's reading, or the fuller second reading when that was taken."""
    hold: str | None = None
    """Why the episode waits for staff ("needs review"); None when it may be rendered."""
    notice: str | None = None
    """What staff should know about a reading that was changed (the fuller one taken), recorded on the episode."""


def check_completeness(document: Document, article: Article) -> Verdict:
    """Compare narrate's reading ``article`` of ``document`` with a second reading (see the module's docstring)."""
    if document.kind != "html":
        return Verdict(article)
    html = decode_bytes(document.data, declared=document.charset, markup=True)
    return compare_readings(article, second_reading(html, document.url))


def compare_readings(article: Article, second: list[Block]) -> Verdict:
    """The verdict on narrate's reading ``article`` against the blocks of a second reading of the same page."""
    ours = _words(article.body_text)
    theirs = _words("\n".join(block.text for block in second))
    if len(ours) >= MUCH_SHORTER * len(theirs) or len(theirs) - len(ours) < MIN_MISSING_WORDS:
        return Verdict(article)
    measure = f"narrate's reading of the page has {len(ours)} of the {len(theirs)} words a second reading finds"
    problem = _unclean(article, ours, theirs, second)
    if problem:
        return Verdict(article, hold=f"{measure}, and that reading {problem}")
    try:
        fuller = _as_article(article, second)
    except EmptyArticleError:
        return Verdict(article, hold=f"{measure}, and that reading has no article text of its own")
    kept = len(_words(fuller.body_text))
    if kept < len(theirs) * HOLDS_NARRATE:
        return Verdict(
            article,
            hold=f"{measure}, and narrate's rules would cut that one too, to {kept} words",
        )
    return Verdict(
        fuller,
        notice=f"{measure}: the second, fuller reading ({kept} words) is read instead",
    )


def second_reading(html: str, url: str | None = None) -> list[Block]:
    """trafilatura's own reading of the page, preferring more text when unsure, as blocks (tables left out)."""
    import trafilatura  # only web pages have a second reading: text and Markdown sources never load it

    tree = trafilatura.load_html(html) if html.strip() else None
    if tree is None:
        return []
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_recall=True,
        output_format="xml",
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=False,
    )
    if document is None or document.body is None:
        return []
    return [block for block in _blocks(document.body) if block.text]


def corrected_article(article: Article, text: str) -> Article:
    """``article`` with its body replaced by staff's corrected ``text``: paragraphs apart by blank lines (or, with
    none, one a line); a paragraph of one line starting with "#" is a heading. Metadata stays as it was."""
    chunks = re.split(r"\n\s*\n", text.strip()) if re.search(r"\n\s*\n", text) else text.strip().splitlines()
    blocks = []
    for chunk in chunks:
        line = " ".join(chunk.split())
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading and "\n" not in chunk.strip():
            blocks.append(Block("heading", clean_block_text(heading.group(1)), level=2))
        elif line:
            blocks.append(Block("paragraph", clean_block_text(line)))
    blocks = [block for block in blocks if block.text]
    if not any(block.kind in BODY_KINDS for block in blocks):
        raise SourceError("the corrected text has no article text")
    return dataclasses.replace(article, blocks=blocks)


def _unclean(article: Article, ours: list[str], theirs: list[str], second: list[Block]) -> str | None:
    """Why the second reading cannot simply replace narrate's: what it lacks, or the furniture it adds."""
    if any(block.kind == "table" for block in article.blocks):
        return "leaves out the tables narrate's reading has"
    own = _shingles(ours)
    if own and len(own & _shingles(theirs)) < HOLDS_NARRATE * len(own):
        return "does not hold narrate's own text: the two readings disagree"
    said = f" {' '.join(ours)} "
    for block in second:
        if f" {' '.join(_words(block.text))} " in said:
            continue  # narrate read it too
        text = block.text
        if (
            is_furniture(text)
            or is_menu_line(text)
            or (
                block.kind != "list_item"
                and (is_section_header(text) or is_reference_section(text) or is_about_author(text))
            )
        ):
            return f"has lines narrate leaves out as page furniture ({_quoted(text)})"
    return None


def _as_article(article: Article, second: list[Block]) -> Article:
    """The second reading with narrate's metadata, through narrate's own rules (the headline, bylines...)."""
    return build_article(
        article.title,
        second,
        source="the second reading",
        author=article.author,
        published=article.published,
        site=article.site,
        language=article.language,
        canonical_url=article.canonical_url,
        claimed_url=article.claimed_url,
        summary=article.summary,
    )


def _blocks(body: _Element) -> list[Block]:
    """trafilatura's XML body as blocks: headings, paragraphs, quotes and list items, in reading order."""
    blocks: list[Block] = []
    for element in body:
        if element.tag == "head":
            blocks.append(Block("heading", _text(element), level=2))
        elif element.tag == "p":
            blocks.append(Block("paragraph", _text(element)))
        elif element.tag == "quote":
            blocks.append(Block("quote", _text(element)))
        elif element.tag == "list":
            blocks.extend(Block("list_item", _text(item), level=1) for item in element.iter("item"))
        elif element.tag not in ("table", "graphic", "code") and len(element):
            blocks.extend(_blocks(element))
        elif (element.text or "").strip():
            blocks.append(Block("paragraph", _text(element)))
    return blocks


def _text(element: _Element) -> str:
    """The element's own words, not those of lists nested in it (their items are blocks of their own)."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != "list":
            parts.append(_text(child))
        parts.append(child.tail or "")
    return clean_block_text(" ".join("".join(parts).split()))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE_WORDS:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def _quoted(text: str) -> str:
    return f"“{text}”" if len(text) <= 60 else f"“{text[:59]}…”"
