"""Every staff route, listed from the app itself, refuses a missing, bad or revoked token and changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib

import httpx
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import select

from narrate import pipeline
from narrate.store import Episode, Store
from narrate.web import sessions, tokens
from narrate.web.staff import STAFF_COOKIE, StaffSession
from narrate.web.submission import Submission, article_from_submission
from narrate.web.tokens import create_token, revoke_token
from tests.web.service import ARTICLE, Running

PUBLIC = {"/{path:path}", "/api/openapi.json"}
"""Open by design: public/ is for listeners, and the OpenAPI description documents the API without holding any data
(the same text is in the repository)."""
SIGN_IN = {("GET", "/staff"), ("GET", "/staff/listening"), ("POST", "/staff/login")}
"""Open by design: they show the login form (GET /staff and /staff/listening show their page only to a live
session) and check the token typed into it."""


def staff_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route that is not public or the sign-in itself: a new route is in it automatically."""
    found = []
    for route in iter_route_contexts(app.routes):
        for method in sorted(route.methods or ()):
            if route.path not in PUBLIC and (method, route.path) not in SIGN_IN and method != "HEAD":
                found.append((method, route.path))
    return found


def rows(service: Running) -> list[tuple[object, ...]]:
    return [(e.id, e.status, e.render_id, e.updated_at, e.audio_path) for e in service.store.episodes()]


def files(service: Running) -> dict[str, str]:
    public = service.settings.public_dir
    return {p.relative_to(public).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in public.rglob("*") if p.is_file()}


def publish(service: Running) -> Episode:
    """An episode published to the end (feed and pages written) before the test goes on."""
    import worker  # after the test's environment is set: the Celery app reads it on import

    article = article_from_submission(service.settings, Submission(text=ARTICLE))
    episode = pipeline.submit(service.settings, service.store, article, feed="main", source="api:text")
    worker.render.delay(episode.id, episode.render_id)  # eager: returns when everything is published
    return service.store.get(episode.id)


def attempt(service: Running, method: str, path: str, episode_id: str, secret: str | None) -> httpx.Response:
    """The request a client holding ``secret`` would make: a bearer token for /api, the session cookie for /staff.

    Staff forms are posted exactly as the staff page would, CSRF token included: only the credential is wrong.
    """
    url = path.replace("{episode_id}", episode_id)
    with httpx.Client(base_url=service.url, timeout=30) as client:
        if path.startswith("/api/"):
            headers = {"Authorization": f"Bearer {secret}"} if secret else {}
            return client.request(method, url, headers=headers, json={"text": ARTICLE} if method == "POST" else None)
        headers = {"Cookie": f"{STAFF_COOKIE}={secret}"} if secret else {}
        csrf = StaffSession("someone", secret or "").csrf_token
        form = {"source": ARTICLE, "feed": "main", "csrf_token": csrf} if method == "POST" else None
        return client.request(method, url, headers=headers, data=form)


def assert_refused(answer: httpx.Response, method: str, path: str, kind: str) -> None:
    where = (method, path, kind, answer.text[:200])
    assert answer.status_code == 401, where
    if path.startswith("/api/hooks/"):  # a CMS signs its calls with the source's secret: no staff token is asked
        assert answer.headers["www-authenticate"].startswith("Signature"), where
        assert answer.json()["error"], where
    elif path.startswith("/api/"):
        assert answer.headers["www-authenticate"].startswith("Bearer"), where
        assert answer.json()["error"], where
    else:
        assert "set-cookie" not in answer.headers, where
        assert "Library hours grow" not in answer.text, where


def sign_in(service: Running, token: str) -> str:
    """The session id the staff page's login gives a browser."""
    with httpx.Client(base_url=service.url, timeout=30) as client:
        answer = client.post("/staff/login", data={"token": token})
    assert answer.status_code == 303, answer.text
    return answer.cookies[STAFF_COOKIE]


