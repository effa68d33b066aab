"""Webhooks and followed sources in the running service: a Ghost-signed call publishes, a badly signed one is
refused and changes nothing, the generic signed form publishes and deletes; the embedded service polls by itself;
staff see sources in the API and on the staff page."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from narrate.sources import records, signing
from narrate.store.models import SourceEntry
from tests.sources.site import Site, article_page, rss, serve_site
from tests.web.conftest import Start
from tests.web.service import Running, parse_feed


@pytest.fixture
def site() -> Iterator[Site]:
    site, server = serve_site()
    yield site
    server.shutdown()


@pytest.fixture
def running(start_service: Start) -> Running:
    return start_service(fetch_allow="127.0.0.1", source_min_interval="0")


def follow(service: Running, url: str, **options: Any) -> tuple[str, str]:
    source, secret = records.follow(service.settings, service.store, url, feed="main", **options)
    return source.id, secret


def ghost_body(site: Site, path: str, title: str, *, previous: bool = False, deleted: bool = False) -> bytes:
    post = {"id": "6650", "uuid": "c0ffee", "title": title, "url": site.url + path, "status": "published",
            "html": f"<p>{title}, as Ghost sends it.</p>", "updated_at": "2026-11-02T09:00:00.000Z"}  # fmt: skip
    if deleted:
        return json.dumps({"post": {"current": {}, "previous": post}}).encode()
    return json.dumps({"post": {"current": post, "previous": {"updated_at": "x"} if previous else {}}}).encode()


def wait_for(check: Callable[[], Any], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("not done in time")


def published(service: Running) -> list[Any]:
    return [e for e in service.store.episodes() if e.status == "published"]


def test_a_ghost_signed_webhook_publishes_and_a_badly_signed_one_changes_nothing(running: Running, site: Site) -> None:
    site.put("/p/budget", article_page("Council passes the budget", ["The council passed the budget on Monday night."],
                                       site.url + "/p/budget"))  # fmt: skip
    source_id, secret = follow(running, site.url + "/rss/")
    body = ghost_body(site, "/p/budget", "Council passes the budget")
    hook = f"/api/hooks/{source_id}"
    with running.client() as client:
        refusals = [
            client.post(hook, content=body),  # unsigned
            client.post(hook, content=body, headers={"X-Ghost-Signature": signing.ghost_signature("wrong", body)}),
            client.post(hook, content=body + b" ", headers={"X-Ghost-Signature": signing.ghost_signature(secret, body)}),
            client.post(hook, content=body, headers={  # an old call, replayed
                "X-Ghost-Signature": signing.ghost_signature(secret, body, now=time.time() - 3600)}),
            client.post("/api/hooks/unknown", content=body,
                        headers={"X-Ghost-Signature": signing.ghost_signature(secret, body)}),
        ]  # fmt: skip
        assert [r.status_code for r in refusals] == [401] * 5
        assert all("signed" in r.json()["error"] for r in refusals)
        time.sleep(0.3)
        assert site.seen("/p/budget") == [] and running.store.episodes() == []
        assert records.entries(running.store, source_id) == []

        answer = client.post(hook, content=body, headers={"X-Ghost-Signature": signing.ghost_signature(secret, body),
                                                          "Content-Type": "application/json"})  # fmt: skip
        assert answer.status_code == 202, answer.text
        assert answer.json() == {"accepted": "publish", "url": site.url + "/p/budget", "source": source_id}
        (episode,) = wait_for(lambda: published(running))
        assert episode.title == "Council passes the budget" and episode.source_key == site.url + "/p/budget"
        feed = parse_feed(client, running.path(running.settings.public_url("feeds/main.xml")))
        assert [e["title"] for e in feed["episodes"]] == ["Council passes the budget"]
        guid = episode.guid

        # Ghost's "post.published.edited": the same episode is rendered again, in place.
        site.put("/p/budget", article_page("Council passes the budget", ["The council passed an amended budget."],
                                           site.url + "/p/budget"))  # fmt: skip
        edited = ghost_body(site, "/p/budget", "Council passes the budget", previous=True)
        answer = client.post(
            hook, content=edited, headers={"X-Ghost-Signature": signing.ghost_signature(secret, edited)}
        )
        assert answer.json()["accepted"] == "update"
        wait_for(
            lambda: (
                running.store.get(episode.id).rev != episode.rev and running.store.get(episode.id).status == "published"
            )
        )
        assert [e.guid for e in running.store.episodes()] == [guid]
        transcript = (running.settings.public_dir / str(running.store.get(episode.id).transcript_path)).read_text()
        assert "amended budget" in transcript


def test_the_generic_signed_form_publishes_and_deletes(start_service: Start, site: Site) -> None:
    service = start_service(fetch_allow="127.0.0.1")
    site.put("/news/1", article_page("Library opens on Sundays", ["The library will open on Sundays from May."],
                                     site.url + "/news/1"))  # fmt: skip
    source_id, secret = follow(service, site.url + "/feed/", unpublish_missing=True)
    hook = f"/api/hooks/{source_id}"

    def call(data: dict[str, Any], signature: str | None = None) -> httpx.Response:
        body = json.dumps(data).encode()
        header = signature or signing.generic_signature(secret, body)
        with service.client() as client:
            return client.post(hook, content=body, headers={"X-Narrate-Signature": header})

    assert call({"action": "publish", "url": site.url + "/news/1"}, "sha256=" + "0" * 64).status_code == 401
    assert call({"action": "publish", "url": site.url + "/news/1"}).status_code == 202
    (episode,) = wait_for(lambda: published(service))
    assert episode.title == "Library opens on Sundays"
    bad = call({"action": "archive", "url": site.url + "/news/1"})
    assert bad.status_code == 422 and "action must be one of publish, update, delete" in bad.json()["error"]
    assert call({"action": "delete", "url": site.url + "/news/1"}).status_code == 202
    mp3 = service.settings.public_dir / str(episode.audio_path)

    def deleted() -> bool:
        # The row goes first (a render in flight then publishes nothing), the feed, the page and the files after it.
        return service.store.episodes() == [] and not mp3.exists()

    wait_for(deleted)
    wait_for(lambda: [(r.link, r.state) for r in records.entries(service.store, source_id)]
             == [(site.url + "/news/1", "unpublished")])  # fmt: skip


def test_the_embedded_service_polls_its_sources_and_staff_see_them(start_service: Start, site: Site) -> None:
    site.put("/news/a", article_page("Trains run late again", ["The morning trains ran twenty minutes late."],
                                     site.url + "/news/a"))  # fmt: skip
    items = [{"path": "/news/a", "title": "Trains run late again", "date": dt.datetime(2026, 11, 2, tzinfo=dt.UTC)}]
    site.put("/feed.xml", rss(site, items), "application/rss+xml")
    service = start_service(fetch_allow="127.0.0.1", source_poll_interval="0.5", source_min_interval="0")
    source_id, _ = follow(service, site.url + "/feed.xml", since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    (episode,) = wait_for(lambda: published(service))  # nobody asked for a poll
    assert episode.title == "Trains run late again"
    wait_for(lambda: len(site.seen("/feed.xml")) >= 3)  # it keeps polling, conditionally
    assert {r.status for r in site.seen("/feed.xml")[1:]} == {304}
    assert len(site.seen("/news/a")) == 1

    from narrate.web.tokens import create_token

    token = create_token(service.store, "desk")
    with service.client() as client:
        assert client.get("/api/sources").status_code == 401
    with service.client(token) as client:
        (listed,) = client.get("/api/sources").json()["sources"]
    assert listed["id"] == source_id and listed["url"] == site.url + "/feed.xml" and listed["kind"] == "rss"
    assert listed["result"] in ("not modified", "queued") and listed["last_poll"] and listed["error"] is None
    assert listed["hook_url"] == f"{service.url}/api/hooks/{source_id}"
    assert listed["entries"] == {"queued": 1}

    with service.client() as browser:
        assert browser.post("/staff/login", data={"token": token}).status_code == 303
        page = browser.get("/staff").text
    section = page.split('id="sources-heading"', 1)[1]
    assert "Followed sources" in page and f"{site.url}/feed.xml" in section
    assert "<caption>Feeds and sitemaps whose new posts become episodes" in section


def test_a_source_with_a_failing_feed_shows_the_reason(start_service: Start, site: Site) -> None:
    service = start_service(fetch_allow="127.0.0.1", source_poll_interval="0.5", source_min_interval="0")
    source_id, _ = follow(service, site.url + "/missing.xml")
    wait_for(lambda: records.find(service.store, source_id).poll_result == "error")  # type: ignore[union-attr]
    source = records.find(service.store, source_id)
    assert source is not None and source.poll_error == f"could not fetch {site.url}/missing.xml: HTTP 404 Not Found"
    with service.store.session() as session:
        assert session.query(SourceEntry).count() == 0
