"""The page's HTML tree tidied before trafilatura reads it: what no listener should hear, taken out.

trafilatura finds the article well, but keeps some things that sit inside it on real pages:
footnote markers and notes, image captions and photo credits, pull quotes, standfirsts and
embedded posts. They are recognised here by the markup sites use for them, which the plain
text no longer shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

# A footnote marker as linked or raised text: "1", "[2]", "(3)", "*", "†", "iv".
_NOTE_MARKER = re.compile(r"^\s*[\[(]?(?:\d{1,3}|[*†‡§]+|[ivx]{1,4})[\])]?\s*$")
# "10<sup>6</sup>", "km<sup>2</sup>": a power, not a note.
_EXPONENT_BASE = re.compile(r"(?:\d|\b(?:mm|cm|m|km|in|ft|yd|mi))$")
_NOTE_SECTION = re.compile(r"^(?:wp-block-)?(?:foot|end)notes?(?:[-_](?:list|content|section|container|wrap|area))?$")
_NOTE_ID = re.compile(r"^(?:fn|footnote|endnote|note)[-_:]?\d", re.IGNORECASE)
_NOTE_ROLES = {"doc-endnotes", "doc-footnote", "doc-endnote", "doc-noteref"}
_CAPTION = re.compile(
    r"caption|^credits?$|^(?:photo|image|img|media|picture|figure|video)[-_]?credits?|^credit[-_]?(?:line|text)"
)
_PULL_QUOTE = re.compile(r"pull[-_]?quote")
_STANDFIRST = re.compile(r"(?:^|[-_])(?:subtitle|dek|standfirst|sub-?headline)(?:$|[-_])")
_EMBEDDED_POST = {"twitter-tweet", "bluesky-embed", "mastodon-embed", "instagram-media", "tiktok-embed", "fb-post"}
_EMBED_LINK = re.compile(r"^(?:pic\.twitter\.com|https?://t\.co|https?://bsky\.app|https?://www\.instagram\.com)/")
_KEPT_POST = "data-narrate-post"
_WRAPPER_LEVELS = 3
_LEAD_IN = re.compile(r":[\s\"'”’)]*$")
_INVISIBLE = {"script", "style", "noscript", "template", "br"}
_BLOCK_IN_ITEM = {"p", "div", "ul", "ol", "dl", "table", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
_LAYOUT_CONTENT = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "table", "form", "article"}
# A data table's cell holds a figure or a phrase; a cell holding paragraphs of prose is page layout.
_DATA_CELL_MAX_WORDS = 50
# Captions are a line or two; a long element named "caption" is a layout wrapper with the article in it.
_CAPTION_MAX_WORDS = 80
# A standfirst stands above the article: below the first real paragraph, "subtitle" names a subheading.
_PARAGRAPH_MIN_WORDS = 12
_STANDFIRST_KEY = "data-narrate-standfirst"


def tidy_page(tree: HtmlElement) -> HtmlElement:
    """Remove footnotes and their markers, captions and credits, pull quotes and embedded posts; set the standfirst apart.

    Tables that lay out the page (old sites put the whole article in a cell) become plain divisions,
    so that the article inside is read as text and a data table inside it keeps its place.

    An embedded post (a tweet, a Bluesky or Mastodon post) right after a lead-in ending in a colon
    is part of the argument ("She wrote on Tuesday:"): its words stay, as a block quote. Any other
    embedded post is decoration and goes. Changes ``tree`` in place and returns it.
    """
    for table in list(tree.iter("table")):
        if _lays_out_page(table):
            _unwrap_table(table)
    body_started = False
    headline_seen = next(tree.iter("h1"), None) is None  # without a headline, any paragraph starts the body
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue  # comments, processing instructions, or already removed with an ancestor
        classes = set((element.get("class") or "").split())
        if classes & _EMBEDDED_POST:
            _replace_embedded_post(element)
        elif element.tag == "figcaption" and _table_in(element.getparent()) is not None:
            _make_table_caption(element)
        elif _is_note(element, classes) or _is_caption(element, classes) or _is_pull_quote(classes):
            _drop(element)
        elif not body_started and _is_standfirst(classes):
            _keep_standfirst(tree, element)
        elif element.tag == "h1":
            headline_seen = True
        elif element.tag == "p" and len(element.text_content().split()) >= _PARAGRAPH_MIN_WORDS:
            # A cookie notice above the headline is no start of the article.
            body_started = body_started or headline_seen
    return tree


def _own_cells(table: HtmlElement) -> list[HtmlElement]:
    return table.xpath("./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th")


def _lays_out_page(table: HtmlElement) -> bool:
    """Headings, paragraphs, lists or another table in a cell, or a cell of prose: page layout, not data.

    A table whose first row names its columns (<th> cells) is data even when a cell holds a long description, in
    a paragraph or not: a list of films with a synopsis per row. Unwrapped, its rows lost most of their words.
    """
    cells = _own_cells(table)
    named = _names_columns(table)
    layout = _LAYOUT_CONTENT - {"p"} if named else _LAYOUT_CONTENT
    for cell in cells:
        if any(child.tag in layout for child in cell.iter() if child is not cell):
            return True
    return not named and any(len(cell.text_content().split()) > _DATA_CELL_MAX_WORDS for cell in cells)


def _names_columns(table: HtmlElement) -> bool:
    rows = table.xpath("./tr | ./*/tr")
    if len(rows) < 2:
        return False
    first = [cell for cell in rows[0] if isinstance(cell.tag, str)]
    return len(first) > 1 and all(cell.tag == "th" for cell in first)


def _unwrap_table(table: HtmlElement) -> None:
    for cell in _own_cells(table):
        for item in list(cell.iter("li")):
            _paragraph_in_item(item)
    rows = table.xpath("./tr | ./*/tr")
    for element in [*_own_cells(table), *rows, *table.xpath("./thead | ./tbody | ./tfoot"), table]:
        element.tag = "div"
        for name in ("colspan", "rowspan", "width", "valign", "align", "bgcolor"):
            element.attrib.pop(name, None)


def _paragraph_in_item(item: HtmlElement) -> None:
    """Set a list item's own words in a paragraph inside it: "<li>text</li>" becomes "<li><p>text</p></li>".

    An unwrapped layout table leaves its lists loose on a page with no article container, and trafilatura reads
    loose paragraphs there but drops loose lists: the replies listed in a cell of an old essay were lost. In a
    paragraph inside the item, the words are read either way; where trafilatura keeps the list, the item's text
    is the same. Items of links and nothing else (a menu in a side column) stay as they are.
    """
    inline = []
    for child in item:
        if isinstance(child.tag, str) and child.tag in _BLOCK_IN_ITEM:
            break
        inline.append(child)
    words = " ".join([item.text or ""] + [_text_outside_links(child) for child in inline]).split()
    if not words:
        return
    paragraph = item.makeelement("p", {})
    paragraph.text = item.text
    item.text = None
    for child in inline:
        paragraph.append(child)  # moves it, with its tail
    item.insert(0, paragraph)


def _text_outside_links(element: HtmlElement) -> str:
    if not isinstance(element.tag, str):
        return element.tail or ""
    if element.tag == "a":
        return element.tail or ""
    inner = (element.text or "") + "".join(_text_outside_links(child) for child in element)
    return inner + (element.tail or "")


def _is_note(element: HtmlElement, classes: set[str]) -> bool:
    """A footnote or endnote section, one note, or a marker pointing at one."""
    if element.get("role") in _NOTE_ROLES or any(_NOTE_SECTION.match(name) for name in classes):
        return True
    if element.tag in ("li", "div", "p", "aside") and _NOTE_ID.match(element.get("id") or ""):
        return True
    if element.tag == "sup" and _NOTE_MARKER.match(element.text_content()):
        return not _EXPONENT_BASE.search(_text_before(element))
    if element.tag == "a" and (element.get("href") or "").startswith("#"):
        return _NOTE_MARKER.match(element.text_content()) is not None
    return False


def _text_before(element: HtmlElement) -> str:
    previous = element.getprevious()
    if previous is not None:
        return previous.tail or ""
    parent = element.getparent()
    return (parent.text or "") if parent is not None else ""


def _is_caption(element: HtmlElement, classes: set[str]) -> bool:
    if element.tag == "figcaption":
        return True
    if element.tag in ("table", "caption") or not any(_CAPTION.search(name) for name in classes):
        return False
    return len(element.text_content().split()) <= _CAPTION_MAX_WORDS


def _is_pull_quote(classes: set[str]) -> bool:
    return any(_PULL_QUOTE.search(name) for name in classes)


def _is_standfirst(classes: set[str]) -> bool:
    """The summary under the headline (the dek): read right after the title, before the article."""
    return any(_STANDFIRST.search(name) for name in classes)


def standfirst(tree: HtmlElement) -> str:
    """The standfirst tidy_page took out of ``tree``; "" when it found none."""
    return tree.getroottree().getroot().get(_STANDFIRST_KEY, "")


def _keep_standfirst(tree: HtmlElement, element: HtmlElement) -> None:
    """Take the standfirst out of the page, and note it for extraction to read right after the title.

    Left in place, trafilatura reads it as a heading (sites set it in <h2>) or drops it as header furniture.
    """
    text = " ".join(element.text_content().split())
    root = tree.getroottree().getroot()
    if text and not root.get(_STANDFIRST_KEY):
        root.set(_STANDFIRST_KEY, text)
    _drop(element)


def _table_in(figure: HtmlElement | None) -> HtmlElement | None:
    return next(figure.iter("table"), None) if figure is not None and figure.tag == "figure" else None


def _make_table_caption(figcaption: HtmlElement) -> None:
    """A figure's caption under a table titles the table: move it into the table, where table captions go."""
    table = _table_in(figcaption.getparent())
    caption = figcaption.makeelement("caption", {})
    caption.text = " ".join(figcaption.text_content().split())
    _drop(figcaption)
    if table is not None:
        table.insert(0, caption)


