"""An HTML page to an Article, with trafilatura finding the article and its metadata.

The page is tidied first (pagetree.tidy_page: notes, captions, pull quotes, embeds). trafilatura's
XML body then keeps the structure we need: <head rend="h2">, <p>, <quote>, <list>/<item>, <table>.
"""

from __future__ import annotations

import datetime as dt
import re

import trafilatura
from lxml.etree import _Element
from lxml.html import HtmlElement

from narrate.article import Article, Block, BlockKind
from narrate.errors import EmptyArticleError
from narrate.extract.assemble import build_article
from narrate.extract.byline import join_names
from narrate.extract.canonical import canonical_address
from narrate.extract.decode import decode_bytes
from narrate.extract.language import language_code
from narrate.extract.pagetree import standfirst, tidy_page
from narrate.extract.table import table_block
from narrate.extract.title import is_heading_line, same_text

_DATE_META = re.compile(r"date|published|publication|created|modified|_time\b|:time\b")
_XML_NAMESPACE_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ANY_TAG = re.compile(r"<[^<>]*>")
_BLOCK_TAGS = frozenset({"head", "p", "quote", "item", "row", "cell", "table"})
# A page whose only sentences are in links, menus and headings is navigation (a section front, a site map). Text
# in scripts without spaces (Chinese, Japanese) counts by its characters.
_MENU_MIN_LINKS = 3
_NAVIGATION_TAGS = frozenset(
    {"a", "nav", "header", "footer", "button", "label", "option", "select", "h1", "h2", "h3", "h4", "h5", "h6",
     "script", "style", "noscript", "template", "title", "head"}
)  # fmt: skip
_SENTENCE_MIN_WORDS = 3
_LONG_LINE_WORDS = 12
_LONG_LINE_CHARS = 60
_SENTENCE_END = re.compile(r"[.!?…:;。！？][\"'”’)\]」』]*$")
_PARSER_DEPTH = 255
"""libxml2's limit on how deep elements nest; what lies deeper is not in the tree."""


def extract_html(html: str | bytes, url: str | None = None, *, source: str | None = None) -> Article:
    """Read the article of an HTML page; ``url`` is where it came from (for metadata)."""
    source = source or url or "the HTML page"
    text = decode_bytes(html, markup=True) if isinstance(html, bytes) else html
    tree = trafilatura.load_html(text) if text.strip() else None
    if tree is None:
        raise EmptyArticleError(f"no article text found in {source}")
    parsed = len(tree.getroottree().getroot().text_content().split())  # before tidy_page takes parts out
    try:
        return _extract_tree(tree, url, source)
    except EmptyArticleError:
        if _parser_dropped_text(text, parsed):
            raise EmptyArticleError(
                f"no article text found in {source}: its elements are nested more than {_PARSER_DEPTH} deep, "
                "and the HTML parser does not read past that"
            ) from None
        raise


def _parser_dropped_text(text: str, parsed_words: int) -> bool:
    """Did the parser lose most of the page's words? libxml2 drops whatever is nested past its depth limit."""
    written = len(_ANY_TAG.sub(" ", text).split())
    return written >= 10 and parsed_words < written / 2


