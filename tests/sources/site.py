"""A publisher's site on a real local HTTP server: pages and a feed that the tests change between polls.

It answers conditional requests the way real servers do (ETag and Last-Modified, 304), and records every request's
path and headers, so tests can see what a poll sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class Site:
    url: str
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    """path -> (body, content type)."""
    modified: dict[str, dt.datetime] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    validators: bool = True
    """Send ETag and Last-Modified (and so answer conditional requests with 304)."""

    def put(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8") -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        if self.files.get(path, (None,))[0] != data:
            self.modified[path] = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.files[path] = (data, content_type)
        return self.url + path

    def remove(self, path: str) -> None:
        self.files.pop(path, None)

    def seen(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]


def article_page(title: str, paragraphs: list[str], url: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="en"><head><title>{title}</title><link rel="canonical" href="{url}"></head>'
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article></body></html>"
    )


def rss(site: Site, items: list[dict[str, Any]]) -> str:
    """An RSS 2.0 feed; each item: path, title, date (datetime), optional content (HTML for content:encoded)."""
    parts = []
    for item in items:
        content = f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>" if item.get("content") else ""
        parts.append(
            f"<item><title>{item['title']}</title><link>{site.url}{item['path']}</link>"
            f'<guid isPermaLink="false">post-{item["path"].strip("/").replace("/", "-")}</guid>'
            f"<pubDate>{format_datetime(item['date'])}</pubDate>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Valley News</title><link>{site.url}/</link><description>News</description>"
        f"{''.join(parts)}</channel></rss>"
    )


def serve_site() -> tuple[Site, ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    site = Site(f"http://127.0.0.1:{server.server_address[1]}")
    server.site = site  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return site, server


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        site: Site = self.server.site  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        headers = {k.lower(): v for k, v in self.headers.items()}
        if path not in site.files:
            site.requests.append(Seen(path, headers, 404))
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data, content_type = site.files[path]
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        modified = format_datetime(site.modified[path], usegmt=True)
        if site.validators and (
            headers.get("if-none-match") == etag
            or ("if-none-match" not in headers and headers.get("if-modified-since") == modified)
        ):
            site.requests.append(Seen(path, headers, 304))
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        site.requests.append(Seen(path, headers, 200))
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if site.validators:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: Any) -> None:
        pass
