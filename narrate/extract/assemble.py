"""From candidate blocks and metadata to an Article: the tidying every kind of source shares."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from narrate.article import Article, Block
from narrate.errors import EmptyArticleError
from narrate.extract.blocktext import clean_block_text, clean_table_text
from narrate.extract.byline import Byline, date_line, is_person_name, parse_byline
from narrate.extract.controls import without_invisible
from narrate.extract.furniture import (
    is_about_author,
    is_citation,
    is_furniture,
    is_menu_line,
    is_reference_section,
    is_section_header,
)
from narrate.extract.language import article_language
from narrate.extract.title import is_heading_line, same_text, title_from_sentence

BODY_KINDS = frozenset({"paragraph", "quote", "list_item"})
UNTITLED = "Untitled article"
"""The title of an article whose text has no sentence with a word in it to make one from."""
TITLE_MAX_CHARS = 300
"""Longer titles are cut: the intro and the outro both say the title."""
AUTHOR_MAX_CHARS = 200
"""An author line any longer is no byline; the intro says it."""
# A title needs something to say: a letter or a digit, in any script.
_SPEAKABLE = re.compile(r"[^\W_]")
# Bylines stand among the first few blocks; further down, "By ..." is body text.
_BYLINE_WINDOW = 4
# An author's bio after the name line is short: a job title and a sentence or two.
_BIO_BLOCKS = 3
# A press release ends at "###" or "-30-"; what follows is boilerplate about the sender.
_END_MARK = re.compile(r"^(?:#\s*#\s*#|-\s*#{3}\s*-|-\s*30\s*-)$")
# "Dana Whitfield covers housing...", "Keisha Ramsey is a nurse...": the author's one-line note under the article.
_AUTHOR_NOTE_VERBS = re.compile(
    r"^(?:is|was|covers|writes|reports|edits|leads|directs|manages|serves|works|teaches|studies|has)\b"
)
_AUTHOR_NOTE_MAX_WORDS = 60
# A pull quote repeats a short passage; most of its words, not only "the" and "of", are in the body.
_PULL_QUOTE_MAX_WORDS = 40
_PULL_QUOTE_MIN_WORDS = 4
_PULL_QUOTE_SHARE = 0.8
_FUNCTION_WORDS = frozenset(
    "a an the and or but of to in on at by for from with as is are was were be been it its this that these those "
    "he she they we you i his her their our your my not no so if than then there here who which what".split()
)


def build_article(
    title: str | None,
    blocks: list[Block],
    *,
    source: str,
    author: str | None = None,
    published: dt.date | None = None,
    guessed_published: dt.date | None = None,
    site: str | None = None,
    language: str | None = None,
    canonical_url: str | None = None,
    claimed_url: str | None = None,
    summary: str | None = None,
) -> Article:
    """Clean the blocks, drop what surrounds the article, fill in what the body tells, and check it is not empty.

    ``title`` None means: make one from the first sentence. ``guessed_published`` is a date found
    somewhere in the page's text: used only when neither the metadata nor a byline states one.
    """
    blocks = _cleaned(_before_end_mark(blocks))
    blocks, boxed_author = _without_sections(blocks)
    blocks, byline = _without_bylines(blocks)
    author = author or byline.author
    published = published or byline.published or guessed_published
    _require_text(blocks, source)
    title = _shortened(" ".join(without_invisible(title or "").split()))
    if _SPEAKABLE.search(title):
        blocks = _without_repeated_title(blocks, title)
    else:
        title = _title_from_body(blocks)
    blocks, signed_author = _without_author_tail(blocks, author)
    blocks = _without_author_note(blocks, author or signed_author)
    blocks = _without_pull_quotes(_without_repeats(_trimmed(blocks)))
    _require_text(blocks, source)
    body = "\n".join(block.text for block in blocks)
    return Article(
        title=title,
        blocks=blocks,
        author=_clean(author or signed_author or boxed_author),
        published=published,
        site=_clean(site),
        language=article_language(language, body),
        canonical_url=_clean(canonical_url),
        claimed_url=_clean(claimed_url),
        summary=_clean(summary),
    )


def _clean(value: str | None) -> str | None:
    return " ".join(without_invisible(value).split()) or None if value else None


def _shortened(title: str) -> str:
    """A title of at most TITLE_MAX_CHARS, cut after a word: a page's 10,000-character <title> is no headline."""
    if len(title) <= TITLE_MAX_CHARS:
        return title
    head = title[: TITLE_MAX_CHARS - 1]
    cut = head.rfind(" ")
    return (head[:cut] if cut > TITLE_MAX_CHARS // 2 else head).rstrip(" ,;:.-") + "\u2026"


def _title_from_body(blocks: list[Block]) -> str:
    """A title from the first sentence that has a word in it: "- - -" or "!!!" would make an empty title."""
    for block in blocks:
        if block.kind in BODY_KINDS:
            title = title_from_sentence(block.text)
            if _SPEAKABLE.search(title):
                return title
    return UNTITLED


def _require_text(blocks: list[Block], source: str) -> None:
    if not any(block.kind in BODY_KINDS for block in blocks):
        raise EmptyArticleError(f"no article text found in {source}")


def _before_end_mark(blocks: list[Block]) -> list[Block]:
    for index, block in enumerate(blocks):
        if index and _END_MARK.match(block.text.strip()):
            return blocks[:index]
    return blocks


def _cleaned(blocks: list[Block]) -> list[Block]:
    kept = []
    for block in blocks:
        if block.kind == "table":
            text = clean_table_text(block.text)
            if text:
                kept.append(dataclasses.replace(block, text=text))
            continue
        text = clean_block_text(block.text)
        if text and not is_furniture(text):
            kept.append(dataclasses.replace(block, text=text))
    return kept


def _is_teaser(block: Block) -> bool:
    """A line of a teaser list: a list item, a headline-like line, or a date."""
    return block.kind == "list_item" or is_heading_line(block.text) or date_line(block.text) is not None


def _without_sections(blocks: list[Block]) -> tuple[list[Block], str | None]:
    """Drop "Related content"-style sections (the heading and its teaser lines); stop at "About the author".

    Skipping ends at the first sentence: better to read a teaser's blurb than to lose the article's text.
    """
    kept: list[Block] = []
    skipping = False
    in_references = False
    header: Block | None = None
    for index, block in enumerate(blocks):
        if block.kind != "list_item" and is_about_author(block.text):
            names = [b.text for b in blocks[index + 1 : index + 3] if is_person_name(b.text)]
            return kept, names[0] if names else None
        if block.kind in ("heading", "paragraph") and is_reference_section(block.text):
            in_references = True  # notes, sources, "Cite this": until the next heading
            header = block
            continue
        if in_references and block.kind != "heading":
            if is_citation(block.text):
                continue
            # "Notes:" over prose ("Notice the attribute we added...") is the article's own aside, not its
            # apparatus: ending the article there cut off everything after it.
            if header is not None:
                kept.append(header)
        in_references = False
        header = None
        if block.kind != "list_item" and is_section_header(block.text):
            skipping = True
            continue
        if skipping and _is_teaser(block):
            continue
        skipping = False
        kept.append(block)
    return kept, None


def _without_bylines(blocks: list[Block]) -> tuple[list[Block], Byline]:
    author: str | None = None
    published: dt.date | None = None
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        if index < _BYLINE_WINDOW and block.kind in ("paragraph", "heading"):
            byline = parse_byline(block.text)
            when = byline.published if byline else date_line(block.text)
            if byline or when:
                author = author or (byline.author if byline else None)
                published = published or when
                continue
        kept.append(block)
    return kept, Byline(author, published)


def _without_repeated_title(blocks: list[Block], title: str) -> list[Block]:
    """Drop the headline where the article starts, after any menu lines above it."""
    for index, block in enumerate(blocks):
        if block.kind in ("heading", "paragraph") and same_text(block.text, title):
            return blocks[:index] + blocks[index + 1 :]
        if block.kind == "quote" or not is_menu_line(block.text):
            break
    return blocks


def _without_author_tail(blocks: list[Block], author: str | None) -> tuple[list[Block], str | None]:
    """Cut the author's sign-off at the end: the name (often twice), a job title and a short bio."""
    body_seen = False
    for index, block in enumerate(blocks):
        if block.kind in BODY_KINDS and not body_seen:
            body_seen = True
            continue
        if not body_seen or block.kind == "list_item":
            continue
        name = _signed_name(block.text)
        if name is None:
            continue
        rest = blocks[index + 1 :]
        repeated = bool(rest) and same_text(rest[0].text, block.text)
        if (author and same_text(name, author)) or repeated or _is_bio(name, rest):
            return blocks[:index], name
    return blocks, None


def _signed_name(text: str) -> str | None:
    if is_person_name(text):
        return text
    byline = parse_byline(text) if text[:3].lower() == "by " else None
    return byline.author if byline else None


def _is_bio(name: str, rest: list[Block]) -> bool:
    """Nothing after the name, or a few lines of which one speaks about that person."""
    if len(rest) > _BIO_BLOCKS:
        return False
    first_name, last_name = name.split()[0], name.split()[-1]
    openers = (first_name + " ", last_name + " ", "He ", "She ", "They ")
    return not rest or any(block.text.startswith(openers) for block in rest)


def _without_author_note(blocks: list[Block], author: str | None) -> list[Block]:
    """Drop the author's note that closes many articles: "Jane Doe covers housing for the Ledger. Reach her at..." """
    if not author or not blocks or blocks[-1].kind != "paragraph":
        return blocks
    text = blocks[-1].text
    names = [name.strip() for name in re.split(r",\s*|\s+and\s+", author) if name.strip()]
    for name in names:
        rest = text[len(name) :].lstrip() if text.startswith(name + " ") else ""
        if _AUTHOR_NOTE_VERBS.match(rest) and len(text.split()) <= _AUTHOR_NOTE_MAX_WORDS:
            return blocks[:-1]
    return blocks


def _without_pull_quotes(blocks: list[Block]) -> list[Block]:
    """Drop a short quote or paragraph whose words a longer block of the body already says: a pull quote."""
    holders: dict[str, list[int]] = {}  # content word -> the body blocks that use it, so the cost stays linear
    words = [_content_words(block.text) for block in blocks]
    for index, block in enumerate(blocks):
        if block.kind in BODY_KINDS:
            for word in words[index]:
                holders.setdefault(word, []).append(index)
    return [block for index, block in enumerate(blocks) if not _is_repeated(index, blocks, words, holders)]


def _is_repeated(index: int, blocks: list[Block], words: list[set[str]], holders: dict[str, list[int]]) -> bool:
    block, own = blocks[index], words[index]
    if block.kind not in ("quote", "paragraph") or len(block.text.split()) > _PULL_QUOTE_MAX_WORDS:
        return False
    if len(own) < _PULL_QUOTE_MIN_WORDS:
        return False
    shared: dict[int, int] = {}
    for word in own:
        for other in holders.get(word, []):
            if other != index and len(blocks[other].text) > len(block.text):
                shared[other] = shared.get(other, 0) + 1
    # A pull quote lifts a passage, so it opens with the passage's words. A line that opens with words of its own
    # ("The Square is currently streaming on Hulu...") beside a longer one ("Ingrid Goes West is currently
    # streaming on Hulu...") is one line of a template, each saying something new: a list of films, each with
    # where to watch it, lost most of those lines.
    first = _first_content_word(block.text)
    return any(
        count >= _PULL_QUOTE_SHARE * len(own) and first in words[other] for other, count in shared.items()
    )


def _first_content_word(text: str) -> str:
    return next((word for word in re.findall(r"\w+", text.casefold()) if word not in _FUNCTION_WORDS), "")


def _content_words(text: str) -> set[str]:
    return {word for word in re.findall(r"\w+", text.casefold()) if word not in _FUNCTION_WORDS}


def _trimmed(blocks: list[Block]) -> list[Block]:
    """Menu lines before the article, and headings or menu lines with no text after them."""
    start = 0
    while start < len(blocks) and blocks[start].kind != "quote" and is_menu_line(blocks[start].text):
        start += 1
    end = len(blocks)
    while end > start and (blocks[end - 1].kind == "heading" or is_menu_line(blocks[end - 1].text)):
        end -= 1
    return blocks[start:end]


def _without_repeats(blocks: list[Block]) -> list[Block]:
    kept: list[Block] = []
    for block in blocks:
        if kept and kept[-1].kind == block.kind and kept[-1].text == block.text:
            continue
        kept.append(block)
    return kept
