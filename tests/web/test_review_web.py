"""Held for review over HTTP: the API's status and reason, approve, correct and force; the staff page's section of
held episodes with its forms. The real service on uvicorn, a publisher's server for the URLs, the embedded renderer."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import lxml.html
import pytest

from narrate.web.tokens import create_token
from tests.support import fragments
from tests.web.conftest import Start
from tests.web.service import Running, wait_done
from tests.web.test_staff import csrf_of, wait_listed

PAGES = {
    "/share-bar": fragments.captioned_body_with_share_bar_page(),
    "/captioned": fragments.captioned_body_page().replace("Tuesday", "Thursday"),  # another story, another episode
    "/author-box": fragments.author_box_first_page().replace("Tuesday", "Wednesday"),
}


class Publisher:
    """A publisher's web server on 127.0.0.1 serving the pages above."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = PAGES[self.path].encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def publisher() -> Iterator[Publisher]:
    server = Publisher()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def running(start_service: Start) -> Running:
    return start_service(fetch_allow="127.0.0.1")


def transcript(client: httpx.Client, service: Running, episode: dict) -> str:
    return client.get(service.path(episode["transcript_url"])).text


def still_held(client: httpx.Client, status_url: str) -> dict:
    """The episode a moment later: still held, nothing rendered (the embedded renderer would have started by now)."""
    time.sleep(1.0)
    episode = client.get(status_url).json()
    assert (episode["status"], episode["progress"], episode["audio_url"]) == ("needs_review", 0, None), episode
    return episode


def test_api_holds_approves_corrects_and_forces(running: Running, publisher: Publisher) -> None:
    with running.client(create_token(running.store, "desk")) as client:
        answer = client.post("/api/articles", json={"url": publisher.url + "/share-bar"})
        assert answer.status_code == 202, answer.text
        held = answer.json()
        assert held["status"] == "needs_review" and "Sign up for our newsletter" in held["reason"]
        assert still_held(client, held["status_url"])["reason"] == held["reason"]
        assert not (running.settings.public_dir / "audio").exists()
        assert not [path for path in running.settings.cache_dir.rglob("*") if path.is_file()]  # nothing spoken
        listed = client.get("/api/episodes").json()["episodes"]
        assert [(e["id"], e["status"]) for e in listed] == [(held["id"], "needs_review")]

        approved = client.post(f"/api/episodes/{held['id']}/approve")
        assert approved.status_code == 202 and approved.json()["status"] == "queued"
        episode, _ = wait_done(client, held["status_url"], timeout=180)
        assert (episode["status"], episode["guid"]) == ("published", held["guid"])
        assert "petition signed" in transcript(client, running, episode)
        twice = client.post(f"/api/episodes/{held['id']}/approve")
        assert twice.status_code == 404
        assert twice.json() == {"error": f"episode '{held['id']}' is not held for review (it is published)"}

        # Corrected: the same episode, from the text given; a correction with no text leaves it held.
        boxed = client.post("/api/articles", json={"url": publisher.url + "/author-box"}).json()
        assert boxed["status"] == "needs_review" and "“About the author”" in boxed["reason"]
        empty = client.post(f"/api/episodes/{boxed['id']}/correct", json={"text": " \n\n "})
        assert empty.status_code == 422 and "no article text" in empty.json()["error"]
        assert still_held(client, boxed["status_url"])["id"] == boxed["id"]
        text = f"{fragments.LEAD}\n\n## What riders said\n\n{fragments.REST[1]}"
        corrected = client.post(f"/api/episodes/{boxed['id']}/correct", json={"text": text})
        assert corrected.status_code == 202, corrected.text
        episode, _ = wait_done(client, boxed["status_url"], timeout=180)
        assert (episode["id"], episode["guid"], episode["status"]) == (boxed["id"], boxed["guid"], "published")
        assert "poorly lit roads" in transcript(client, running, episode)

        # Forced: rendered at once, as read.
        forced = client.post("/api/articles", json={"url": publisher.url + "/share-bar", "force": True}).json()
        assert forced["id"] == held["id"] and forced["status"] == "queued"
        assert wait_done(client, forced["status_url"], timeout=180)[0]["status"] == "published"

        # A clean fuller reading is taken, and staff are told.
        taken = client.post("/api/articles", json={"url": publisher.url + "/captioned"}).json()
        assert taken["status"] == "queued" and "fuller reading" in taken["notice"]
        episode, _ = wait_done(client, taken["status_url"], timeout=180)
        assert "part of the timetable" in transcript(client, running, episode)

        paths = client.get("/api/openapi.json").json()["paths"]
        assert "post" in paths["/api/episodes/{episode_id}/approve"]
        assert "post" in paths["/api/episodes/{episode_id}/correct"]
        assert "force" in str(client.get("/api/openapi.json").json()["components"]["schemas"]["ArticleRequest"])


