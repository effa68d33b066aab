"""Reading a source (a file, an http(s) URL or standard input) into a Document."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Literal
from urllib.parse import urlsplit

from narrate.errors import SourceError
from narrate.extract.address import public_addresses
from narrate.extract.fetch import fetch, without_credentials
from narrate.extract.pdf import PDF_MAGIC
from narrate.settings import Settings

SourceKind = Literal["html", "text", "markdown", "pdf"]

_SUFFIX_KINDS: dict[str, SourceKind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}
_MEDIA_KINDS: dict[str, SourceKind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/plain": "text",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
}
# Media types that say nothing about the content: decide from the URL or the bytes.
_VAGUE_MEDIA = {"", "application/octet-stream", "binary/octet-stream"}
_URL_LIKE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://")

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|\?xml)", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(rb"<(html|head|body|article|main|div|p|h[1-6])[\s>].*</\1\s*>", re.IGNORECASE | re.DOTALL)
_MARKDOWN_SIGNS = re.compile(
    rb"\A---[ \t]*\r?\n|^#{1,6}[ \t]+\S|^```|^~~~|\[[^\]\n]+\]\([^)\s]+\)|^\S.*\r?\n=+[ \t]*$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Document:
    """A source's raw bytes and the kind of text they hold."""

    data: bytes
    kind: SourceKind
    url: str | None = None
    """The final URL after redirects; None for files and standard input."""
    charset: str | None = None
    """The charset declared by the transport (HTTP Content-Type), if any."""
    name: str = ""
    """The source as the user named it, for messages."""


def read_source(
    source: str, settings: Settings, stdin: BinaryIO | None = None, *, public_only: bool = False
) -> Document:
    """Read a file path, an http(s) URL, or "-" (standard input) into a Document.

    Raises SourceError, naming the source, when it cannot be read. With ``public_only`` (the HTTP
    service) a URL may only lead to public addresses, or to hosts in settings.fetch_allow.
    """
    limit = settings.fetch_max_bytes
    if source == "-":
        if stdin is None and sys.stdin is None:
            raise SourceError("cannot read standard input: there is none")
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = _read_capped(stream, limit, "standard input")
        return Document(data, sniff_kind(data), name="standard input")
    url_match = _URL_LIKE.match(source)
    if url_match:
        if url_match.group(1).lower() not in ("http", "https"):
            raise SourceError(f"cannot read {without_credentials(source)}: only http and https URLs are supported")
        return read_url(source, settings, public_only=public_only)
    return _read_file(source, limit)


def sniff_kind(data: bytes) -> SourceKind:
    """Guess pdf, html, markdown or text from the first few kilobytes."""
    if data[:1024].lstrip().startswith(PDF_MAGIC):
        return "pdf"
    head = data[:8192].lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(head) or _HTML_TAG.search(head):
        return "html"
    if _MARKDOWN_SIGNS.search(head):
        return "markdown"
    return "text"


def read_url(url: str, settings: Settings, *, public_only: bool = False) -> Document:
    """Fetch an http(s) URL into a Document (see read_source)."""
    response = fetch(
        url,
        timeout=settings.fetch_timeout,
        max_bytes=settings.fetch_max_bytes,
        max_redirects=settings.fetch_max_redirects,
        resolve=(lambda hop: public_addresses(hop, settings.fetch_allow)) if public_only else None,
    )
    media = response.content_type
    suffix_kind = _SUFFIX_KINDS.get(PurePosixPath(urlsplit(response.url).path).suffix.lower())
    kind: SourceKind
    if media == "text/plain" and suffix_kind == "markdown":
        kind = "markdown"  # code hosts serve raw .md files as text/plain
    elif media in _MEDIA_KINDS:
        kind = _MEDIA_KINDS[media]
    elif media in _VAGUE_MEDIA or media.startswith("text/"):
        kind = suffix_kind or sniff_kind(response.data)
    else:
        raise SourceError(f"cannot read {url}: it is {media}, not an HTML, Markdown, text or PDF article")
    return Document(response.data, kind, url=response.url, charset=response.charset, name=url)


def _read_file(source: str, limit: int) -> Document:
    path = Path(source)
    try:
        if path.is_dir():
            raise SourceError(f"cannot read {source}: it is a directory, not an article file")
        if not path.exists():
            raise SourceError(f"cannot read {source}: no such file")
        with path.open("rb") as stream:
            data = _read_capped(stream, limit, source)
    except OSError as error:
        raise SourceError(f"cannot read {source}: {error.strerror or error}") from None
    kind = _SUFFIX_KINDS.get(path.suffix.lower()) or sniff_kind(data)
    return Document(data, kind, name=source)


def _read_capped(stream: BinaryIO, limit: int, name: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise SourceError(f"cannot read {name}: larger than the {limit}-byte limit (fetch_max_bytes)")
    return data
