"""Markdown to an Article: a CommonMark parser's tokens mapped to headings, paragraphs, quotes, list items, tables.

markdown-it-py reads the Markdown (CommonMark, with GitHub's tables, strikethrough and task lists, and
footnotes); this module only says what each token is for a listener. Links are read as their text; images and
their captions (an emphasised line under the image), code, struck-out words, footnote references and notes,
and link reference definitions go. Raw HTML is read as its text (see rawhtml). A leading "# Title" is the
title, and front matter may give the title, author and date (see frontmatter).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from narrate.article import Article, Block
from narrate.errors import SourceError
from narrate.extract.assemble import build_article
from narrate.extract.byline import parse_date
from narrate.extract.canonical import canonical_address
from narrate.extract.frontmatter import declared_url, front_matter
from narrate.extract.language import language_code
from narrate.extract.rawhtml import html_text, inline_html
from narrate.extract.table import table_block

_MAX_NESTING = 100
"""How deep the parser reads nested quotes (a level each) and lists (two: the list and its item). It recurses, so
it must stop somewhere; it skips what lies deeper, and a text that has some is refused rather than read in part."""
_CONTAINERS = frozenset({"blockquote_open", "list_item_open", "footnote_open"})
"""Tokens that hold blocks: one opened at the deepest level has had its blocks skipped."""
_PARSER = (
    MarkdownIt("commonmark", {"maxNesting": _MAX_NESTING})
    .enable(["table", "strikethrough"])
    .use(footnote_plugin)
    .use(tasklists_plugin)
)
# Inline tokens never read: an image (its alt text describes a picture the listener cannot see) and a footnote
# marker.
_UNREAD = frozenset({"image", "footnote_ref"})
_SPACE_BEFORE_STOP = re.compile(r"\s+([.,;:!?])(?=\s|$)")


def extract_markdown(text: str, *, source: str | None = None, url: str | None = None) -> Article:
    """Read an article written in Markdown; ``url`` is where it was fetched from, if it was."""
    source = source or "the Markdown text"
    meta, blocks = read_markdown(text, source)
    title = meta.get("title")
    if not title and blocks and blocks[0].kind == "heading" and blocks[0].level == 1:
        title, blocks = blocks[0].text, blocks[1:]
    canonical, claimed = canonical_address(declared_url(meta), url)
    return build_article(
        title,
        blocks,
        source=source,
        author=meta.get("author"),
        published=parse_date(meta.get("date", "")),
        site=meta.get("site"),
        language=language_code(meta.get("lang") or meta.get("language")),
        canonical_url=canonical,
        claimed_url=claimed,
        summary=meta.get("description") or meta.get("summary"),
    )


def read_markdown(text: str, source: str = "the Markdown text") -> tuple[dict[str, str], list[Block]]:
    """The front matter and every block of ``text`` as read aloud, before the tidying all sources share.

    SourceError when quotes or lists nest past what the parser reads: it would drop their words silently.
    """
    meta, text = front_matter(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    tokens = _PARSER.parse(text)
    if any(token.type in _CONTAINERS and token.level >= _MAX_NESTING - 1 for token in tokens):
        raise SourceError(
            f"{source} nests quotes and lists deeper than the Markdown parser reads ({_MAX_NESTING} levels, "
            "two for each list): the words in there would be lost"
        )
    return meta, list(_blocks(tokens, text.split("\n")))


def _blocks(tokens: Sequence[Token], lines: list[str]) -> Iterator[Block]:
    """The blocks of a token stream. Inside a quote everything is quote; inside a list, list items by depth."""
    lists = quotes = heading = notes = 0
    rows: list[tuple[bool, list[str]]] | None = None  # the open table's rows: (written with a pipe, cells)
    after_image = False  # the paragraph just read ended with an image: an emphasised line now is its caption
    for token in tokens:
        kind = token.type
        if kind not in ("paragraph_open", "paragraph_close", "inline"):
            after_image = False
        if kind in ("footnote_block_open", "footnote_block_close"):
            notes += token.nesting  # the notes, gathered at the end, are not read (nor are their markers)
        elif notes or kind in ("fence", "code_block"):
            continue
        elif kind in ("bullet_list_open", "ordered_list_open", "bullet_list_close", "ordered_list_close"):
            lists += token.nesting
        elif kind in ("blockquote_open", "blockquote_close"):
            quotes += token.nesting
        elif kind in ("heading_open", "heading_close"):
            heading = int(token.tag[1:]) if token.nesting > 0 else 0
        elif kind == "table_open":
            rows = []
        elif kind == "tr_open" and rows is not None:
            rows.append((bool(token.map) and "|" in lines[token.map[0]], []))
        elif kind == "inline" and rows is not None:
            rows[-1][1].append(_words(_fragment(token.children or [])))
        elif kind == "table_close" and rows is not None:
            yield from _table(rows, lists, quotes)
            rows = None
        elif kind == "inline":
            parts = _lines(token.children or [])
            if after_image and parts and _emphasised(parts[0]):
                parts = parts[1:]
            after_image = bool(parts) and _image_only(parts[-1])
            text = _words("\n".join(_fragment(part) for part in _uncaptioned(parts)))
            if text:
                yield _block(text, lists, quotes, heading)
        elif kind == "html_block":
            text = _words(html_text(token.content))
            if text:
                yield _block(text, lists, quotes, 0)


def _block(text: str, lists: int, quotes: int, heading: int) -> Block:
    """A quote inside a quote, a list item inside a list (its level the depth), else a heading or a paragraph."""
    if quotes:
        return Block("quote", text)
    if lists:
        return Block("list_item", text, level=lists)
    if heading:
        return Block("heading", text, level=heading)
    return Block("paragraph", text)


def _table(rows: list[tuple[bool, list[str]]], lists: int, quotes: int) -> Iterator[Block]:
    """The table, and then as a paragraph what follows its last row written with a pipe.

    GitHub's tables take any line after them, up to a blank one, as a row; a line without a pipe is almost
    always the next paragraph with its blank line forgotten, so it is read as one.
    """
    end = next((index for index, (piped, _) in enumerate(rows) if not piped), len(rows))
    block = table_block([cells for _, cells in rows[:end]], header=True)
    if block is not None:
        yield block
    rest = _words(" ".join(" ".join(cells) for _, cells in rows[end:]))
    if rest:
        yield _block(rest, lists, quotes, 0)


def _lines(children: Sequence[Token]) -> list[list[Token]]:
    """The inline tokens of a block, line by line as written."""
    lines: list[list[Token]] = [[]]
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(child)
    return [line for line in lines if line]


def _image_only(line: list[Token]) -> bool:
    return any(t.type == "image" for t in line) and all(t.type == "image" or not t.content.strip() for t in line)


def _emphasised(line: list[Token]) -> bool:
    """Whether the whole line is one *emphasis*: an image's caption, when it stands under the image."""
    spoken = [t for t in line if t.type != "text" or t.content.strip()]
    if len(spoken) < 3 or spoken[0].type != "em_open" or spoken[-1].type != "em_close":
        return False
    depth = 0
    for t in spoken[:-1]:
        depth += t.nesting if t.type in ("em_open", "em_close") else 0
        if depth == 0:
            return False  # the first emphasis closes before the line ends: "*a* and *b*"
    return True


def _uncaptioned(lines: list[list[Token]]) -> Iterator[list[Token]]:
    """The lines without an emphasised one right under an image."""
    for index, line in enumerate(lines):
        if not (index and _image_only(lines[index - 1]) and _emphasised(line)):
            yield line


def _fragment(children: Sequence[Token]) -> str:
    """Inline tokens as HTML: words escaped, raw HTML as written, what is not read left out."""
    parts: list[str] = []
    struck = 0
    for child in children:
        if child.type in ("s_open", "s_close"):
            struck += child.nesting  # struck-out words were deleted by the author
        elif struck or child.type in _UNREAD or child.nesting:
            continue
        elif child.type == "html_inline":
            parts.append(inline_html(child.content))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        else:
            parts.append(html.escape(child.content, quote=False))  # text, code spans, autolinks' text
    return html_text("".join(parts))


def _words(text: str) -> str:
    """Whitespace collapsed, and no space left before a full stop where an image was ("a chart ![img](x).")."""
    return " ".join(_SPACE_BEFORE_STOP.sub(r"\1", text).split())
