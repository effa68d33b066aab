"""The staff page with a browser's requests: log in with a token, queue by URL or pasted text, CSRF, log out."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import lxml.html
import pytest

from narrate.store import Episode, Status
from narrate.web.staff import RECENT_EPISODES, STAFF_COOKIE
from narrate.web.tokens import create_token
from tests.web.conftest import Start
from tests.web.service import ARTICLE, Running


@pytest.fixture
def browser(service: Running, token: str) -> Iterator[httpx.Client]:
    """A logged-in browser: the session cookie is in its jar."""
    with httpx.Client(base_url=service.url, timeout=30) as client:
        assert client.post("/staff/login", data={"token": token}).status_code == 303
        yield client


def csrf_of(page: httpx.Response) -> str:
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page.text)
    value = re.search(r'value="([0-9a-f]{64})"', field.group(0)) if field else None
    assert value, page.text
    return value.group(1)


def wait_listed(browser: httpx.Client, timeout: float = 60) -> list[dict]:
    """The staff page's episode list once nothing in it is queued or rendering."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listed = browser.get("/staff/episodes.json").json()["episodes"]
        if all(e["status"] in ("published", "failed") for e in listed):
            return listed
        time.sleep(0.1)
    raise AssertionError(f"still rendering after {timeout} s: {listed}")


def queue(browser: httpx.Client, source: str, **extra: str) -> httpx.Response:
    csrf = csrf_of(browser.get("/staff"))
    return browser.post("/staff/articles", data={"source": source, "feed": "main", "csrf_token": csrf, **extra})


def test_log_in_queue_see_it_published_and_log_out(service: Running, token: str) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        form = client.get("/staff")
        assert form.status_code == 200 and 'name="token"' in form.text and "csrf_token" not in form.text

        logged_in = client.post("/staff/login", data={"token": f"  {token}\n"})  # as pasted
        assert logged_in.status_code == 303 and logged_in.headers["location"] == "/staff"
        cookie = logged_in.headers["set-cookie"]
        assert re.match(rf"{STAFF_COOKIE}=nrs_[A-Za-z0-9_-]{{43}};", cookie)  # a session id, not the token
        assert token not in cookie
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/staff" in cookie
        assert "Secure" not in cookie  # the base URL is http here

        queued = queue(client, ARTICLE)
        assert queued.status_code == 303
        [episode] = service.store.episodes()
        assert queued.headers["location"] == f"/staff?queued={episode.id}"
        assert episode.source == "api:text"
        confirmed = client.get(queued.headers["location"])
        assert "Queued “Library hours grow”" in confirmed.text

        listed = wait_listed(client)
        assert [(e["id"], e["title"], e["status"]) for e in listed] == [(episode.id, "Library hours grow", "published")]
        assert "Library hours grow" in client.get("/staff").text

        logged_out = client.post("/staff/logout", data={"csrf_token": csrf_of(client.get("/staff"))})
        assert logged_out.status_code == 303
        assert re.search(rf'{STAFF_COOKIE}=""?;.*Max-Age=0', logged_out.headers["set-cookie"])
        after = client.get("/staff")
    assert 'name="token"' in after.text and "Library hours grow" not in after.text


def test_a_bad_token_does_not_log_in(service: Running) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        answer = client.post("/staff/login", data={"token": "nrt_" + "B" * 43})
        assert answer.status_code == 401
        assert "That token is unknown or revoked." in answer.text
        assert "set-cookie" not in answer.headers
        assert client.get("/staff/episodes.json").status_code == 401


def test_the_cookie_is_secure_when_the_service_is_https(start_service: Start) -> None:
    service = start_service(base_url="https://audio.example.org")
    with httpx.Client(base_url=service.url, timeout=30) as client:
        answer = client.post("/staff/login", data={"token": create_token(service.store, "desk")})
    assert answer.status_code == 303
    assert "Secure" in answer.headers["set-cookie"]


def test_forms_without_the_right_csrf_token_or_from_another_origin_are_refused(
    service: Running, browser: httpx.Client
) -> None:
    csrf = csrf_of(browser.get("/staff"))
    attempts = {
        "wrong token": ({"csrf_token": "0" * 64}, {}),
        "no token": ({}, {}),
        "another site": ({"csrf_token": csrf}, {"Origin": "https://evil.example"}),
        "opaque origin": ({"csrf_token": csrf}, {"Origin": "null"}),
    }
    for why, (fields, headers) in attempts.items():
        answer = browser.post("/staff/articles", data={"source": ARTICLE, "feed": "main", **fields}, headers=headers)
        assert answer.status_code == 403, why
        assert "please try again" in answer.text, why
        out = browser.post("/staff/logout", data=fields, headers=headers)
        assert out.status_code == 403 and "set-cookie" not in out.headers, why
    assert service.store.episodes() == []
    same_site = browser.post("/staff/articles", data={"source": ARTICLE, "feed": "main", "csrf_token": csrf},
                             headers={"Origin": service.url})
    assert same_site.status_code == 303
    assert len(service.store.episodes()) == 1


