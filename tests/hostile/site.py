"""A publisher's site for tests: a real HTTP server on 127.0.0.1 whose pages the test writes, and a CLI runner.

The same server answers as "127.0.0.1:PORT" and "localhost:PORT": two different hosts, so two sites.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.conftest import BASE_URL

ROOT = Path(__file__).resolve().parents[2]


def article_page(title: str, sentences: str, *, head: str = "", charset: str = "utf-8") -> bytes:
    """An ordinary article page; ``head`` adds markup to <head> (a canonical link, a meta charset)."""
    return (
        f"<!doctype html><html lang='en'><head><title>{title} | Coast News</title>{head}</head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>"
        + "".join(f"<p>{sentence}</p>" for sentence in sentences.split("\n"))
        + "</article></body></html>"
    ).encode(charset)


class Site:
    """``pages[path] = (content type, body)``; every GET is recorded in ``hits``."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                site.hits.append(self.path)
                content_type, body = site.pages.get(self.path, ("text/plain", b"not here"))
                self.send_response(200 if self.path in site.pages else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def narrate(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in its own process, over ``home``, with the tone engine unless ``env`` says otherwise."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    environment.update(NARRATE_HOME=str(home), NARRATE_BASE_URL=BASE_URL, NARRATE_ENGINE="tone", **env)
    return subprocess.run(
        [sys.executable, "-m", "narrate.cli", *args],
        env=environment, cwd=ROOT, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