def _replace_embedded_post(element: HtmlElement) -> None:
    paragraph = next(_paragraphs(element), None)
    if paragraph is None or not (_LEAD_IN.search(_lead_in(element)) or _follows_kept_post(element)):
        _drop(element)
        return
    for link in list(paragraph.iter("a")):
        if _EMBED_LINK.match((link.get("href") or "").strip()) or _EMBED_LINK.match(link.text_content().strip()):
            _drop(link)
    # A plain quote in place of the embed and its wrapper: trafilatura drops the embed's own markup, and wrappers
    # named "embed" with all they hold. Marked, so that the next post of a run is kept too.
    wrapper = _outermost_alone(element)
    quote = element.makeelement("blockquote", {_KEPT_POST: "1"})
    quote.tail = wrapper.tail
    new = element.makeelement("p", {})
    new.text = " ".join(paragraph.text_content().split())
    quote.append(new)
    wrapper.getparent().replace(wrapper, quote)


def _follows_kept_post(element: HtmlElement) -> bool:
    """Is ``element`` the next post of a run that a lead-in introduced ("See tweets:", then three posts)?"""
    previous = _previous_visible(_outermost_alone(element))
    if previous is None or (previous.tail or "").strip():
        return False
    return previous.get(_KEPT_POST) is not None


