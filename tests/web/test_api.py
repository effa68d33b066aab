"""The staff API end to end: queue, follow, fetch what listeners fetch; re-render, unpublish, limits and errors."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from narrate import pipeline
from narrate.web.tokens import create_token
from tests.web.conftest import Start
from tests.web.service import ARTICLE, Running, parse_feed, wait_done

ARTICLE_PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour ferry returns | Coast News</title>
<link rel="canonical" href="https://coast.example.org/news/ferry"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour ferry returns</h1><p class="byline">By Ana Silva</p>
<p>The harbour ferry will run again from Monday after a year of repairs to its engines and the pier.</p>
<p>Tickets cost the same as before, and the first boat leaves at seven in the morning every weekday.</p>
<p>The council said that the repairs finished two weeks early and under budget.</p></article>
<footer>Copyright Coast News</footer></body></html>"""


class ArticleServer:
    """A publisher's web server on 127.0.0.1, counting the requests it gets."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                outer.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(ARTICLE_PAGE)))
                self.end_headers()
                self.wfile.write(ARTICLE_PAGE)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/news/ferry"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def publisher() -> Iterator[ArticleServer]:
    server = ArticleServer()
    yield server
    server.close()


def queue(client: httpx.Client, **body: str) -> dict:
    answer = client.post("/api/articles", json=body)
    assert answer.status_code == 202, answer.text
    return answer.json()


def test_queue_follow_and_fetch_the_enclosure_as_a_podcast_app_would(service: Running, token: str) -> None:
    with service.client(token) as client:
        queued = queue(client, text=ARTICLE)
        assert queued["status_url"] == f"/api/episodes/{queued['id']}"
        assert queued["status"] == "queued" and queued["title"] == "Library hours grow"
        episode, progress = wait_done(client, queued["status_url"])
    assert episode["status"] == "published", episode
    assert progress == sorted(progress) and progress[-1] == 100
    assert len(progress) == 1 or progress[0] < 100

    with service.client() as listener:  # no token: everything below is public
        feed = parse_feed(listener, service.path(episode["feed_url"]))
        [item] = feed["episodes"]
        assert item["title"] == "Library hours grow"
        [enclosure] = item["enclosures"]
        assert enclosure["mime_type"] == "audio/mpeg"
        audio_path = service.path(enclosure["url"])
        assert enclosure["url"] == episode["audio_url"]

        whole = listener.get(audio_path).content
        assert len(whole) == enclosure["file_size"] == episode["bytes"]
        part = listener.get(audio_path, headers={"Range": "bytes=100-199"})
        assert part.status_code == 206
        assert part.headers["content-range"] == f"bytes 100-199/{len(whole)}"
        assert part.content == whole[100:200]
        head = listener.head(audio_path)
        assert head.status_code == 200 and head.content == b""
        assert int(head.headers["content-length"]) == enclosure["file_size"]

        transcript = listener.get(service.path(episode["transcript_url"]))
        assert transcript.headers["content-type"] == "text/vtt; charset=utf-8"
        assert transcript.text.startswith("WEBVTT") and "Sundays" in transcript.text
        chapters = listener.get(service.path(episode["chapters_url"]))
        assert chapters.headers["content-type"] == "application/json+chapters"
        assert chapters.headers["access-control-allow-origin"] == "*"
        assert chapters.json()["chapters"][0]["startTime"] == 0
        page = listener.get(service.path(episode["page_url"]))
        assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
        assert "<h1>Library hours grow</h1>" in page.text or "Library hours grow</h1>" in page.text


def test_a_url_is_fetched_from_an_allowed_local_server(start_service: Start, publisher: ArticleServer) -> None:
    service = start_service(fetch_allow="127.0.0.1")
    with service.client(create_token(service.store, "desk")) as client:
        queued = queue(client, url=publisher.url, feed="main")
        episode, _ = wait_done(client, queued["status_url"])
    assert publisher.hits == ["/news/ferry"]
    assert episode["status"] == "published", episode
    assert episode["title"] == "Harbour ferry returns"
    assert episode["author"] == "Ana Silva"


@pytest.mark.parametrize("where", ["loopback", "private"])
def test_urls_to_private_addresses_are_refused_with_a_reason(
    service: Running, token: str, publisher: ArticleServer, where: str
) -> None:
    url = publisher.url if where == "loopback" else "http://10.0.0.1/news/ferry"
    with service.client(token) as client:
        answer = client.post("/api/articles", json={"url": url})
        listed = client.get("/api/episodes").json()
    assert answer.status_code == 422
    reason = answer.json()["error"]
    assert reason.startswith("refusing to fetch") and "private, loopback or link-local" in reason
    assert ("127.0.0.1" if where == "loopback" else "10.0.0.1") in reason
    assert publisher.hits == []
    assert listed == {"episodes": []}


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"text": ARTICLE, "url": "https://example.org/a"}, 422, "exactly one of url, html, text or markdown"),
        ({"feed": "main"}, 422, "exactly one of url, html, text or markdown"),
        ({"text": ARTICLE, "feed": "nope"}, 422, "unknown feed 'nope'"),
        ({"text": ARTICLE, "engine": "nope"}, 422, "nope"),
        ({"text": ARTICLE, "colour": "red"}, 422, "colour: Extra inputs are not permitted"),
        ({"text": 12}, 422, "text: Input should be a valid string"),
        ([1, 2], 422, "body"),
        ({"url": "ftp://example.org/a"}, 422, "http"),
    ],
)
def test_bad_submissions_get_a_one_line_reason_and_create_nothing(
    service: Running, token: str, body: object, status: int, words: str
) -> None:
    with service.client(token) as client:
        answer = client.post("/api/articles", json=body)
        listed = client.get("/api/episodes").json()
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert words in answer.json()["error"]
    assert "\n" not in answer.json()["error"]
    assert listed == {"episodes": []}


def test_malformed_json_and_unknown_ids_are_json_errors(service: Running, token: str) -> None:
    with service.client(token) as client:
        broken = client.post("/api/articles", content=b'{"text": ', headers={"Content-Type": "application/json"})
        missing = client.get("/api/episodes/nope")
        unknown_delete = client.delete("/api/episodes/nope")
        unknown_render = client.post("/api/episodes/nope/render")
        wrong_method = client.put("/api/articles", json={})
    assert broken.status_code == 422 and broken.json()["error"].startswith("the body is not valid JSON")
    assert missing.status_code == 404 and missing.json() == {"error": "no episode 'nope'"}
    assert unknown_delete.status_code == 404 and unknown_render.status_code == 404
    assert wrong_method.status_code == 405 and "error" in wrong_method.json()


def test_an_unexpected_crash_is_a_one_line_json_500(
    service: Running, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_: object) -> None:
        raise RuntimeError("disk on fire\n  Traceback details")

    monkeypatch.setattr(pipeline, "rerender", crash)
    with service.client(token) as client:
        answer = client.post("/api/episodes/anything/render")
    assert answer.status_code == 500
    assert answer.json() == {"error": "internal error; the service log has the details"}
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_stopping_the_service_finishes_the_render_in_progress(service: Running, token: str) -> None:
    with service.client(token) as client:
        queued = queue(client, text=ARTICLE)
    service.stop()
    episode = service.store.get(queued["id"])
    assert (episode.status, episode.reason) == ("published", None)


def test_rerender_keeps_the_guid_and_delete_unpublishes(service: Running, token: str, home: Path) -> None:
    with service.client(token) as client:
        first, _ = wait_done(client, queue(client, text=ARTICLE)["status_url"])
        again = client.post(f"/api/episodes/{first['id']}/render")
        assert again.status_code == 202
        assert again.json()["id"] == first["id"] and again.json()["guid"] == first["guid"]
        second, _ = wait_done(client, again.json()["status_url"])
        assert second["status"] == "published" and second["guid"] == first["guid"]
        [item] = parse_feed(client, service.path(second["feed_url"]))["episodes"]
        assert item["guid"] == first["guid"]
        assert client.get("/api/episodes").json()["episodes"] == [client.get(again.json()["status_url"]).json()]

        gone = client.delete(f"/api/episodes/{first['id']}")
        assert gone.status_code == 200
        assert gone.json() == {"id": first["id"], "status": "unpublished"}
        assert parse_feed(client, service.path(second["feed_url"]))["episodes"] == []
        for url in (second["audio_url"], second["transcript_url"], second["chapters_url"]):
            assert client.get(service.path(url)).status_code == 404
        assert client.get(f"/api/episodes/{first['id']}").status_code == 404
        assert client.delete(f"/api/episodes/{first['id']}").status_code == 404
    assert list((home / "public/audio").rglob("*.mp3")) == []


def test_episodes_can_be_listed_by_feed(start_service: Start, home: Path) -> None:
    (home / "narrate.toml").write_text('[feeds.sport]\ntitle = "Sport"\n')
    service = start_service()
    with service.client(create_token(service.store, "desk")) as client:
        main = queue(client, text=ARTICLE)
        sport = queue(client, text="Cup final tonight\n\nThe final starts at eight in the evening.\n", feed="sport")
        wait_done(client, main["status_url"])
        wait_done(client, sport["status_url"])
        everything = [e["id"] for e in client.get("/api/episodes").json()["episodes"]]
        only_sport = client.get("/api/episodes", params={"feed": "sport"}).json()["episodes"]
    assert sorted(everything) == sorted([main["id"], sport["id"]])
    assert [(e["id"], e["feed"], e["title"]) for e in only_sport] == [(sport["id"], "sport", "Cup final tonight")]


def test_the_rate_limit_is_per_token(start_service: Start) -> None:
    service = start_service(rate_limit_per_minute="3")
    first, second = create_token(service.store, "first"), create_token(service.store, "second")
    with service.client(first) as client, service.client(second) as other:
        assert [client.get("/api/episodes").status_code for _ in range(3)] == [200, 200, 200]
        refused = client.post("/api/articles", json={"text": ARTICLE})
        assert other.get("/api/episodes").status_code == 200
        listed = other.get("/api/episodes").json()
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "rate limit of 3 requests a minute" in refused.json()["error"]
    assert listed == {"episodes": []}


def test_bodies_over_the_cap_are_refused_before_anything_happens(start_service: Start) -> None:
    service = start_service(max_body_bytes="2000")
    big = {"text": ARTICLE + "More words for the cap. " * 100}
    with service.client(create_token(service.store, "desk")) as client:
        declared = client.post("/api/articles", json=big)

        def chunks() -> Iterator[bytes]:  # no Content-Length: the bytes are counted as they arrive
            yield b'{"text": "'
            for _ in range(30):
                yield b"More words for the cap. " * 4
            yield b'"}'

        streamed = client.post("/api/articles", content=chunks(), headers={"Content-Type": "application/json"})
        listed = client.get("/api/episodes").json()
        small = client.post("/api/articles", json={"text": ARTICLE})
    for answer in (declared, streamed):
        assert answer.status_code == 413
        assert answer.json() == {"error": "the request body is over the limit of 2000 bytes"}
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert listed == {"episodes": []}
    assert small.status_code == 202  # a body under the cap, read from the buffer, works


def test_openapi_documents_the_staff_api_with_bearer_tokens(service: Running) -> None:
    with service.client() as client:
        spec = client.get("/api/openapi.json").json()
        docs = [client.get(path).status_code for path in ("/docs", "/redoc", "/api/docs")]
    operations = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert operations == {
        ("/api/articles", "post"),
        ("/api/episodes", "get"),
        ("/api/episodes/{episode_id}", "get"),
        ("/api/episodes/{episode_id}", "delete"),
        ("/api/episodes/{episode_id}/render", "post"),
        ("/api/episodes/{episode_id}/approve", "post"),  # review (narrate/extract/completeness.py)
        ("/api/episodes/{episode_id}/correct", "post"),
        ("/api/sources", "get"),
        ("/api/hooks/{source_id}", "post"),  # signed by the CMS with the source's secret, not a staff token
    }
    [scheme] = spec["components"]["securitySchemes"].values()
    assert scheme["type"] == "http" and scheme["scheme"].lower() == "bearer"
    for path, item in spec["paths"].items():
        for operation in item.values():
            assert operation.get("security") or path == "/api/hooks/{source_id}", operation
            assert "401" in operation["responses"]
    body = spec["paths"]["/api/articles"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    model = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert set(model["properties"]) == {"url", "html", "text", "markdown", "feed", "title", "author", "engine", "force"}
    assert docs == [404, 404, 404]


def test_a_big_body_on_a_kept_alive_connection_still_gets_its_413(start_service: Start) -> None:
    # The service answers before the client has sent everything; it must read the rest, or TCP resets the
    # connection and the client sees a broken response instead of the reason.
    service = start_service()
    huge = b'{"text": "' + b"x" * 20_000_000 + b'"}'
    with service.client(create_token(service.store, "desk")) as client:
        for _ in range(3):
            assert client.get("/api/episodes").status_code == 200  # the connection is open and reused
            answer = client.post("/api/articles", content=huge, headers={"Content-Type": "application/json"})
            assert answer.status_code == 413
            assert answer.json() == {"error": "the request body is over the limit of 5242880 bytes"}