def _extract_tree(tree: HtmlElement, url: str | None, source: str) -> Article:
    if _only_navigation(tree):
        raise EmptyArticleError(f"{source} is not an article: it holds only links and labels, no sentence to read")
    language = _declared_language(tree)
    site_from_title = _site_from_title(tree)
    tidy_page(tree)
    dek = standfirst(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        output_format="xml",  # keep the body as a tree; the default also renders plain text we do not use
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=True,  # marks bold cells, which name the columns of tables without <th>
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
    if blocks and blocks[0].kind == "heading":
        headline = blocks[0].text
        if not title or _starts_with(title, headline) or (len(headline.split()) >= 4 and not _has_headline(tree)):
            # The page's own headline: <title> adds " | Site name", or on old pages names only the site.
            title = headline
    if dek and not any(same_text(block.text, dek) for block in blocks[:3]):
        # The standfirst is read right after the title: under the headline, before the first paragraph.
        at = 1 if blocks and blocks[0].kind == "heading" and same_text(blocks[0].text, title or "") else 0
        blocks.insert(at, Block("paragraph", dek))
    canonical, claimed = canonical_address(document.url, url)
    # Only a date the page's markup states is sure; one found in its text may be a "last updated" footer.
    dated = _date(document.date)
    stated, guessed = (dated, None) if _dated_in_markup(tree) else (None, dated)
    article = build_article(
        title,
        blocks,
        source=source,
        author=_authors(document.author),
        published=stated,
        guessed_published=guessed,
        site=_site(document.sitename, site_from_title),
        language=language,
        canonical_url=canonical,
        claimed_url=claimed,
        summary=document.description or None,
    )
    return article


def _only_navigation(tree: HtmlElement) -> bool:
    """A page of links and labels (a section front, a site map): no sentence outside links, menus and headings."""
    root = tree.getroottree().getroot()
    links = sum(1 for _ in root.iter("a"))
    if links < _MENU_MIN_LINKS:
        return False
    stack = [root]
    while stack:  # depth first, never entering a link, a menu or a heading: linear in the size of the page
        element = stack.pop()
        own = [element.text or ""]
        for child in element:
            if not isinstance(child.tag, str):
                own.append(child.tail or "")
                continue
            own.append(child.tail or "")
            if child.tag not in _NAVIGATION_TAGS:
                stack.append(child)
        if _is_sentence(" ".join(" ".join(own).split())):
            return False
    return True


def _is_sentence(text: str) -> bool:
    words = len(text.split())
    ends = _SENTENCE_END.search(text) is not None
    return (words >= _SENTENCE_MIN_WORDS and ends) or words >= _LONG_LINE_WORDS or len(text) >= _LONG_LINE_CHARS


def _blocks(body: _Element) -> list[Block]:
    blocks: list[Block] = []
    for element in body:
        tag = element.tag
        if tag == "head":
            rend = element.get("rend", "")
            level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
            blocks.append(Block("heading", _text(element), level=level))
        elif tag == "p":
            text = _text(element)
            kind: BlockKind = "heading" if _is_bold_only(element) and is_heading_line(text) else "paragraph"
            blocks.append(Block(kind, text, level=2 if kind == "heading" else 0))
        elif tag == "quote":
            paragraphs = [child for child in element if child.tag == "p"]
            blocks.extend(Block("quote", _text(part)) for part in paragraphs or [element])
        elif tag == "list":
            blocks.extend(_list_items(element, level=1))
        elif tag == "table":
            table = table_block(*_rows(element))
            if table is not None:
                blocks.append(table)
        elif tag in ("code", "graphic", "lb"):
            continue  # read aloud, code is noise; images have no words
        elif len(element):
            blocks.extend(_blocks(element))
        elif (element.text or "").strip():
            blocks.append(Block("paragraph", _text(element)))
        if (element.tail or "").strip():
            # Text that stands loose after a heading (no <p> around it, as on many blogs and deals pages) is the
            # section's body: reading only the headings dropped every description under them.
            blocks.append(Block("paragraph", " ".join(element.tail.split())))
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


def _is_bold_only(paragraph: _Element) -> bool:
    """A paragraph set in bold and nothing else: how many editors write a subheading."""
    return (
        len(paragraph) == 1
        and paragraph[0].tag == "hi"
        and paragraph[0].get("rend") == "#b"
        and not (paragraph.text or "").strip()
        and not (paragraph[0].tail or "").strip()
    )


def _has_headline(tree: HtmlElement) -> bool:
    root = tree.getroottree().getroot()
    titled = root.xpath(".//meta[@property='og:title' or @name='og:title' or @name='twitter:title']")
    return bool(root.findall(".//h1")) or bool(titled)


def _dated_in_markup(tree: HtmlElement) -> bool:
    """The page states its date for machines: a date meta tag, a <time datetime>, or JSON-LD."""
    root = tree.getroottree().getroot()
    for meta in root.iterfind(".//meta"):
        key = " ".join(meta.get(name) or "" for name in ("property", "name", "itemprop", "http-equiv")).lower()
        if _DATE_META.search(key) and (meta.get("content") or "").strip():
            return True
    if root.xpath(".//time[@datetime] | .//*[@itemprop='datePublished']"):
        return True
    return any("datePublished" in (script.text or "") for script in root.iterfind(".//script"))


def _rows(table: _Element) -> tuple[list[list[str]], bool | None]:
    """The cell texts of trafilatura's <table>; True when the first row after a caption is marked as a header."""
    rows = [[cell for cell in row if cell.tag == "cell"] for row in table.iter("row")]
    filled = [[cell for cell in row if _text(cell)] for row in rows]
    filled = [row for row in filled if row]
    if len(filled) > 1 and len(filled[0]) == 1 and max(len(row) for row in rows) > 1:
        filled = filled[1:]  # the caption row, which table_block takes apart
    marked = bool(filled) and all(_is_head(cell) for cell in filled[0])
    return [[_text(cell) for cell in row] for row in rows], (True if marked else None)


def _is_head(cell: _Element) -> bool:
    """A <th>, or a cell whose words are all bold."""
    if cell.get("role") == "head":
        return True
    bold = [child for child in cell if child.tag == "hi" and child.get("rend") == "#b"]
    loose = (cell.text or "").strip() or any((child.tail or "").strip() for child in cell)
    return len(bold) == len(cell) > 0 and not loose


def _text(element: _Element) -> str:
    """The element's words, leaving out nested lists (tidy_page took the footnote markers out)."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag == "list":
            pass
        elif child.tag == "lb":
            parts.append(" ")
        elif child.tag in _BLOCK_TAGS:
            # A heading and its paragraph inside one list item ("<h2>WebIDE</h2><p>Develop...") are two phrases,
            # not one glued word.
            parts.append(" " + _text(child) + " ")
        else:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


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


def _site_from_title(tree: HtmlElement) -> str | None:
    """The site's name as the <title> ends: "Headline | Site", "Headline - Site"."""
    titles = tree.getroottree().getroot().findall(".//title")
    parts = re.split(r"\s+[|\u2013\u2014-]\s+", " ".join(titles[0].text_content().split())) if titles else []
    return parts[-1] if len(parts) > 1 and len(parts[-1].split()) <= 6 else None


def _site(sitename: str | None, from_title: str | None) -> str | None:
    """trafilatura falls back to the host name; a listener would rather hear the name the page gives itself."""
    if sitename and re.fullmatch(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+", sitename) and from_title:
        return from_title
    return sitename or None


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
