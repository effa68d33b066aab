"""A PDF to an Article: pdfminer.six's layout analysis reads the text in reading order, columns included.

Research centres publish reports as PDFs. Their text boxes become paragraphs (lines joined, words hyphenated
at a line end mended); boxes set in a larger type than the body are headings; what repeats on most pages (running
heads, page numbers) is dropped. The title is the document's own (its metadata) unless that is a file name, else the
largest line on the first page. Only the text is ever read: never the PDF's syntax.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass

from narrate.article import Article, Block
from narrate.errors import EmptyArticleError, SourceError
from narrate.extract.assemble import build_article

PDF_MAGIC = b"%PDF-"
# Lines further apart than this (times the line height) start a new box; pdfminer's 0.5 split reports set at 1.5
# line spacing into one box per line.
_LINE_MARGIN = 0.8
# A heading is set at least this much larger than the body text, and is short.
_HEADING_SCALE = 1.15
_HEADING_MAX_WORDS = 16
# A box seen (digits aside) on at least this share of the pages, with two pages at least, is a running head or foot.
_REPEATED_SHARE = 0.5
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
# "infor-" + "mation": a word broken at the end of a line.
_BROKEN_WORD = re.compile(r"(\w)-\n(?=[a-z])")
# Titles that name the file, not the document: "Microsoft Word - draft3.docx", "report.pdf", "untitled".
_FILE_TITLE = re.compile(
    r"^(?:microsoft \w+ - .*|.*\.(?:docx?|pdf|indd|odt|rtf|pages)|untitled.*|\s*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Box:
    """One text box of a page: its text and the size of most of its characters."""

    page: int
    text: str
    size: float


def extract_pdf(data: bytes, *, source: str, url: str | None = None) -> Article:
    """Read the article in a PDF; SourceError when it is no readable PDF, EmptyArticleError when it holds no text.

    ``url`` is where it was fetched from: a PDF declares no canonical address, so that one names the episode.
    """
    metadata, pages = _read(data, source)
    boxes = [box for box in _without_repeats(pages) if not _PAGE_NUMBER.match(box.text)]
    if not boxes:
        raise EmptyArticleError(f"no article text found in {source}: the PDF has no text (a scanned image?)")
    body_size = _body_size(boxes)
    blocks = []
    for box in boxes:
        words = len(box.text.split())
        if box.size >= body_size * _HEADING_SCALE and words <= _HEADING_MAX_WORDS:
            blocks.append(Block("heading", box.text, level=2))
        else:
            blocks.append(Block("paragraph", box.text))
    title = metadata.get("title", "")
    if _FILE_TITLE.match(title):
        first_page = [box for box in boxes if box.page == boxes[0].page]
        largest = max(first_page, key=lambda box: box.size)
        title = largest.text if largest.size >= body_size * _HEADING_SCALE else ""
    return build_article(title or None, blocks, source=source, author=metadata.get("author") or None, canonical_url=url)


def _read(data: bytes, source: str) -> tuple[dict[str, str], list[list[_Box]]]:
    # Imported here: pdfminer is only needed for PDFs, and the CLI starts faster without it.
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer
    from pdfminer.pdfdocument import (
        PDFDocument,
        PDFPasswordIncorrect,
        PDFTextExtractionNotAllowed,
    )
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1
    from pdfminer.psexceptions import PSException
    from pdfminer.utils import decode_text

    stream = io.BytesIO(data)
    pages: list[list[_Box]] = []
    try:
        document = PDFDocument(PDFParser(stream))
        info = document.info[0] if document.info else {}
        metadata = {}
        for key in ("Title", "Author"):
            value = resolve1(info.get(key))
            if isinstance(value, bytes):
                value = decode_text(value)
            if isinstance(value, str):
                metadata[key.lower()] = " ".join(value.split())
        for number, layout in enumerate(extract_pages(stream, laparams=LAParams(line_margin=_LINE_MARGIN))):
            page: list[_Box] = []
            for element in layout:
                if not isinstance(element, LTTextContainer):
                    continue
                # Lines in another type size are another box: a running head set close above the text, a heading.
                run: list[str] = []
                run_size = 0.0
                for line in element:
                    sizes = Counter(round(char.size, 1) for char in line if isinstance(char, LTChar))
                    if not sizes:
                        continue
                    size = sizes.most_common(1)[0][0]
                    if run and size != run_size:
                        page.append(_Box(number, _box_text("".join(run)), run_size))
                        run = []
                    run.append(line.get_text())
                    run_size = size
                if run:
                    page.append(_Box(number, _box_text("".join(run)), run_size))
            pages.append([box for box in page if box.text])
    except PDFPasswordIncorrect:
        raise SourceError(f"cannot read {source}: the PDF is encrypted with a password") from None
    except PDFTextExtractionNotAllowed:
        raise SourceError(f"cannot read {source}: the PDF does not allow its text to be extracted") from None
    # pdfminer reports damage in many ways, some of them plain Python errors deep in its parser.
    except (
        PDFException,
        PSException,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        AssertionError,
        AttributeError,
    ):
        raise SourceError(f"cannot read {source}: not a readable PDF (damaged, or cut short)") from None
    return metadata, pages


def _box_text(raw: str) -> str:
    """The lines of a box as one paragraph: broken words mended, lines joined with spaces."""
    text = _BROKEN_WORD.sub(r"\1", raw.replace("\r", "\n"))
    return " ".join(text.split())


def _shape(text: str) -> str:
    """A box's text with its numbers blanked: "Page 3 of 12" and "Page 4 of 12" have one shape."""
    return re.sub(r"\d+", "#", text.casefold())


def _without_repeats(pages: list[list[_Box]]) -> list[_Box]:
    """Every box, less those repeated on most pages: running heads and feet."""
    if len(pages) < 2:
        return [box for page in pages for box in page]
    seen = Counter(shape for page in pages for shape in {_shape(box.text) for box in page})
    limit = max(2, _REPEATED_SHARE * len(pages))
    return [box for page in pages for box in page if seen[_shape(box.text)] < limit]


def _body_size(boxes: list[_Box]) -> float:
    """The type size of most of the text, weighted by words."""
    weights: Counter[float] = Counter()
    for box in boxes:
        weights[box.size] += len(box.text.split())
    return weights.most_common(1)[0][0]
