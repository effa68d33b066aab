"""Every hostile case through the staff API on a real service: a 4xx with a one-line "error", or a good episode.

After a refusal nothing is half-published: public/ is byte for byte as it was and no episode row was added or
changed. The service may fetch the hostile server on 127.0.0.1 (NARRATE_FETCH_ALLOW), and nothing else private.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from narrate.web.tokens import create_token
from tests.hostile.cases import CASES, GOOD_TEXT, Case, Published, Refused
from tests.hostile.checks import (
    assert_feed_holds,
    assert_one_line,
    assert_page_is_inert,
    assert_transcript_says,
    episode_rows,
    snapshot,
)
from tests.hostile.server import HostileServer
from tests.web.conftest import Start
from tests.web.service import Running, wait_done

API_CASES = [case for case in CASES if case.api_too]
FETCH_TIMEOUT = "0.5"
"""The slow-loris cases wait out this deadline; every good page comes within it."""


def send(client: httpx.Client, case: Case, server: HostileServer) -> httpx.Response:
    """The request that gives ``case`` to the service."""
    if case.kind in ("file", "stdin"):
        # Bytes that are not UTF-8 arrive as text with U+FFFD where they were, as a browser would send them.
        return client.post("/api/articles", json={case.field: case.data.decode("utf-8", errors="replace")})
    if case.kind == "url":
        return client.post("/api/articles", json={"url": server.url(case.path)})
    if case.kind == "api-text":
        body = case.body.replace("{host}", f"127.0.0.1:{server.port}").encode("utf-8")
        return client.post("/api/articles", content=body, headers={"Content-Type": "application/json"})
    if case.kind == "feed-slug":
        return client.post("/api/articles", json={"text": GOOD_TEXT, "feed": case.slug})
    if case.kind == "episode-id":
        target = f"/api/episodes/{case.slug}".encode("ascii")
        for method in ("POST", "DELETE"):  # re-render and unpublish must refuse too, and change nothing
            suffix = b"/render" if method == "POST" else b""
            answer = client.request(method, "/", extensions={"target": target + suffix})
            assert answer.status_code in (404, 405), answer.text
        return client.get("/", extensions={"target": target})
    raise AssertionError(case.kind)


REFUSED = [case for case in API_CASES if isinstance(case.api_outcome, Refused)]
PUBLISHED = [case for case in API_CASES if isinstance(case.api_outcome, Published)]


def start(start_service: Start) -> tuple[Running, str]:
    service = start_service(fetch_allow="127.0.0.1", fetch_timeout=FETCH_TIMEOUT, rate_limit_per_minute="0")
    return service, create_token(service.store, "desk")


def test_api_refuses_every_hostile_case_and_changes_nothing(
    seeded_home: Path, start_service: Start, hostile_server: HostileServer
) -> None:
    """One service for all the refusals (starting one per case would double the time); every case is checked."""
    service, token = start(start_service)
    failures: list[str] = []
    for case in REFUSED:
        public, rows = snapshot(seeded_home / "public"), episode_rows(service.store)
        # A fresh connection per case: on a kept-alive one, the 413 for the 20 MB body reaches httpx as a
        # protocol error (the service answers and closes without reading the body), not as the 413 it is.
        with service.client(token) as client:
            try:
                answer = send(client, case, hostile_server)
                outcome = case.api_outcome
                assert isinstance(outcome, Refused)
                assert answer.status_code == (outcome.status or outcome.error.http_status), answer.text
                body = answer.json()
                assert set(body) == {"error"}, body
                assert_one_line(body["error"], outcome)
                assert snapshot(seeded_home / "public") == public, "a refused input changed public/"
                assert episode_rows(service.store) == rows, "a refused input left an episode row behind"
            except AssertionError as error:
                failures.append(f"{case.id}: {error}")
    assert not failures, "\n".join(failures)
    assert len(REFUSED) >= 30


@pytest.mark.parametrize("case", PUBLISHED, ids=[case.id for case in PUBLISHED])
def test_api_publishes_a_good_episode(
    case: Case, seeded_home: Path, start_service: Start, hostile_server: HostileServer
) -> None:
    service, token = start(start_service)
    with service.client(token) as client:
        answer = send(client, case, hostile_server)
        assert answer.status_code == 202, answer.text
        summary, _ = wait_done(client, answer.json()["status_url"])
    assert isinstance(case.api_outcome, Published)
    assert_published(service, summary, case.api_outcome)


def assert_published(service: Running, summary: dict, outcome: Published) -> None:
    assert summary["status"] == "published", summary
    with service.client() as listener:  # what a podcast app and a browser fetch, without a token
        feed = listener.get(service.path(summary["feed_url"]))
        assert feed.status_code == 200
        title = assert_feed_holds(feed.content, summary["guid"], outcome)
        assert title == summary["title"]
        transcript = listener.get(service.path(summary["transcript_url"]))
        assert_transcript_says(transcript.text, outcome)
        page = listener.get(service.path(summary["page_url"]))
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert_page_is_inert(page.text, outcome)


def test_api_refuses_a_json_body_that_is_not_json(service: Running, token: str) -> None:
    with service.client(token) as client:
        bodies = (b"\xff\xfe\x00garbage", b'{"text": "unterminated', b"[1, 2, 3]", json.dumps({"text": 5}).encode())
        for content in bodies:
            answer = client.post("/api/articles", content=content, headers={"Content-Type": "application/json"})
            assert answer.status_code == 422, answer.text
            assert "\n" not in answer.json()["error"]
        assert client.get("/api/episodes").json()["episodes"] == []
