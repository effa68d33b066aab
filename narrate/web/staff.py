"""The staff pages: sign in with a token to a session (its id in an HttpOnly cookie), queue articles, follow them.

Forms are checked for the session, its CSRF token and our own origin; refusals answer with a page, not JSON.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

import anyio
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from narrate import pipeline
from narrate.article import article_from_dict
from narrate.errors import NarrateError, NotFoundError, SourceError
from narrate.extract.controls import without_controls
from narrate.publishing.feed import owner_notices
from narrate.publishing.summary import episode_summary
from narrate.settings import DEFAULT_FEED, Settings
from narrate.sources import summaries
from narrate.store import Episode, Status
from narrate.web import sessions, tokens
from narrate.web.api import count
from narrate.web.service import Service, ServiceDep, get_service, url_root
from narrate.web.staff_pages import render_login_page, render_staff_page
from narrate.web.submission import Submission, reading_from_submission

log = logging.getLogger("narrate.web")

STAFF_COOKIE = "narrate_staff"
STAFF_COOKIE_SECONDS = 12 * 3600
"""A staff session's life: the browser forgets the cookie then, and the server the session."""
RECENT_EPISODES = 100
"""How many episodes the staff page lists."""


@dataclass(frozen=True)
class StaffSession:
    """A signed-in browser: the token's name and the session id its cookie holds (narrate/web/sessions.py)."""

    name: str
    session_id: str

    @property
    def csrf_token(self) -> str:
        # Derived from the session id, so every process agrees without shared state, and only its holder knows it.
        return hmac.new(self.session_id.encode("utf-8"), b"narrate staff form", "sha256").hexdigest()


