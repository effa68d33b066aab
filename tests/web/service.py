"""A running service as the tests see it, and what they do with it: clients, polling, raw request targets."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import podcastparser
import uvicorn
from fastapi import FastAPI

from narrate.settings import Settings
from narrate.store import Store
from narrate.web.server import server_config

ARTICLE = (
    "Library hours grow\n\nBy Dana Kim\n\n"
    "The central library will open on Sundays from May. The city hired 4 new librarians.\n\n"
    "Readers asked for longer hours in a survey last year. Most wanted evenings and weekends.\n"
)


def listener() -> tuple[socket.socket, str]:
    """A socket bound to a free 127.0.0.1 port, and the service's URL on it (known before the app is built)."""
    bound = socket.socket()
    bound.bind(("127.0.0.1", 0))
    return bound, f"http://127.0.0.1:{bound.getsockname()[1]}"


def serve(app: FastAPI, bound: socket.socket) -> Callable[[], None]:
    """Run ``app`` on real uvicorn in a thread, on ``bound``; returns stop(), which shuts it down as on SIGTERM."""
    settings = app.state.service.settings
    server = uvicorn.Server(server_config(app, settings, log_level="warning", lifespan="on"))  # as `narrate serve`
    thread = threading.Thread(target=server.run, kwargs={"sockets": [bound]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the service did not start"
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(30)
        assert not thread.is_alive(), "the service did not stop"
        bound.close()

    return stop


@dataclass
class Running:
    url: str
    settings: Settings
    store: Store
    app: FastAPI
    stop: Callable[[], None]
    """Shut the server down as uvicorn does on SIGTERM (lifespan shutdown included); safe to call twice."""

    def client(self, token: str | None = None, **options: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **options)

    def path(self, public_url: str) -> str:
        """The path of one of the service's public URLs (they all start with the base URL)."""
        assert public_url.startswith(self.url + "/"), public_url
        return public_url[len(self.url) :]


def wait_done(client: httpx.Client, status_url: str, timeout: float = 60) -> tuple[dict[str, Any], list[int]]:
    """Poll an episode until published or failed; returns its summary and every progress value seen."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = client.get(status_url)
        assert answer.status_code == 200, answer.text
        summary = answer.json()
        seen.append(summary["progress"])
        if summary["status"] in ("published", "failed"):
            return summary, seen
        time.sleep(0.1)
    raise AssertionError(f"episode not done after {timeout} s: {summary}")


def parse_feed(client: httpx.Client, feed_url: str) -> dict[str, Any]:
    answer = client.get(feed_url)
    assert answer.status_code == 200, answer.text
    return podcastparser.parse(feed_url, io.BytesIO(answer.content))


def raw_get(service: Running, target: str) -> httpx.Response:
    """GET with the request target sent exactly as written: no client-side normalisation of "..", "%2e" or "//"."""
    with httpx.Client(base_url=service.url, timeout=10) as client:
        return client.get("/", extensions={"target": target.encode("ascii")})