def test_a_login_posted_from_another_site_is_refused(service: Running, token: str) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        answer = client.post("/staff/login", data={"token": token}, headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403 and "set-cookie" not in answer.headers


def test_a_pasted_url_is_fetched_and_a_refusal_is_shown_on_the_page(service: Running, browser: httpx.Client) -> None:
    answer = queue(browser, "  https://10.0.0.1/news/story  ")
    assert answer.status_code == 422
    assert "refusing to fetch https://10.0.0.1/news/story" in answer.text
    assert 'name="csrf_token"' in answer.text  # the page again, ready for another try
    assert service.store.episodes() == []


def test_text_that_merely_contains_a_url_is_text(service: Running, browser: httpx.Client) -> None:
    text = "Bridge reopens\n\nThe bridge at https://maps.example.org/bridge reopens on Friday after repairs.\n"
    assert queue(browser, text).status_code == 303
    [episode] = service.store.episodes()
    assert episode.title == "Bridge reopens" and episode.source == "api:text"


@pytest.mark.parametrize(
    ("source", "feed", "reason"),
    [("   ", "main", "paste the article's URL or its text"), (ARTICLE, "nope", "unknown feed 'nope'")],
)
def test_form_errors_re_render_the_page_with_the_reason(
    service: Running, browser: httpx.Client, source: str, feed: str, reason: str
) -> None:
    answer = browser.post(
        "/staff/articles", data={"source": source, "feed": feed, "csrf_token": csrf_of(browser.get("/staff"))}
    )
    assert answer.status_code == 422
    assert reason.replace("'", "&#39;") in answer.text or reason in answer.text
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert service.store.episodes() == []


@pytest.fixture
def two_feeds(start_service: Start, home: Path) -> Running:
    (home / "narrate.toml").write_text('[feeds.research]\ntitle = "Research, read aloud"\n', encoding="utf-8")
    return start_service()


@pytest.mark.parametrize(
    ("source", "feed", "reason"),
    [
        ("https://10.0.0.1/news/story", "research", "refusing to fetch https://10.0.0.1/news/story"),
        ("  https://192.168.1.20/a?b=1&c=<2>  ", "research", "refusing to fetch"),
        ("https://user:pw@example.org/</textarea><script>alert(1)</script>", "research", "user name or password"),
        (". . .\r\n\r\n\u200b\u200b\r\n…", "research", "no article text found"),
        ("Bridge reopens\r\n\r\nThe old bridge opens again on Friday after two years of repairs.", "nope",
         "unknown feed 'nope'"),
    ],
)
def test_a_refused_form_comes_back_with_the_pasted_source_and_the_chosen_feed(
    two_feeds: Running, source: str, feed: str, reason: str
) -> None:
    token = create_token(two_feeds.store, "desk")
    with httpx.Client(base_url=two_feeds.url, timeout=30) as client:
        assert client.post("/staff/login", data={"token": token}).status_code == 303
        csrf = csrf_of(client.get("/staff"))
        answer = client.post("/staff/articles", data={"source": source, "feed": feed, "csrf_token": csrf})
    assert answer.status_code == 422
    page = lxml.html.document_fromstring(answer.text)
    [alert] = page.xpath("//*[@role='alert']")
    assert reason in alert.text_content()
    [textarea] = page.xpath("//textarea[@name='source']")
    assert textarea.text_content() == source.replace("\r\n", "\n")  # exactly as pasted (browsers send CRLF)
    assert page.xpath("//script[not(@src)]") == []  # pasted markup stays text
    options = page.xpath("//select[@name='feed']/option")
    assert [o.get("value") for o in options] == ["main", "research"]
    assert [o.get("value") for o in options if o.get("selected") is not None] == ([feed] if feed != "nope" else [])
    assert set(page.xpath("//input[@name='csrf_token']/@value")) == {csrf}  # ready to send again
    assert two_feeds.store.episodes() == []


def dated(episode_id: str, days_ago: int, **values: object) -> Episode:
    """An episode last changed ``days_ago`` days ago, about an article of that day unless told otherwise."""
    changed = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago)
    fields: dict[str, object] = dict(
        title=f"Story {episode_id}", status=Status.PUBLISHED.value, published=changed.date(),
        created_at=changed, updated_at=changed,
    )
    fields.update(values)
    return Episode(
        id=episode_id, guid=f"guid-{episode_id}", feed="main", source_key=f"https://example.org/{episode_id}",
        **fields,
    )


