"""Listening figures from `narrate serve`'s own file serving, on a real server: what counts, what the staff page
and `narrate stats` show, and that no address is kept."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import httpx
import pytest
from lxml import html
from sqlalchemy import text
from sqlalchemy.engine import make_url

from narrate.cli import main
from narrate.store import Episode, Status
from narrate.web.tokens import create_token
from tests.support.reading import text_of
from tests.web.conftest import Start
from tests.web.service import Running

AUDIO = bytes(range(256)) * 480  # 122,880 bytes
DURATION = 120.0  # so one minute is half the file
APPLE = "AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
BOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
LISTENER = "203.0.113.77"
MP3 = "/audio/main/ep1-r1.mp3"


@pytest.fixture
def running(start_service: Start, home: Path) -> Running:
    for relative, data in {"audio/main/ep1-r1.mp3": AUDIO, "episodes/ep1/index.html": b"<!doctype html>"}.items():
        path = home / "public" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    # The address the listener is seen from comes from X-Forwarded-For, as behind a reverse proxy.
    running = start_service(trusted_proxies="127.0.0.1")
    for id, title in (("ep1", "Library hours grow"), ("ep2", "Council passes the water bill")):
        running.store.save(
            Episode(
                id=id,
                guid=f"guid-{id}",
                feed="main",
                source_key=f"https://example.org/{id}",
                title=title,
                status=Status.PUBLISHED.value,
                audio_path=f"audio/main/{id}-r1.mp3",
                bytes=len(AUDIO),
                duration=DURATION,
            )
        )
    return running


def get(client: httpx.Client, agent: str, path: str = MP3, address: str = LISTENER, **headers: str) -> httpx.Response:
    return client.get(path, headers={"User-Agent": agent, "X-Forwarded-For": address, **headers})


def downloads(running: Running, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["stats", "--json", "--days", "30"]) == 0
    return {episode["id"]: episode["downloads"] for episode in json.loads(capsys.readouterr().out)}


def test_served_audio_counts_once_per_listener_and_never_for_bots(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    with running.client() as client:
        probe = get(client, APPLE, Range="bytes=0-1")
        assert (probe.status_code, probe.content) == (206, AUDIO[:2])
        assert downloads(running, capsys) == {"ep1": 0, "ep2": 0}  # two bytes are no download
        first = get(client, APPLE, Range="bytes=0-40959")
        rest = get(client, APPLE, Range="bytes=40960-")
        assert first.content + rest.content == AUDIO  # counting leaves serving exactly as it was
        assert get(client, APPLE, Range="bytes=100-200").status_code == 206
        assert downloads(running, capsys) == {"ep1": 1, "ep2": 0}

        assert get(client, BROWSER).content == AUDIO  # another user agent at the same address
        assert get(client, BROWSER, address="198.51.100.4").status_code == 200  # another address
        assert get(client, BOT).status_code == 200
        assert client.head(MP3, headers={"User-Agent": "Overcast/3.0"}).status_code == 200
        etag = get(client, APPLE).headers["etag"]
        assert get(client, "Overcast/3.0", **{"If-None-Match": etag}).status_code == 304
        assert get(client, APPLE, "/episodes/ep1/").status_code == 200  # a page, not an enclosure
        assert get(client, APPLE, "/audio/main/ep2-r1.mp3", Range="bytes=0-9").status_code == 404  # no such file
        assert downloads(running, capsys) == {"ep1": 3, "ep2": 0}

    # A day later (the rows moved back one day), the same listener counts again, under a new salt.
    with running.store.session() as session:
        session.execute(text("UPDATE downloads SET day = :yesterday"), {"yesterday": _days_ago(1)})
        session.execute(text("UPDATE listener_salts SET day = :yesterday"), {"yesterday": _days_ago(1)})
    with running.client() as client:
        get(client, APPLE)
    assert downloads(running, capsys) == {"ep1": 4, "ep2": 0}
    with running.store.session() as session:
        assert session.execute(text("SELECT day FROM listener_salts")).scalars().all() in (
            [_days_ago(0)], [_days_ago(0).isoformat()]
        )  # fmt: skip
    dump = "\n".join(sqlite3.connect(str(make_url(running.settings.db_url).database)).iterdump())
    assert LISTENER not in dump and "198.51.100.4" not in dump


def test_the_staff_page_charts_downloads_per_day_with_a_table(running: Running) -> None:
    with running.client() as client:
        for agent in (APPLE, BROWSER):
            get(client, agent)
        get(client, APPLE, "/audio/main/ep1-r0.mp3")  # an earlier revision's file: gone, 404, not counted
        assert client.get("/staff/listening").text.count('name="token"') == 1  # signed out: the login form
        token = create_token(running.store, "desk")
        assert client.post("/staff/login", data={"token": token}).status_code == 303
        answer = client.get("/staff/listening", params={"days": 7})
        assert answer.status_code == 200
        page = html.document_fromstring(answer.text)
        today = _days_ago(0).isoformat()

        [svg] = page.xpath("//svg")
        assert svg.get("role") == "img"
        assert svg.get("aria-label").endswith(f": 2 downloads in all, the most on {_spoken(_days_ago(0))} (2).")
        assert [(bar.get("data-date"), bar.get("data-downloads")) for bar in svg.xpath(".//rect")] == [(today, "2")]
        per_day, per_episode = page.xpath("//table")
        assert text_of(per_day.xpath("caption")[0]).startswith(f"Downloads per day, {_days_ago(6)} to {today}")
        assert [text_of(th) for th in per_day.xpath("thead//th")] == ["Day", "Downloads"]
        rows = [[text_of(cell) for cell in row.xpath("th|td")] for row in per_day.xpath("tbody/tr")]
        assert rows == [[_days_ago(n).isoformat(), "2" if n == 0 else "0"] for n in range(6, -1, -1)]
        assert [[text_of(cell) for cell in row.xpath("th|td")] for row in per_episode.xpath("tbody/tr")] == [
            ["Library hours grow", "Narrate (main)", "2"], ["Council passes the water bill", "Narrate (main)", "0"]
        ]  # fmt: skip
        [link] = per_episode.xpath("tbody/tr[1]/th/a/@href")
        one = html.document_fromstring(client.get(link).text)
        assert "Library hours grow" in text_of(one.xpath("//h2")[0])
        assert len(one.xpath("//table")) == 1 and one.xpath("//svg//rect/@data-downloads") == ["2"]
        assert client.get("/staff").text.count('href="/staff/listening"') == 1  # the staff page links here

        assert client.get("/staff/listening", params={"days": 0}).json() == {"error": "days must be between 1 and 3660"}
        assert client.get("/staff/listening", params={"episode": "nope"}).status_code == 404
        assert client.get("/staff/listening", params={"feed": "nope"}).status_code == 422


def _days_ago(days: int) -> dt.date:
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days)


def _spoken(day: dt.date) -> str:
    return f"{day.day} {day:%b} {day.year}"
