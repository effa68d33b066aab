"""A missing page on the real service: an HTML page for a browser (title, language, the way back), JSON otherwise."""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html
import pytest

from narrate.publishing.publish import publish_feed
from narrate.web.tokens import create_token
from tests.web.conftest import Start
from tests.web.service import Running

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
MISSING = ["/episodes/0123456789ab/", "/episodes/0123456789ab/embed.html", "/feeds/gone/", "/nothing-here", "/staff/x"]


@pytest.fixture
def running(start_service: Start) -> Running:
    return start_service()


@pytest.mark.parametrize("path", MISSING)
def test_a_browser_gets_an_html_page_that_leads_back_to_the_feed(running: Running, path: str) -> None:
    with running.client() as client:
        answer = client.get(path, headers={"Accept": BROWSER})
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "text/html; charset=utf-8"
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        page = lxml.html.document_fromstring(answer.text)
        assert page.get("lang") == "en"
        assert page.findtext(".//title") == "Page not found (404)"
        assert [h.text_content() for h in page.xpath("//h1")] == ["Page not found"]
        feed_page = f"{running.url}/feeds/main/"
        assert feed_page in page.xpath("//main//a/@href")
        # Its style sheet is served, wherever the missing page was.
        [sheet] = page.xpath("//link[@rel='stylesheet']/@href")
        assert client.get(urljoin(running.url + path, sheet)).headers["content-type"].startswith("text/css")


@pytest.mark.parametrize(
    "accept", [None, "*/*", "application/json", "application/json, text/html;q=0.5", "text/html;q=0"]
)
def test_other_clients_keep_the_json_reason(running: Running, accept: str | None) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    with running.client() as client:
        answer = client.get("/episodes/0123456789ab/", headers=headers)
        assert answer.status_code == 404 and answer.json() == {"error": "not found"}


@pytest.mark.parametrize("path", ["/api/episodes/0123456789ab", "/api/nothing"])
def test_the_api_keeps_json_even_for_a_browser(running: Running, path: str, token: str) -> None:
    with running.client() as client:
        answer = client.get(path, headers={"Accept": BROWSER, "Authorization": f"Bearer {token}"})
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/json"
        assert "error" in answer.json()


@pytest.fixture
def token(running: Running) -> str:
    return create_token(running.store, "desk")


def test_the_feed_page_is_served_at_the_channel_link_without_a_redirect(running: Running) -> None:
    publish_feed(running.settings, running.store, "main")
    with running.client() as client:
        answer = client.get("/feeds/main/", headers={"Accept": BROWSER})
        assert answer.status_code == 200 and "<h1>Narrate</h1>" in answer.text
        sitemap = client.get("/sitemap.xml")
        assert sitemap.status_code == 200 and f"<loc>{running.url}/feeds/main/</loc>" in sitemap.text
