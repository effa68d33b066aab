"""Every staff route, listed from the app itself, refuses a missing, bad or revoked token and changes nothing."""

from __future__ import annotations

import hashlib

import httpx
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

import web
from narrate import pipeline
from narrate.store import Episode
from narrate.submission import Submission, article_from_submission
from narrate.tokens import create_token, revoke_token
from tests.web.service import ARTICLE, Running

PUBLIC = {"/{path:path}", "/api/openapi.json"}
SIGN_IN = {("GET", "/staff"), ("POST", "/staff/login")}
"""Open by design: they show the login form and check the token typed into it."""


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


def test_every_staff_route_refuses_without_a_valid_token_and_nothing_changes(service: Running) -> None:
    published = publish(service)
    assert published.status == "published"
    revoked = create_token(service.store, "former")
    revoke_token(service.store, "former")
    rows_before, files_before = rows(service), files(service)

    routes = staff_routes(service.app)
    assert {("POST", "/api/articles"), ("GET", "/api/episodes"), ("DELETE", "/api/episodes/{episode_id}"),
            ("POST", "/api/episodes/{episode_id}/render"), ("POST", "/staff/articles"),
            ("GET", "/staff/episodes.json"), ("POST", "/staff/logout")} <= set(routes)
    bad_tokens = {"missing": None, "bad": "nrt_" + "A" * 43, "revoked": revoked, "garbage": "not a token at all"}
    with httpx.Client(base_url=service.url, timeout=30) as anonymous:
        for method, path in routes:
            url = path.replace("{episode_id}", published.id)
            for kind, secret in bad_tokens.items():
                if path.startswith("/api/"):
                    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
                    body = {"text": ARTICLE} if method == "POST" else None
                    answer = anonymous.request(method, url, headers=headers, json=body)
                    assert answer.headers["www-authenticate"].startswith("Bearer"), (method, path, kind)
                    assert answer.json()["error"], (method, path, kind)
                else:
                    # A form exactly as the staff page would post it, CSRF token included: only the token is wrong.
                    headers = {"Cookie": f"{web.STAFF_COOKIE}={secret}"} if secret else {}
                    csrf = web.StaffSession("someone", secret or "").csrf_token
                    form = {"source": ARTICLE, "feed": "main", "csrf_token": csrf} if method == "POST" else None
                    answer = anonymous.request(method, url, headers=headers, data=form)
                    assert "set-cookie" not in answer.headers
                assert answer.status_code == 401, (method, path, kind, answer.text[:200])
    assert rows(service) == rows_before
    after = files(service)
    changed = [name for name in after.keys() | files_before.keys() if after.get(name) != files_before.get(name)]
    assert changed == []


def test_the_sign_in_routes_show_nothing_private(service: Running) -> None:
    publish(service)
    with httpx.Client(base_url=service.url, timeout=30) as anonymous:
        page = anonymous.get("/staff", headers={"Cookie": f"{web.STAFF_COOKIE}=nrt_forged"})
        login = anonymous.post("/staff/login", data={"token": "nrt_forged"})
    for answer in (page, login):
        assert 'name="token"' in answer.text
        assert "Library hours grow" not in answer.text and "csrf_token" not in answer.text
    assert page.status_code == 200 and login.status_code == 401