def test_staff_page_lists_held_episodes_and_approves_corrects_and_forces(
    running: Running, publisher: Publisher
) -> None:
    token = create_token(running.store, "desk")
    with httpx.Client(base_url=running.url, timeout=30) as browser:
        assert browser.post("/staff/login", data={"token": token}).status_code == 303
        page = browser.get("/staff")
        assert 'name="force"' in page.text  # the checkbox to force an article through
        queued = browser.post("/staff/articles", data={"source": publisher.url + "/share-bar", "feed": "main",
                                                        "csrf_token": csrf_of(page)})  # fmt: skip
        assert queued.status_code == 303
        [held] = running.store.episodes()
        assert held.status == "needs_review"
        shown = browser.get(queued.headers["location"])
        tree = lxml.html.fromstring(shown.text)
        banner = tree.xpath("string(//div[@id='queue-status'])")
        assert banner == f"“{fragments.TITLE}” is held for review: {held.reason}. See “Held for review” below."
        [section] = tree.xpath("//section[@aria-labelledby='held-heading']")
        assert section.xpath("string(.//h3)") == fragments.TITLE
        assert held.reason in section.text_content()
        [approve] = section.xpath(f".//form[@action='/staff/episodes/{held.id}/approve']")
        assert approve.xpath("string(.//button)") == "Approve: render as read"
        [textarea] = section.xpath(".//form[contains(@action, '/correct')]//textarea")
        assert textarea.text.strip() == fragments.LEAD  # the correction starts from the reading
        row_status = tree.xpath(f"string(//tr[@data-id='{held.id}']/td[@data-label='Status'])")
        assert row_status == "Needs review"

        # A form without the session's CSRF token does nothing.
        forged = browser.post(f"/staff/episodes/{held.id}/approve", data={"csrf_token": "0" * 64})
        assert forged.status_code == 403 and running.store.get(held.id).status == "needs_review"

        approved = browser.post(f"/staff/episodes/{held.id}/approve", data={"csrf_token": csrf_of(shown)})
        assert approved.status_code == 303 and approved.headers["location"] == f"/staff?queued={held.id}"
        assert [(e["id"], e["status"]) for e in wait_listed(browser, timeout=180)] == [(held.id, "published")]
        assert "Held for review" not in browser.get("/staff").text

        # Corrected from the staff page.
        page = browser.get("/staff")
        browser.post("/staff/articles", data={"source": publisher.url + "/author-box", "csrf_token": csrf_of(page)})
        boxed = next(e for e in running.store.episodes() if e.status == "needs_review")
        page = browser.get("/staff")
        corrected = browser.post(f"/staff/episodes/{boxed.id}/correct",
                                 data={"text": f"{fragments.LEAD}\n\n{fragments.REST[2]}", "csrf_token": csrf_of(page)})  # fmt: skip
        assert corrected.status_code == 303
        assert {e["status"] for e in wait_listed(browser, timeout=180)} == {"published"}
        episode = running.store.get(boxed.id)
        assert "parking fees" in (running.settings.public_dir / episode.transcript_path).read_text()

        # Forced with the checkbox: rendered as read, never held.
        page = browser.get("/staff")
        forced = browser.post("/staff/articles", data={"source": publisher.url + "/share-bar", "force": "true",
                                                        "csrf_token": csrf_of(page)})  # fmt: skip
        assert forced.status_code == 303
        assert running.store.get(held.id).status in ("queued", "rendering", "published")
        assert {e["status"] for e in wait_listed(browser, timeout=180)} == {"published"}
        # Approving what is not held says so on the staff page.
        refused = browser.post(f"/staff/episodes/{held.id}/approve", data={"csrf_token": csrf_of(page)})
        assert refused.status_code == 404
        error = lxml.html.fromstring(refused.text).xpath("string(//p[@id='queue-error'])")
        assert error == f"Error: episode '{held.id}' is not held for review (it is published)"