class StaffRefusal(Exception):
    """A staff form refused: answered with the login page when signed out, else the staff page and the error."""

    def __init__(
        self, status: int, message: str, session: StaffSession | None, *, source: str = "", feed: str = ""
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.session = status, message, session
        # What the person pasted and chose, given back to the form: a refusal must not cost them their text.
        self.source, self.feed = source, feed


def _session(request: Request, service: Service) -> StaffSession | None:
    session_id = request.cookies.get(STAFF_COOKIE)
    name = sessions.session_name(service.store, session_id) if session_id else None
    return StaffSession(name, session_id) if name and session_id else None


def staff_form(request: Request, service: ServiceDep, csrf_token: Annotated[str, Form()] = "") -> StaffSession:
    """The session of a staff form POST: signed in, its CSRF token right, from our own origin."""
    session = _session(request, service)
    if session is None:
        raise StaffRefusal(401, "Sign in with your staff token first.", None)
    if not _same_origin(request, service.settings) or not hmac.compare_digest(csrf_token, session.csrf_token):
        raise StaffRefusal(403, "The form was out of date or came from another site; please try again.", session)
    count(service, session.name)
    return session


def staff_json(request: Request, service: ServiceDep) -> StaffSession:
    """The session of a staff page's JSON request; a JSON 401 without one (staff.js reads it, not a person)."""
    session = _session(request, service)
    if session is None:
        raise HTTPException(401, "sign in on the staff page first")
    return session


def _same_origin(request: Request, settings: Settings) -> bool:
    """True unless the request names an Origin other than this service (browsers send it on POSTs)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    ours = {request.headers.get("host", "").lower(), urlsplit(settings.base_url).netloc.lower()}
    return urlsplit(origin).netloc.lower() in ours - {""}


staff = APIRouter(include_in_schema=False)


@staff.get("/staff", name="staff_page")
def staff_page(request: Request, service: ServiceDep, queued: str | None = None) -> HTMLResponse:
    session = _session(request, service)
    if session is None:
        return HTMLResponse(render_login_page(root=url_root(request)))
    banner = None
    if queued:
        try:
            episode = service.store.get(queued)
            banner = Banner(episode.id, episode.status, queued_message(episode.title, episode.status, episode.reason))
        except NotFoundError:
            pass  # unpublished since: nothing to confirm
    return _staff_html(request, service, session, banner=banner)


@staff.post("/staff/login")
def staff_login(request: Request, service: ServiceDep, token: Annotated[str, Form()] = "") -> Response:
    root = url_root(request)
    address = request.client.host if request.client else "unknown"
    wait = service.logins.wait_seconds(address)
    if wait:
        log.warning("staff sign-in refused: over %d attempts a minute from %s", service.logins.per_minute, address)
        error = f"Too many sign-in attempts from your address; try again in {wait} seconds."
        return HTMLResponse(render_login_page(error=error, root=root), 429, {"Retry-After": str(wait)})
    if not _same_origin(request, service.settings):
        return HTMLResponse(render_login_page(error="Sign in from this site's own page.", root=root), 403)
    token = token.strip()
    if tokens.verify_token(service.store, token) is None:
        log.warning("staff sign-in refused from %s: unknown or revoked token", address)
        return HTMLResponse(render_login_page(error="That token is unknown or revoked.", root=root), 401)
    lifetime = dt.timedelta(seconds=STAFF_COOKIE_SECONDS)
    session_id = sessions.open_session(service.store, tokens.digest(token), lifetime)
    response = RedirectResponse(root + "staff", status_code=303)
    response.set_cookie(
        STAFF_COOKIE,
        session_id,
        max_age=STAFF_COOKIE_SECONDS,
        path=root + "staff",
        secure=service.settings.base_url.startswith("https://"),
        httponly=True,
        samesite="strict",
    )
    return response


@staff.post("/staff/logout")
def staff_logout(
    request: Request, service: ServiceDep, session: Annotated[StaffSession, Depends(staff_form)]
) -> Response:
    sessions.close_session(service.store, session.session_id)
    root = url_root(request)
    response = RedirectResponse(root + "staff", status_code=303)
    response.delete_cookie(STAFF_COOKIE, path=root + "staff", httponly=True, samesite="strict")
    return response


@staff.post("/staff/articles")
def staff_queue(
    request: Request,
    service: ServiceDep,
    session: Annotated[StaffSession, Depends(staff_form)],
    source: Annotated[str, Form()] = "",
    feed: Annotated[str, Form()] = DEFAULT_FEED,
    force: Annotated[bool, Form()] = False,
) -> Response:
    try:
        submission = replace(_submission(source, feed), force=force)
        reading = reading_from_submission(service.settings, submission)
        episode = pipeline.submit(
            service.settings, service.store, reading.article, feed=submission.feed, source=submission.source,
            hold=reading.hold, notice=reading.notice,
        )  # fmt: skip
    except NarrateError as error:
        raise StaffRefusal(error.http_status, str(error), session, source=source, feed=feed) from None
    if episode.status != Status.NEEDS_REVIEW.value:  # held: listed for review, rendered once approved or corrected
        service.renders.dispatch(episode)
    return RedirectResponse(f"{url_root(request)}staff?queued={quote(episode.id)}", status_code=303)


@staff.post("/staff/episodes/{episode_id}/approve")
def staff_approve(
    request: Request, service: ServiceDep, session: Annotated[StaffSession, Depends(staff_form)], episode_id: str
) -> Response:
    return _reviewed(request, service, session, lambda: pipeline.approve(service.settings, service.store, episode_id))


@staff.post("/staff/episodes/{episode_id}/correct")
def staff_correct(
    request: Request,
    service: ServiceDep,
    session: Annotated[StaffSession, Depends(staff_form)],
    episode_id: str,
    text: Annotated[str, Form()] = "",
) -> Response:
    corrected = without_controls(text)
    return _reviewed(
        request, service, session, lambda: pipeline.correct(service.settings, service.store, episode_id, corrected)
    )


def _reviewed(request: Request, service: Service, session: StaffSession, review: Callable[[], Episode]) -> Response:
    """Approve or correct a held episode, render it, and show the staff page following it."""
    try:
        episode = review()
    except NarrateError as error:
        raise StaffRefusal(error.http_status, str(error), session) from None
    service.renders.dispatch(episode)
    return RedirectResponse(f"{url_root(request)}staff?queued={quote(episode.id)}", status_code=303)


@staff.get("/staff/episodes.json", dependencies=[Depends(staff_json)])
def staff_episodes(service: ServiceDep) -> dict[str, Any]:
    return {"episodes": _recent(service)}


@dataclass(frozen=True)
class Banner:
    """The message about the episode just queued; staff.js keeps it current as that episode's status changes."""

    episode_id: str
    status: str
    message: str


def queued_message(title: str, status: str, reason: str | None) -> str:
    """What the banner says about a queued episode in each status (staff.js words it the same way)."""
    if status == Status.PUBLISHED.value:
        return f"Published “{title}”."
    if status == Status.FAILED.value:
        return f"“{title}” failed: {reason or 'no reason was recorded'}"
    if status == Status.NEEDS_REVIEW.value:
        return f"“{title}” is held for review: {reason or 'no reason was recorded'}. See “Held for review” below."
    return f"Queued “{title}”. It is listed below with its status."


def _submission(source: str, feed: str) -> Submission:
    """A pasted value is a URL when it is one http(s) address with no spaces, else the article's text."""
    value = source.strip()
    if not value:
        raise SourceError("paste the article's URL or its text")
    if value.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in value):
        return Submission(url=value, feed=feed or DEFAULT_FEED)
    return Submission(text=value, feed=feed or DEFAULT_FEED)