def _outermost_alone(element: HtmlElement) -> HtmlElement:
    """``element``, or the wrapper it stands alone in (sites put each embed in a <div> or <figure> of its own)."""
    for _ in range(_WRAPPER_LEVELS):
        parent = element.getparent()
        if parent is None or parent.tag in ("body", "article", "main", "section") or (parent.text or "").strip():
            break
        if len([child for child in parent if isinstance(child.tag, str) and child.tag not in _INVISIBLE]) > 1:
            break
        element = parent
    return element


def _previous_visible(element: HtmlElement) -> HtmlElement | None:
    previous = element.getprevious()
    while previous is not None and (not isinstance(previous.tag, str) or previous.tag in _INVISIBLE):
        if (previous.tail or "").strip():
            return None
        previous = previous.getprevious()
    return previous


def _lead_in(element: HtmlElement) -> str:
    """The text just before ``element`` (or the wrapper it stands alone in): a tail, or the element before it."""
    element = _outermost_alone(element)
    previous = element.getprevious()
    while previous is not None and (not isinstance(previous.tag, str) or previous.tag in _INVISIBLE):
        if (previous.tail or "").strip():
            return previous.tail.strip()
        previous = previous.getprevious()
    if previous is None:
        parent = element.getparent()
        return (parent.text or "").strip() if parent is not None else ""
    return (previous.tail or "").strip() or previous.text_content().strip()


def _paragraphs(element: HtmlElement) -> Iterator[HtmlElement]:
    for paragraph in element.iter("p"):
        if paragraph.text_content().strip():
            yield paragraph


def _drop(element: HtmlElement) -> None:
    """Remove ``element`` but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
