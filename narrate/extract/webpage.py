"""An HTML page to an Article, with trafilatura finding the article and its metadata.

trafilatura's XML body keeps the structure we need: <head rend="h2">, <p>, <quote>, <list>/<item>.
"""

from __future__ import annotations

import datetime as dt
import re

import trafilatura
from lxml.etree import _Element
from lxml.html import HtmlElement

from narrate.article import Article, Block
from narrate.errors import EmptyArticleError
from narrate.extract.assemble import build_article
from narrate.extract.byline import join_names
from narrate.extract.decode import decode_bytes
from narrate.extract.language import language_code
from narrate.extract.title import same_text

# Footnote lists are references, not something to read aloud between the last paragraph and the outro.
_PRUNE = [
    "//*[contains(@class, 'footnotes') or contains(@class, 'endnotes')]",
    "//*[@role='doc-endnotes' or @role='doc-footnote' or @role='doc-noteref']",
]
_NOTE_MARKER = re.compile(r"^\s*\[?(?:\d{1,3}|[*†‡§]+|[ivx]{1,4})\]?\s*$")
_XML_NAMESPACE_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def extract_html(html: str | bytes, url: str | None = None, *, source: str | None = None) -> Article:
    """Read the article of an HTML page; ``url`` is where it came from (for metadata)."""
    source = source or url or "the HTML page"
    text = decode_bytes(html, markup=True) if isinstance(html, bytes) else html
    tree = trafilatura.load_html(text) if text.strip() else None
    if tree is None:
        raise EmptyArticleError(f"no article text found in {source}")
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        output_format="xml",  # keep the body as a tree; the default also renders plain text we do not use
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=True,  # keeps <sup> apart, so note markers can be told from the words
        prune_xpath=_PRUNE,
        # Only dates the page states as such: the extensive search guesses from "© 2024" footers.
        date_extraction_params={
            "original_date": True,
            "extensive_search": False,
            "max_date": dt.date.today().isoformat(),
        },
    )
    if document is None or document.body is None:
        raise EmptyArticleError(f"no article text found in {source}")
    blocks = _blocks(document.body)
    title = document.title
    if blocks and blocks[0].kind == "heading" and (not title or _starts_with(title, blocks[0].text)):
        title = blocks[0].text  # the page's own headline, without the " | Site name" of <title>
    return build_article(
        title,
        blocks,
        source=source,
        author=_authors(document.author),
        published=_date(document.date),
        site=document.sitename or None,
        language=_declared_language(tree),
        canonical_url=document.url or url,
        summary=document.description or None,
    )


def _blocks(body: _Element) -> list[Block]:
    blocks: list[Block] = []
    for element in body:
        tag = element.tag
        if tag == "head":
            rend = element.get("rend", "")
            level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
            blocks.append(Block("heading", _text(element), level=level))
        elif tag == "p":
            blocks.append(Block("paragraph", _text(element)))
        elif tag == "quote":
            paragraphs = [child for child in element if child.tag == "p"]
            blocks.extend(Block("quote", _text(part)) for part in paragraphs or [element])
        elif tag == "list":
            blocks.extend(_list_items(element, level=1))
        elif tag in ("code", "table", "graphic", "lb"):
            continue  # read aloud, code and tables are noise; images have no words
        elif len(element):
            blocks.extend(_blocks(element))
        elif (element.text or "").strip():
            blocks.append(Block("paragraph", _text(element)))
    return [block for block in blocks if block.text]


def _list_items(element: _Element, level: int) -> list[Block]:
    blocks: list[Block] = []
    for item in element:
        if item.tag != "item":
            continue
        blocks.append(Block("list_item", _text(item), level=level))
        for nested in item:
            if nested.tag == "list":
                blocks.extend(_list_items(nested, level + 1))
    return blocks


def _text(element: _Element) -> str:
    """The element's words, leaving out nested lists and footnote markers such as <sup>1</sup>."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag == "list" or (child.tag == "hi" and child.get("rend") == "#sup" and _is_note(child)):
            pass
        elif child.tag == "lb":
            parts.append(" ")
        else:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _is_note(element: _Element) -> bool:
    return _NOTE_MARKER.match("".join(element.itertext())) is not None


def _declared_language(tree: HtmlElement) -> str | None:
    root = tree.getroottree().getroot()
    for value in (root.get("lang"), root.get(_XML_NAMESPACE_LANG)):
        if language_code(value):
            return language_code(value)
    for meta in root.iterfind(".//meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if key in ("content-language", "og:locale", "language", "dc.language"):
            code = language_code((meta.get("content") or "").split(",")[0])
            if code:
                return code
    return None


def _authors(raw: str | None) -> str | None:
    """trafilatura joins several authors with "; "; say them as "A, B and C"."""
    return join_names(raw.split(";")) or None if raw else None


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw[:10]) if raw else None
    except ValueError:
        return None


def _starts_with(title: str, heading: str) -> bool:
    return same_text(title, heading) or title.casefold().startswith(heading.casefold())