def _held(service: Service) -> list[dict[str, Any]]:
    """Episodes held for review, each with the text it would read (the correction form starts from it)."""
    held = []
    for listed in service.store.episodes(status=Status.NEEDS_REVIEW, by_activity=True, limit=RECENT_EPISODES):
        episode = service.store.get(listed.id)
        article = article_from_dict(json.loads(episode.article_json or "{}") or {"title": episode.title})
        text = "\n\n".join(f"## {b.text}" if b.kind == "heading" else b.text for b in article.blocks)
        held.append({**episode_summary(service.settings, episode), "text": text})
    return held


def _recent(service: Service) -> list[dict[str, Any]]:
    # By activity, not by article date: what staff just queued or what just finished is on top, dated or not.
    recent = service.store.episodes(by_activity=True, limit=RECENT_EPISODES)
    return [episode_summary(service.settings, e) for e in recent]


def _staff_html(
    request: Request,
    service: Service,
    session: StaffSession,
    *,
    status: int = 200,
    banner: Banner | None = None,
    error: str | None = None,
    source: str = "",
    chosen_feed: str = "",
) -> HTMLResponse:
    # The default feed first (and chosen unless the person chose another), then the others by slug.
    slugs = [DEFAULT_FEED, *sorted(set(service.settings.feeds) - {DEFAULT_FEED})]
    html = render_staff_page(
        episodes=_recent(service),
        held=_held(service),
        feeds=[(slug, service.settings.feed(slug).title) for slug in slugs],
        csrf_token=session.csrf_token,
        message=banner.message if banner else None,
        message_episode=banner.episode_id if banner else None,
        message_status=banner.status if banner else None,
        error=error,
        source=source,
        chosen_feed=chosen_feed or DEFAULT_FEED,
        root=url_root(request),
        sources=summaries(service.store),  # followed feeds and sitemaps (issue 15)
        feed_notices=owner_notices(service.settings),
    )
    return HTMLResponse(html, status_code=status)


async def staff_refusal(request: Request, error: Exception) -> Response:
    """The exception handler for StaffRefusal: the login page when signed out, else the staff page and the error."""
    assert isinstance(error, StaffRefusal)
    session = error.session
    if session is None:
        html = render_login_page(error=error.message, root=url_root(request))
        return HTMLResponse(html, status_code=error.status)
    shared = get_service(request)
    return await anyio.to_thread.run_sync(
        lambda: _staff_html(
            request, shared, session, status=error.status, error=error.message, source=error.source,
            chosen_feed=error.feed,
        )
    )


# -- listening figures (narrate/stats) ----------------------------------------------------------------------


@staff.get("/staff/listening", name="staff_listening")
def staff_listening(
    request: Request, service: ServiceDep, days: int = 30, feed: str = "", episode: str = ""
) -> HTMLResponse:
    from narrate.web.listening import listening_html

    session = _session(request, service)
    if session is None:
        return HTMLResponse(render_login_page(root=url_root(request)))
    return HTMLResponse(listening_html(service, session.csrf_token, url_root(request), days, feed, episode))
