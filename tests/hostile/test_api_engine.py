"""The test engine "tone" cannot be chosen over the HTTP API: 422 with the reason, before anything is fetched.

The operator may still configure it (NARRATE_ENGINE=tone, as these tests do), and the CLI may still use it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.web.conftest import Start
from tests.web.service import ARTICLE, Running, wait_done

ROOT = Path(__file__).resolve().parents[2]
REFUSED = ["tone", "TONE", " tone ", "Tone\n", "tone\t", "nope", "piper2", "../tone", "tone,piper"]


@pytest.fixture
def article_server() -> Iterator[tuple[str, list[str]]]:
    """An article on a local web server, and the paths it was asked for."""
    asked: list[str] = []
    page = b"<html><head><title>Ferry</title></head><body><article><h1>Ferry</h1><p>" + ARTICLE.encode() + b"</p>"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/news/ferry", asked
    server.shutdown()


@pytest.fixture
def allowed(start_service: Start) -> Running:
    return start_service(fetch_allow="127.0.0.1")


@pytest.mark.parametrize(
    ("engine", "source"), [(engine, "text") for engine in REFUSED] + [("tone", "url"), (" Tone", "url"), ("x", "url")]
)
def test_an_engine_a_request_may_not_choose_is_422_before_any_fetch(
    allowed: Running, token: str, article_server: tuple[str, list[str]], engine: str, source: str
) -> None:
    url, asked = article_server
    body = {"text": ARTICLE} if source == "text" else {"url": url}
    with allowed.client(token) as client:
        answer = client.post("/api/articles", json={**body, "engine": engine})
    assert answer.status_code == 422
    reason = answer.json()["error"]
    assert reason == (
        f"engine {engine.strip()!r} cannot be chosen in a request; choose piper, gtts, espeak, "
        "or leave it out for the feed's engine"
    )
    assert asked == []  # refused before the article was fetched
    assert allowed.store.episodes() == []


def test_a_long_engine_name_is_cut_in_the_reason(allowed: Running, token: str) -> None:
    with allowed.client(token) as client:
        answer = client.post("/api/articles", json={"text": ARTICLE, "engine": "t" * 5000})
    assert answer.status_code == 422 and len(answer.json()["error"]) < 200


def test_without_an_engine_the_service_uses_its_own_even_when_that_is_tone(allowed: Running, token: str) -> None:
    with allowed.client(token) as client:
        answer = client.post("/api/articles", json={"text": ARTICLE, "engine": ""})
        assert answer.status_code == 202
        summary, _ = wait_done(client, answer.json()["status_url"])
    assert summary["status"] == "published"
    [episode] = allowed.store.episodes()
    assert episode.engine == "tone"  # the operator's NARRATE_ENGINE, not the request's choice


def test_the_cli_may_still_choose_tone(tmp_path: Path) -> None:
    article = tmp_path / "ferry.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-m", "narrate.cli", "add", str(article), "--engine", "tone", "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["engine"], summary["status"]) == ("tone", "published")
