"""Issue 6 against the real service: secrets at rest, staff sessions, sign-in limits, headers on every page, logs."""

from __future__ import annotations

import hashlib
import logging
import re
from html.parser import HTMLParser

import httpx
import pytest
from sqlalchemy import create_engine, inspect, text

from narrate import pipeline
from narrate.errors import ConfigError
from narrate.settings import Settings
from narrate.web import sessions
from narrate.web.app import create_app
from narrate.web.staff import STAFF_COOKIE, STAFF_COOKIE_SECONDS, StaffSession
from narrate.web.tokens import create_token, revoke_token
from tests.web.conftest import Start
from tests.web.service import ARTICLE, Running
from tests.web.test_auth import publish, sign_in
from tests.web.test_staff import csrf_of

# -- secrets at rest ----------------------------------------------------------------------------------------


def database_text(url: str) -> str:
    """Every row of every table, read directly from the database (not through Narrate), as one text."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return "\n".join(
                repr(row)
                for table in inspect(engine).get_table_names()
                for row in connection.execute(text(f'SELECT * FROM "{table}"'))
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_database_holds_only_hashes_of_tokens_and_session_ids(
    start_service: Start, database: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else ""  # "": SQLite in the home
    service = start_service(database_url=url)
    token = create_token(service.store, "desk")
    session_id = sign_in(service, token)
    assert session_id.startswith("nrs_") and token not in session_id

    stored = database_text(service.settings.db_url)
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert hashlib.sha256(session_id.encode()).hexdigest() in stored
    assert token not in stored and token[4:] not in stored
    assert session_id not in stored and session_id[4:] not in stored
    if database == "sqlite":  # and not in the file's bytes either, write-ahead log included
        home = service.settings.home
        raw = b"".join(path.read_bytes() for path in home.glob("narrate.db*"))
        assert token[4:].encode() not in raw and session_id[4:].encode() not in raw


# -- staff sessions ------------------------------------------------------------------------------------------


def test_a_session_is_a_server_side_record_that_logout_deletes(service: Running, token: str) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as browser:
        signed_in = browser.post("/staff/login", data={"token": token})
        cookie = signed_in.headers["set-cookie"]
        session_id = browser.cookies[STAFF_COOKIE]
        with service.store.session() as db:
            [row] = db.query(sessions.StaffSession).all()
            lifetime = (row.expires_at - row.created_at).total_seconds()
        assert row.id_hash == hashlib.sha256(session_id.encode()).hexdigest()
        assert lifetime == STAFF_COOKIE_SECONDS and f"Max-Age={STAFF_COOKIE_SECONDS}" in cookie
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/staff" in cookie

        assert browser.get("/staff/episodes.json").status_code == 200
        page = browser.get("/staff")
        assert page.headers["cache-control"] == "no-store"
        assert browser.post("/staff/logout", data={"csrf_token": csrf_of(page)}).status_code == 303

    with service.store.session() as db:
        assert db.query(sessions.StaffSession).count() == 0
    # The cookie kept by someone who copied it is worth nothing now.
    with httpx.Client(base_url=service.url, timeout=30, cookies={STAFF_COOKIE: session_id}) as copied:
        assert copied.get("/staff/episodes.json").status_code == 401
        assert "csrf_token" not in copied.get("/staff").text
        csrf = StaffSession("desk", session_id).csrf_token
        queued = copied.post("/staff/articles", data={"source": ARTICLE, "feed": "main", "csrf_token": csrf})
    assert queued.status_code == 401
    assert service.store.episodes() == []


def test_a_csrf_token_works_only_with_its_own_session(service: Running, token: str) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as first, \
            httpx.Client(base_url=service.url, timeout=30) as second:
        for browser in (first, second):
            assert browser.post("/staff/login", data={"token": token}).status_code == 303
        first_csrf, second_csrf = csrf_of(first.get("/staff")), csrf_of(second.get("/staff"))
        assert first_csrf != second_csrf
        crossed = second.post("/staff/articles", data={"source": ARTICLE, "feed": "main", "csrf_token": first_csrf})
        assert crossed.status_code == 403
        assert service.store.episodes() == []
        own = second.post("/staff/articles", data={"source": ARTICLE, "feed": "main", "csrf_token": second_csrf})
    assert own.status_code == 303 and len(service.store.episodes()) == 1


def test_a_token_made_again_under_a_revoked_name_does_not_revive_old_sessions(service: Running) -> None:
    old_session = sign_in(service, create_token(service.store, "desk"))
    revoke_token(service.store, "desk")
    create_token(service.store, "desk")
    with httpx.Client(base_url=service.url, timeout=30, cookies={STAFF_COOKIE: old_session}) as browser:
        assert browser.get("/staff/episodes.json").status_code == 401


# -- rate limits ---------------------------------------------------------------------------------------------


def test_sign_ins_are_limited_per_client_address(start_service: Start) -> None:
    service = start_service(login_attempts_per_minute="3")
    token = create_token(service.store, "desk")
    with httpx.Client(base_url=service.url, timeout=30) as guesser:
        guesses = [guesser.post("/staff/login", data={"token": f"nrt_guess{n}"}).status_code for n in range(3)]
        # Over the limit even the right token is refused: a guesser cannot tell a hit from a miss.
        refused = guesser.post("/staff/login", data={"token": token})
    elsewhere = httpx.HTTPTransport(local_address="127.0.0.2")  # another client address
    with httpx.Client(base_url=service.url, timeout=30, transport=elsewhere) as colleague:
        signed_in = colleague.post("/staff/login", data={"token": token})
    assert guesses == [401, 401, 401]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Too many sign-in attempts from your address" in refused.text
    assert refused.headers["content-type"] == "text/html; charset=utf-8"
    assert "set-cookie" not in refused.headers
    assert signed_in.status_code == 303 and STAFF_COOKIE in signed_in.headers["set-cookie"]


def test_the_api_limit_answers_429_with_retry_after_and_a_json_reason(start_service: Start) -> None:
    service = start_service(rate_limit_per_minute="2")
    with service.client(create_token(service.store, "desk")) as client:
        answers = [client.get("/api/episodes") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[-1]
    assert refused.headers["content-type"] == "application/json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["error"].startswith("rate limit of 2 requests a minute for token 'desk'; retry in ")


# -- headers on every page -------------------------------------------------------------------------------------


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block in a page: inline scripts, event handlers, inline styles."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        data_block = ("type", "application/ld+json") in attrs  # structured data: never run, nothing to allow
        if tag == "script" and "src" not in names and not data_block:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{name}= on <{tag}>" for name in names if name.startswith("on") or name == "style"]
        self.found += [f"javascript: URL on <{tag}>" for _, value in attrs if (value or "").lower().startswith(
            "javascript:")]


def policy_of(answer: httpx.Response) -> dict[str, str]:
    directives = [part.strip().split(None, 1) for part in answer.headers["content-security-policy"].split(";")]
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives if d}


def assert_common_headers(answer: httpx.Response, what: str) -> None:
    assert answer.headers["x-content-type-options"] == "nosniff", what
    assert answer.headers["referrer-policy"] == "same-origin", what
    assert "x-powered-by" not in answer.headers, what
    assert not re.search(r"\d", answer.headers.get("server", "")), what  # no version, if any server name


def html_pages(service: Running, token: str) -> dict[str, httpx.Response]:
    """Every kind of HTML page the service serves, fetched as a browser would."""
    episode = publish(service)
    answers = {}
    with httpx.Client(base_url=service.url, timeout=30) as browser:
        answers["episode page"] = browser.get(f"/episodes/{episode.id}/")
        answers["embed page"] = browser.get(f"/episodes/{episode.id}/embed.html")
        answers["feed page"] = browser.get("/feeds/main/")
        answers["login page"] = browser.get("/staff")
        answers["refused login"] = browser.post("/staff/login", data={"token": "nrt_wrong-token-value"})
        browser.post("/staff/login", data={"token": token})
        answers["staff page"] = browser.get("/staff")
        answers["staff form error"] = browser.post(
            "/staff/articles", data={"source": " ", "feed": "main", "csrf_token": csrf_of(answers["staff page"])})
    return answers


def test_every_html_page_has_a_strict_policy_and_no_inline_code(service: Running, token: str) -> None:
    pages = html_pages(service, token)
    assert [name for name, answer in pages.items() if answer.status_code not in (200, 401, 422)] == []
    for name, answer in pages.items():
        assert answer.headers["content-type"] == "text/html; charset=utf-8", name
        assert_common_headers(answer, name)
        policy = policy_of(answer)
        assert policy["script-src"] == "'self'", name  # no 'unsafe-inline', no 'unsafe-eval', no other host
        assert policy["style-src"] == "'self'", name
        assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'", name
        assert policy["default-src"] == "'self'" and policy["form-action"] == "'self'", name
        assert policy["frame-ancestors"] == ("*" if name == "embed page" else "'none'"), name
        parser = InlineCode()
        parser.feed(answer.text)
        assert parser.found == [], (name, parser.found)
        assert re.search(r'<script src="[^"]+"', answer.text) or name in ("embed page", "login page",
                                                                           "refused login"), name
    for name in ("staff page", "staff form error", "login page", "refused login"):
        assert pages[name].headers["cache-control"] == "no-store", name


def test_public_files_and_api_answers_carry_the_headers_too(service: Running, token: str) -> None:
    episode = publish(service)
    with service.client() as listener, service.client(token) as staff:
        answers = {path: listener.get(path) for path in (
            f"/{episode.audio_path}", f"/{episode.transcript_path}", f"/{episode.chapters_path}", "/feeds/main.xml")}
        assets = sorted((service.settings.public_dir / "assets").iterdir())
        answers |= {f"/assets/{p.name}": listener.get(f"/assets/{p.name}") for p in assets}
        answers["/api/episodes"] = staff.get("/api/episodes")
        answers["missing"] = listener.get("/nothing/here.mp3")
    assert {p.suffix for p in assets} >= {".js", ".css", ".svg"}
    for path, answer in answers.items():
        assert answer.status_code == (404 if path == "missing" else 200), path
        assert_common_headers(answer, path)
        if path.endswith(".svg"):  # an SVG opened by itself is a document that could run script
            assert policy_of(answer)["script-src"] == "'self'" and policy_of(answer)["frame-ancestors"] == "'none'"
    assert answers["/api/episodes"].headers["cache-control"] == "no-store"
    assert answers["/feeds/main.xml"].headers["cache-control"] == "no-cache"  # public: revalidated, not no-store


def test_the_embed_may_be_framed_only_where_the_setting_says(start_service: Start) -> None:
    service = start_service(embed_ancestors="https://news.example.org https://*.example.com")
    episode = publish(service)
    with service.client() as browser:
        embed = browser.get(f"/episodes/{episode.id}/embed.html")
        page = browser.get(f"/episodes/{episode.id}/")
    assert policy_of(embed)["frame-ancestors"] == "https://news.example.org https://*.example.com"
    assert policy_of(page)["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("value", [" ", "https://a.example; script-src *", "'unsafe-inline'", "a.example,b.example"])
def test_an_embed_setting_that_would_break_the_policy_is_refused(settings: Settings, value: str) -> None:
    settings.embed_ancestors = value
    with pytest.raises(ConfigError, match="embed_ancestors"):
        create_app(settings)


# -- logs ------------------------------------------------------------------------------------------------------


def test_no_secret_reaches_the_log(
    start_service: Start, postgres_url: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = "pw-Kx83-secret"
    database_url = postgres_url.replace("postgres@", f"postgres:{password}@", 1)  # trust auth ignores it
    caplog.set_level(logging.INFO)
    service = start_service(database_url=database_url, rate_limit_per_minute="3")
    token = create_token(service.store, "desk")

    def crash(*_: object) -> None:
        raise RuntimeError(f"lost {database_url} while {token} was working")

    monkeypatch.setattr(pipeline, "rerender", crash)
    with service.client(token) as staff, httpx.Client(base_url=service.url, timeout=30) as browser:
        assert staff.get("/api/episodes").status_code == 200
        assert staff.post("/api/episodes/anything/render").status_code == 500
        assert browser.post("/staff/login", data={"token": token[:-2] + "xx"}).status_code == 401
        assert browser.post("/staff/login", data={"token": token}).status_code == 303
        session_id = browser.cookies[STAFF_COOKIE]
        assert browser.get("/staff").status_code == 200
        assert [staff.get("/api/episodes").status_code for _ in range(3)][-1] == 429
        logging.getLogger("narrate.test").warning("headers %s", {"authorization": f"Bearer {token}",
                                                                   "cookie": f"{STAFF_COOKIE}={session_id}"})
    service.stop()

    logged = caplog.text
    assert caplog.records, "nothing was logged"
    for secret in (password, token, token[4:], token[:-2] + "xx", session_id, session_id[4:]):
        assert secret not in logged, secret
    assert "postgres:[redacted]@127.0.0.1" in logged  # the start-up line, with the database it uses
    assert "internal error on POST /api/episodes/anything/render: RuntimeError: lost postgresql" in logged
    assert "nrt_[redacted] was working" in logged
    assert "staff sign-in refused from 127.0.0.1: unknown or revoked token" in logged
    assert "nrs_[redacted]" in logged