def test_every_staff_route_refuses_without_a_valid_token_and_nothing_changes(service: Running) -> None:
    published = publish(service)
    assert published.status == "published"
    live = create_token(service.store, "desk")
    revoked = create_token(service.store, "former")
    revoked_session = sign_in(service, revoked)
    logged_out = sign_in(service, live)
    with httpx.Client(base_url=service.url, timeout=30, cookies={STAFF_COOKIE: logged_out}) as browser:
        csrf = StaffSession("desk", logged_out).csrf_token
        assert browser.post("/staff/logout", data={"csrf_token": csrf}).status_code == 303
    revoke_token(service.store, "former")
    live_session = sign_in(service, live)
    # Last: opening a session clears out expired ones.
    expired = sessions.open_session(service.store, tokens.digest(live), dt.timedelta(seconds=-1))
    with service.store.session() as db:
        assert db.get(sessions.StaffSession, hashlib.sha256(expired.encode()).hexdigest()) is not None
    rows_before, files_before = rows(service), files(service)

    routes = staff_routes(service.app)
    assert {("POST", "/api/articles"), ("GET", "/api/episodes"), ("DELETE", "/api/episodes/{episode_id}"),
            ("POST", "/api/episodes/{episode_id}/render"), ("POST", "/staff/articles"),
            ("GET", "/staff/episodes.json"), ("POST", "/staff/logout")} <= set(routes)
    bad = {
        "missing": None,
        "bad token": "nrt_" + "A" * 43,
        "revoked token": revoked,
        "garbage": "not a token at all",
        "bad session": "nrs_" + "A" * 43,
        "session of a revoked token": revoked_session,
        "logged-out session": logged_out,
        "expired session": expired,
        "a live token in the cookie, a live session as bearer": None,  # filled per route below
    }
    for method, path in routes:
        for kind, secret in bad.items():
            if kind.startswith("a live token"):
                # Each credential works only where it belongs: the old cookie-holds-the-token scheme is gone.
                secret = live_session if path.startswith("/api/") else live
            assert_refused(attempt(service, method, path, published.id, secret), method, path, kind)
    assert rows(service) == rows_before
    after = files(service)
    changed = [name for name in after.keys() | files_before.keys() if after.get(name) != files_before.get(name)]
    assert changed == []


def test_revoking_a_token_refuses_it_and_its_sessions_at_once_on_every_route(service: Running) -> None:
    published = publish(service)
    token = create_token(service.store, "desk")
    session_id = sign_in(service, token)
    with service.client(token) as api, httpx.Client(base_url=service.url, timeout=30) as browser:
        browser.cookies.set(STAFF_COOKIE, session_id)
        assert api.get("/api/episodes").status_code == 200
        assert browser.get("/staff/episodes.json").status_code == 200
        assert "csrf_token" in browser.get("/staff").text

        revoke_token(Store(service.settings.db_url), "desk")  # as `narrate token revoke desk` does, elsewhere

        for method, path in staff_routes(service.app):
            secret = token if path.startswith("/api/") else session_id
            assert_refused(attempt(service, method, path, published.id, secret), method, path, "just revoked")
        signed_out = browser.get("/staff")
    assert 'name="token"' in signed_out.text and "csrf_token" not in signed_out.text
    with service.store.session() as db:
        assert db.scalars(select(sessions.StaffSession)).all() == []  # revoking ended its sessions
    assert service.store.get(published.id).status == "published"


def test_the_sign_in_routes_show_nothing_private(service: Running) -> None:
    publish(service)
    with httpx.Client(base_url=service.url, timeout=30) as anonymous:
        page = anonymous.get("/staff", headers={"Cookie": f"{STAFF_COOKIE}=nrt_forged"})
        login = anonymous.post("/staff/login", data={"token": "nrt_forged"})
        figures = anonymous.get("/staff/listening", headers={"Cookie": f"{STAFF_COOKIE}=nrt_forged"})
    for answer in (page, login, figures):
        assert 'name="token"' in answer.text
        assert "Library hours grow" not in answer.text and "csrf_token" not in answer.text
    assert page.status_code == 200 and figures.status_code == 200 and login.status_code == 401

