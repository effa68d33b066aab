"""Extraction: a source (file, URL or standard input) to an Article.

    read_source(source, settings) -> Document      bytes + kind ("html" | "text" | "markdown") + final URL
    extract(document) -> Article                   decodes, then one of:
        extract_html(html, url)                    trafilatura finds the article and its metadata
        extract_text(text)                         text scraped from a page: menus, bylines, bios dropped
        extract_markdown(text)                     Markdown with optional front matter
        extract_pdf(data)                          a PDF's text in reading order (pdfminer.six), never its syntax

Unreadable sources raise SourceError; a source without article text raises EmptyArticleError.

Each reader is loaded for the first source of its kind: trafilatura and lxml (web pages) and markdown-it take a
third of a CPU-second to import, which a text file never needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from narrate.article import Article
from narrate.errors import ConfigError
from narrate.extract.assemble import AUTHOR_MAX_CHARS, TITLE_MAX_CHARS
from narrate.extract.controls import article_text, without_invisible
from narrate.extract.decode import decode_bytes
from narrate.extract.pdf import PDF_MAGIC, extract_pdf
from narrate.extract.plaintext import extract_text
from narrate.extract.source import Document, SourceKind, read_source, sniff_kind

if TYPE_CHECKING:
    from narrate.extract.markdown import extract_markdown
    from narrate.extract.webpage import extract_html

__all__ = [
    "Document",
    "SourceKind",
    "extract",
    "extract_html",
    "extract_markdown",
    "extract_pdf",
    "extract_text",
    "read_source",
    "sniff_kind",
    "with_overrides",
]


def extract(document: Document) -> Article:
    """The Article in ``document``, read according to its kind; SourceError when it is binary data."""
    source = document.name or document.url or f"the {document.kind} source"
    if document.kind == "pdf" or document.data[:1024].lstrip().startswith(PDF_MAGIC):
        return extract_pdf(document.data, source=source, url=document.url)
    markup = document.kind == "html"
    text = article_text(decode_bytes(document.data, declared=document.charset, markup=markup), source)
    if markup:
        from narrate.extract.webpage import extract_html

        return extract_html(text, url=document.url, source=source)
    if document.kind == "markdown":
        from narrate.extract.markdown import extract_markdown

        return extract_markdown(text, source=source, url=document.url)
    return extract_text(text, source=source)


def __getattr__(name: str) -> Any:
    if name == "extract_html":
        from narrate.extract.webpage import extract_html

        return extract_html
    if name == "extract_markdown":
        from narrate.extract.markdown import extract_markdown

        return extract_markdown
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def with_overrides(article: Article, title: str | None, author: str | None) -> Article:
    """``article`` with the title and author a user gave instead of the extracted ones, cleaned like extracted text.

    An override with nothing visible in it (blank, or only control and invisible characters) keeps what was
    extracted, as an empty one always has. One that is too long is refused (ConfigError) rather than cut: the
    user asked for exactly this text, so they are told before anything is rendered instead of finding another
    title published.
    """
    title = _override("title", title, TITLE_MAX_CHARS)
    author = _override("author", author, AUTHOR_MAX_CHARS)
    if title:
        article.title = title
    if author:
        article.author = author
    return article


def _override(name: str, value: str | None, limit: int) -> str:
    cleaned = " ".join(without_invisible(value or "").split())
    if len(cleaned) > limit:
        raise ConfigError(f"the {name} given is {len(cleaned)} characters long; the most is {limit}")
    return cleaned
