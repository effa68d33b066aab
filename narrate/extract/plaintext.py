"""Plain text, typically copied or scraped from a web page, to an Article.

Paragraphs are separated by blank lines. "- ", "* ", "• " and "1. " start list items, ">" starts a
quote, and short lines without final punctuation are headings. Before the first paragraph stand the
page's menus, the title and the byline; after the last come the author's sign-off and teaser lists.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from narrate.article import Article, Block, BlockKind
from narrate.extract.assemble import build_article
from narrate.extract.byline import date_line, parse_byline
from narrate.extract.furniture import is_furniture, is_menu_line
from narrate.extract.title import is_heading_line

_LIST_ITEM = re.compile(r"^(?:[-*•‣◦▪]|\d{1,3}[.)])\s+(?P<text>\S.*)$")
_QUOTE = re.compile(r"^>+\s?(?P<text>.*)$")
_ENDS_SENTENCE = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_WRAPPED_LINE = 60
"""A line at least this long that stops mid-sentence is wrapped, not a heading."""


@dataclass
class _Piece:
    """A block in the making: lines are added to it until a blank line or a new block starts."""

    kind: BlockKind
    text: str
    level: int = 0


def extract_text(text: str, *, source: str | None = None) -> Article:
    """Read an article from plain text; see the module docstring for the shape expected."""
    pieces = _pieces(text)
    start = _body_start(pieces)
    title, author, published, kept = _read_header(pieces[:start])
    blocks = [_block(piece) for piece in kept + pieces[start:]]
    return build_article(title, blocks, source=source or "the text", author=author, published=published)


def _pieces(text: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    joinable = False  # may the next line continue the last piece?
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            joinable = False
            continue
        indent = len(raw) - len(raw.lstrip())
        last = pieces[-1] if pieces and joinable else None
        quote = _QUOTE.match(line)
        item = _LIST_ITEM.match(line)
        if quote:
            content = quote.group("text").strip()
            if last and last.kind == "quote":
                last.text += " " + content
            elif content:
                pieces.append(_Piece("quote", content))
            joinable = bool(content)
        elif item:
            pieces.append(_Piece("list_item", item.group("text"), level=1 + min(indent // 2, 5)))
            joinable = True
        elif last and last.kind != "quote" and _continues(last.text, line) and not _stands_alone(last.text, line):
            last.text += " " + line
        else:
            pieces.append(_Piece("paragraph", line))
            joinable = True
    return pieces


def _continues(previous: str, line: str) -> bool:
    """Is ``line`` the rest of a sentence wrapped onto a new line?"""
    if _ENDS_SENTENCE.search(previous):
        return False
    if line[0].islower():
        return True
    return len(previous) >= _WRAPPED_LINE and not _title_case(previous)


def _stands_alone(previous: str, line: str) -> bool:
    """A teaser, caption or button line is never half of a wrapped sentence, whatever its punctuation."""
    return is_furniture(previous) or is_furniture(line)


def _title_case(text: str) -> bool:
    long_words = [w for w in text.split() if len(w) >= 4]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)


def _is_byline(text: str) -> bool:
    return parse_byline(text) is not None or date_line(text) is not None


def _is_header_line(piece: _Piece, previous: _Piece | None, following: _Piece | None) -> bool:
    """Lines that may stand before the first paragraph: menus, the title, a standfirst, bylines."""
    text = piece.text
    if piece.kind != "paragraph":
        return False
    if is_furniture(text) or is_menu_line(text) or is_heading_line(text) or _is_byline(text):
        return True
    if following is None or not _is_byline(following.text):
        return False
    # A long headline is still a headline when the byline comes right under it; a sentence between
    # the headline and the byline is the standfirst.
    return not _ENDS_SENTENCE.search(text) or previous is not None and is_heading_line(previous.text)


def _body_start(pieces: list[_Piece]) -> int:
    for index, piece in enumerate(pieces):
        previous = pieces[index - 1] if index else None
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        if not _is_header_line(piece, previous, following):
            return index
    return len(pieces)


def _read_header(header: list[_Piece]) -> tuple[str | None, str | None, dt.date | None, list[_Piece]]:
    """Title, author and date from the lines before the first paragraph, and the headings to keep."""
    author: str | None = None
    published: dt.date | None = None
    headings: list[int] = []
    standfirsts: list[int] = []
    first_byline: int | None = None
    for index, piece in enumerate(header):
        text = piece.text
        if is_furniture(text) or is_menu_line(text):
            continue
        byline = parse_byline(text)
        when = byline.published if byline else date_line(text)
        if byline or when:
            author = author or (byline.author if byline else None)
            published = published or when
            first_byline = index if first_byline is None else first_byline
        elif _ENDS_SENTENCE.search(text):
            standfirsts.append(index)  # the summary under the headline: read right after the title
        else:
            headings.append(index)  # a header line that is neither furniture nor byline is heading-like
    if not headings:
        return None, author, published, [header[i] for i in standfirsts]
    # A byline follows the title; anything heading-like above the title is a kicker or a menu.
    before_byline = [i for i in headings if first_byline is not None and i < first_byline]
    title_index = before_byline[-1] if before_byline else headings[0]
    kept = [header[i] for i in sorted(headings + standfirsts) if i > title_index]
    return header[title_index].text, author, published, kept


def _block(piece: _Piece) -> Block:
    if piece.kind == "paragraph" and is_heading_line(piece.text):
        return Block("heading", piece.text, level=2)
    return Block(piece.kind, piece.text, level=piece.level)