def test_the_list_is_by_activity_so_what_was_just_queued_tops_a_full_list(
    service: Running, browser: httpx.Client
) -> None:
    for day in range(1, RECENT_EPISODES + 1):  # a full list of dated episodes, the newest changed a day ago
        service.store.save(dated(f"d{day:03}", day))
    # Queued a minute ago, with no date; and an old, dated article re-queued now that failed a moment ago.
    service.store.save(dated("undated", 0, published=None, status=Status.QUEUED.value,
                             updated_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)))
    service.store.save(dated("old", 3000, status=Status.FAILED.value, reason="engine failed",
                             published=dt.date(2001, 9, 1), updated_at=dt.datetime.now(dt.timezone.utc)))

    listed = [e["id"] for e in browser.get("/staff/episodes.json").json()["episodes"]]
    assert len(listed) == RECENT_EPISODES
    assert listed[:4] == ["old", "undated", "d001", "d002"]
    assert listed[-1] == f"d{RECENT_EPISODES - 2:03}"  # the two changed longest ago make room
    page = lxml.html.document_fromstring(browser.get("/staff").text)
    assert page.xpath("//table/tbody/tr/@data-id") == listed  # the page without JavaScript: the same order
    # The feed keeps its article-date order: the undated article last, the 2001 one just before it.
    assert [e.id for e in service.store.episodes()][-2:] == ["old", "undated"]


@pytest.mark.parametrize(
    ("status", "reason", "banner"),
    [
        (Status.QUEUED, None, "Queued “Fees <b>rise</b> & “more”\u200b”. It is listed below with its status."),
        (Status.RENDERING, None, "Queued “Fees <b>rise</b> & “more”\u200b”. It is listed below with its status."),
        (Status.PUBLISHED, None, "Published “Fees <b>rise</b> & “more”\u200b”."),
        (Status.FAILED, "no voice speaks 'xx' <set NARRATE_VOICES>", "“Fees <b>rise</b> & “more”\u200b” failed: "
         "no voice speaks 'xx' <set NARRATE_VOICES>"),
        (Status.FAILED, None, "“Fees <b>rise</b> & “more”\u200b” failed: no reason was recorded"),
    ],
)
def test_the_banner_says_where_the_queued_episode_is(
    service: Running, browser: httpx.Client, status: Status, reason: str | None, banner: str
) -> None:
    service.store.save(dated("e1", 0, title="Fees <b>rise</b> & “more”\u200b", status=status.value, reason=reason))
    page = lxml.html.document_fromstring(browser.get("/staff?queued=e1").text)
    [region] = page.xpath("//*[@role='status']")
    assert region.text_content() == banner and region.xpath(".//b") == []
    assert (region.get("data-episode"), region.get("data-status")) == ("e1", status.value)  # staff.js follows it
    assert region.xpath("p/@class") == (["failed"] if status is Status.FAILED else [])
    gone = lxml.html.document_fromstring(browser.get("/staff?queued=nope").text)
    assert gone.xpath("//*[@role='status']")[0].text_content() == ""
    assert gone.xpath("//*[@role='status']/@data-episode") == []


def test_the_feed_picker_starts_on_main_among_feeds_titled_alike(start_service: Start, home: Path) -> None:
    (home / "narrate.toml").write_text(
        '[feeds.alpha]\ntitle = "Narrate"\n[feeds.zeta]\ntitle = "Narrate"\n[feeds.main]\ntitle = "Narrate"\n',
        encoding="utf-8",
    )
    running = start_service()
    token = create_token(running.store, "desk")
    with httpx.Client(base_url=running.url, timeout=30) as client:
        assert client.post("/staff/login", data={"token": token}).status_code == 303
        page = lxml.html.document_fromstring(client.get("/staff").text)
    options = page.xpath("//select[@name='feed']/option")
    assert [(o.get("value"), o.text) for o in options] == [
        ("main", "Narrate (main)"), ("alpha", "Narrate (alpha)"), ("zeta", "Narrate (zeta)")
    ]
    assert [o.get("value") for o in options if o.get("selected") is not None] == ["main"]
