"""Public files as podcast apps and browsers fetch them: types, ranges, revalidation, CORS, headers, containment."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.web.conftest import Start
from tests.web.service import Running, raw_get

AUDIO = bytes(range(256)) * 4  # 1024 bytes, every offset recognisable
FEED = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>T</title></channel></rss>\n'
PAGE_CSP = "frame-ancestors 'none'"


@pytest.fixture
def public(start_service: Start, home: Path) -> Running:
    files = {
        "feeds/main.xml": FEED,
        "feeds/main-cover-abc.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 32,
        "feeds/main/index.html": b"<!doctype html><title>Feed</title>",
        "audio/main/ep1-r1.mp3": AUDIO,
        "transcripts/main/ep1-r1.vtt": b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello.\n",
        "chapters/main/ep1-r1.json": b'{"version": "1.2.0", "chapters": []}',
        "episodes/ep1/index.html": b"<!doctype html><title>Episode one</title>",
        "episodes/ep1/embed.html": b"<!doctype html><title>Listen</title>",
        "assets/player.js": b"console.log(1);",
        "assets/pages.css": b"body{}",
        "feeds/.main.xml.123.tmp": b"half a feed",
    }
    for relative, data in files.items():
        path = home / "public" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (home / "narrate.toml").write_text('engine = "tone"\n# secret: private-config-marker\n')
    return start_service()


CONTENT_TYPES = {
    "/feeds/main.xml": "application/rss+xml; charset=utf-8",
    "/audio/main/ep1-r1.mp3": "audio/mpeg",
    "/transcripts/main/ep1-r1.vtt": "text/vtt; charset=utf-8",
    "/chapters/main/ep1-r1.json": "application/json+chapters",
    "/feeds/main-cover-abc.png": "image/png",
    "/episodes/ep1/": "text/html; charset=utf-8",
    "/assets/player.js": "text/javascript; charset=utf-8",
    "/assets/pages.css": "text/css; charset=utf-8",
}


def test_each_kind_of_file_has_its_type_validators_and_security_headers(public: Running) -> None:
    with public.client() as client:
        for path, content_type in CONTENT_TYPES.items():
            answer = client.get(path)
            assert answer.status_code == 200, path
            assert answer.headers["content-type"] == content_type, path
            assert re.fullmatch(r'"[0-9a-f]{32}"', answer.headers["etag"]), path
            assert answer.headers["last-modified"].endswith(" GMT"), path
            assert answer.headers["accept-ranges"] == "bytes", path
            assert answer.headers["x-content-type-options"] == "nosniff", path
            assert answer.headers["referrer-policy"] == "same-origin", path


def test_file_bytes_are_served_exactly(public: Running) -> None:
    with public.client() as client:
        assert client.get("/audio/main/ep1-r1.mp3").content == AUDIO
        assert client.get("/feeds/main.xml").content == FEED


@pytest.mark.parametrize(
    ("asked", "first", "last"),
    [
        ("bytes=100-199", 100, 199),
        ("bytes=1000-", 1000, 1023),
        ("bytes=-24", 1000, 1023),
        ("bytes=0-0", 0, 0),
        ("bytes=1000-99999", 1000, 1023),  # clipped to the file
        ("bytes=-5000", 0, 1023),  # a suffix longer than the file is the whole file
        ("bytes=0-9, 5000-6000", 0, 9),  # only the satisfiable range is served
    ],
)
def test_a_byte_range_is_exactly_those_bytes(public: Running, asked: str, first: int, last: int) -> None:
    with public.client() as client:
        answer = client.get("/audio/main/ep1-r1.mp3", headers={"Range": asked})
    assert answer.status_code == 206
    assert answer.headers["content-range"] == f"bytes {first}-{last}/1024"
    assert answer.headers["content-length"] == str(last - first + 1)
    assert answer.content == AUDIO[first : last + 1]
    assert answer.headers["content-type"] == "audio/mpeg"


@pytest.mark.parametrize("asked", ["bytes=1024-", "bytes=5000-6000", "bytes=-0"])
def test_an_unsatisfiable_range_is_416_with_the_size(public: Running, asked: str) -> None:
    with public.client() as client:
        answer = client.get("/audio/main/ep1-r1.mp3", headers={"Range": asked})
    assert answer.status_code == 416
    assert answer.headers["content-range"] == "bytes */1024"
    assert answer.json() == {"error": "range not satisfiable"}


@pytest.mark.parametrize("asked", ["bytes=abc", "items=0-5", "bytes=9-3", "bytes=", "0-5"])
def test_an_invalid_range_header_is_ignored(public: Running, asked: str) -> None:
    with public.client() as client:
        answer = client.get("/audio/main/ep1-r1.mp3", headers={"Range": asked})
    assert answer.status_code == 200
    assert answer.content == AUDIO


def test_several_ranges_come_back_as_multipart_byteranges(public: Running) -> None:
    with public.client() as client:
        answer = client.get("/audio/main/ep1-r1.mp3", headers={"Range": "bytes=0-9,500-509,-4"})
    assert answer.status_code == 206
    media, boundary = answer.headers["content-type"].split("; boundary=")
    assert media == "multipart/byteranges"
    assert int(answer.headers["content-length"]) == len(answer.content)
    parts = answer.content.split(f"--{boundary}".encode())
    assert parts[0] == b"" and parts[-1] == b"--"
    served = {}
    for part in parts[1:-1]:
        head, body = part.split(b"\r\n\r\n", 1)
        assert b"Content-Type: audio/mpeg" in head
        where = re.search(rb"Content-Range: bytes (\d+)-(\d+)/1024", head)
        assert where, head
        first, last = int(where.group(1)), int(where.group(2))
        served[(first, last)] = body.removesuffix(b"\r\n")
    assert served == {(0, 9): AUDIO[0:10], (500, 509): AUDIO[500:510], (1020, 1023): AUDIO[1020:]}


def test_head_has_the_headers_and_no_body(public: Running) -> None:
    with public.client() as client:
        whole = client.head("/audio/main/ep1-r1.mp3")
        part = client.head("/audio/main/ep1-r1.mp3", headers={"Range": "bytes=100-199"})
        get = client.get("/audio/main/ep1-r1.mp3")
    assert whole.status_code == 200 and whole.content == b""
    assert whole.headers["content-length"] == "1024"
    assert whole.headers["etag"] == get.headers["etag"]
    assert whole.headers["content-type"] == "audio/mpeg"
    assert part.status_code == 206 and part.content == b""
    assert part.headers["content-range"] == "bytes 100-199/1024"


def test_if_range_with_another_version_gets_the_whole_file(public: Running) -> None:
    with public.client() as client:
        etag = client.head("/audio/main/ep1-r1.mp3").headers["etag"]
        same = client.get("/audio/main/ep1-r1.mp3", headers={"Range": "bytes=0-9", "If-Range": etag})
        other = client.get("/audio/main/ep1-r1.mp3", headers={"Range": "bytes=0-9", "If-Range": '"older"'})
    assert same.status_code == 206 and same.content == AUDIO[:10]
    assert other.status_code == 200 and other.content == AUDIO


def test_feed_revalidation_answers_304_until_the_feed_changes(public: Running, home: Path) -> None:
    with public.client() as client:
        first = client.get("/feeds/main.xml")
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert first.headers["cache-control"] == "no-cache"
        for validators in (
            {"If-None-Match": etag},
            {"If-None-Match": f'"other", W/{etag}'},
            {"If-None-Match": "*"},
            {"If-Modified-Since": modified},
        ):
            again = client.get("/feeds/main.xml", headers=validators)
            assert again.status_code == 304, validators
            assert again.content == b""
            assert again.headers["etag"] == etag
        assert client.get("/feeds/main.xml", headers={"If-None-Match": '"other"'}).status_code == 200

        feed = home / "public/feeds/main.xml"
        feed.write_bytes(FEED.replace(b"<title>T", b"<title>New"))
        os.utime(feed, (first_mtime := feed.stat().st_mtime + 10, first_mtime))
        changed = client.get("/feeds/main.xml", headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert changed.status_code == 200
    assert b"<title>New" in changed.content
    assert changed.headers["etag"] != etag


@pytest.mark.parametrize(
    "path", ["/transcripts/main/ep1-r1.vtt", "/chapters/main/ep1-r1.json", "/feeds/main.xml", "/audio/main/ep1-r1.mp3"]
)
def test_public_files_may_be_read_from_any_origin(public: Running, path: str) -> None:
    with public.client() as client:
        answer = client.get(path, headers={"Origin": "https://news.example.com", "Range": "bytes=0-3"})
        preflight = client.options(
            path,
            headers={
                "Origin": "https://news.example.com",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "range",
            },
        )
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "Content-Range" in answer.headers["access-control-expose-headers"]
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "Range" in preflight.headers["access-control-allow-headers"]


def test_staff_api_is_not_opened_to_other_origins(public: Running) -> None:
    with public.client() as client:
        asking = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        preflight = client.options("/api/articles", headers=asking)
        answer = client.get("/api/episodes", headers={"Origin": "https://evil.example"})
    assert preflight.status_code == 404
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in answer.headers


def test_directory_urls_redirect_to_the_slash_form_and_serve_its_index(public: Running) -> None:
    with public.client() as client:
        bare = client.get("/episodes/ep1?from=article")
        page = client.get("/episodes/ep1/")
        feed_page = client.get("/feeds/main", follow_redirects=True)
        no_index = client.get("/audio/main/")
    assert bare.status_code == 308
    assert bare.headers["location"] == "ep1/?from=article"  # relative: right behind any proxy prefix
    assert page.status_code == 200 and b"Episode one" in page.content
    assert str(feed_page.url).endswith("/feeds/main/") and b"<title>Feed" in feed_page.content
    assert no_index.status_code == 404  # no directory listings


def test_pages_get_a_strict_policy_and_only_the_embed_may_be_framed(public: Running) -> None:
    with public.client() as client:
        page = client.get("/episodes/ep1/")
        embed = client.get("/episodes/ep1/embed.html")
        audio = client.get("/audio/main/ep1-r1.mp3")
    policy = page.headers["content-security-policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
                      "media-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"):
        assert directive in policy
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert PAGE_CSP not in embed.headers["content-security-policy"]
    assert "script-src 'self'" in embed.headers["content-security-policy"]
    assert "content-security-policy" not in audio.headers


def test_a_missing_file_is_a_json_404_with_security_headers(public: Running) -> None:
    with public.client() as client:
        answer = client.get("/audio/main/nothing.mp3")
    assert answer.status_code == 404
    assert answer.json() == {"error": "not found"}
    assert answer.headers["x-content-type-options"] == "nosniff"


TRAVERSALS = [
    "/../narrate.db",
    "/%2e%2e/narrate.db",
    "/%2E%2E/%2E%2E/etc/passwd",
    "/feeds/../../narrate.db",
    "/feeds/..%2f..%2fnarrate.db",
    "/feeds/%2e%2e%2f%2e%2e%2fnarrate.toml",
    "/feeds/..%5c..%5cnarrate.db",
    "/..%5cnarrate.toml",
    "//etc/passwd",
    "/%2fetc/passwd",
    "/feeds/%2e%2e",
    "/feeds/.main.xml.123.tmp",
    "/narrate.db",
    "/narrate.toml",
    "/cache/",
    "/leak-config",
    "/leak-home/narrate.db",
    "/leak-home/narrate.toml",
    "/feeds/main.xml%00.png",
    "/loop/feed.xml",
    "/audio/" + "a" * 300 + "/" + "b" * 300 + ".mp3",
]


def test_nothing_outside_public_can_be_reached(public: Running, home: Path) -> None:
    (home / "public/leak-config").symlink_to(home / "narrate.toml")
    (home / "public/leak-home").symlink_to(home, target_is_directory=True)
    (home / "public/loop").symlink_to(home / "public/loop")
    assert (home / "narrate.db").read_bytes().startswith(b"SQLite format 3")
    for target in TRAVERSALS:
        answer = raw_get(public, target)
        assert answer.status_code == 404, (target, answer.status_code, answer.content[:100])
        assert b"SQLite format 3" not in answer.content
        assert b"private-config-marker" not in answer.content
        assert b"root:" not in answer.content


def test_a_symlink_that_stays_inside_public_is_served(public: Running, home: Path) -> None:
    (home / "public/latest.mp3").symlink_to(home / "public/audio/main/ep1-r1.mp3")
    with public.client() as client:
        assert client.get("/latest.mp3").content == AUDIO
