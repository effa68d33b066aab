"""The HTTP service: public files for listeners, the staff API and the staff page; a thin shell beside worker.py.

``narrate serve`` runs ``create_app()`` on uvicorn. Handlers only (de)serialise, authenticate, call the library
and map its errors to ``{"error": "<one line>"}``. public/X is served at /X exactly as a static web server would,
so nginx or a CDN can take over the public side at any scale.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import math
import re
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from os import stat_result
from pathlib import Path, PurePosixPath
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

import anyio
from fastapi import APIRouter, Depends, FastAPI, Form, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.responses import FileResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from narrate import pipeline, recovery
from narrate.publishing import pages
from narrate.web import sessions, tokens
from narrate.errors import ConfigError, NarrateError, NotFoundError, SourceError
from narrate.logs import install_redaction
from narrate.publishing.feed import episode_summary
from narrate.settings import DEFAULT_FEED, Settings
from narrate.store import Episode, Store
from narrate.web.submission import Submission, article_from_submission

log = logging.getLogger("narrate.web")

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
"""No inline script, style or event handler anywhere: the pages' scripts are files under assets/."""
_EMBED_PAGE = re.compile(r"/episodes/[^/]+/embed\.html$")
_PRIVATE = re.compile(r"^/(api/|staff($|/))")
"""Staff answers, never to be kept by a browser's or a proxy's cache."""
_ANCESTOR = re.compile(r"^(\*|'self'|'none'|[A-Za-z][A-Za-z0-9+.-]*:(//[A-Za-z0-9*.:\[\]-]+(/[^\s;,']*)?)?)$")
"""One CSP host-source, scheme-source, "*", 'self' or 'none': nothing that could end the directive."""

STAFF_COOKIE = "narrate_staff"
STAFF_COOKIE_SECONDS = 12 * 3600
"""A staff session's life: the browser forgets the cookie then, and the server the session."""
RECENT_EPISODES = 100
"""How many episodes the staff page lists."""


# -- what the handlers share ------------------------------------------------------------------------------


class RenderQueue:
    """Hands renders to Celery workers; with no broker, renders them one at a time in this process.

    Embedded, this process is the only renderer, so what the database says is queued or rendering when it starts
    was left by a previous run: ``resume`` queues it all again. A reaper thread then does what workers do with a
    broker (recovery.reap) every settings.reap_interval seconds.
    """

    def __init__(self, settings: Settings, store: Store) -> None:
        self._settings, self._store = settings, store
        self._executor = None if settings.broker_url else ThreadPoolExecutor(1, thread_name_prefix="narrate-render")
        self._stop = threading.Event()

    def dispatch(self, episode: Episode) -> None:
        self.send(episode.id, episode.render_id)

    def send(self, episode_id: str, render_id: str) -> None:
        import worker  # the Celery app reads its settings on import: only when a render is asked for

        if self._executor is None:
            worker.send_render(episode_id, render_id)  # UnavailableError (503) if the broker is down
        else:
            self._executor.submit(_render_here, episode_id, render_id)

    def resume(self) -> int:
        """Embedded: queue again every render a previous run left unfinished; how many."""
        if self._executor is None:
            return 0
        count = recovery.reap(replace(self._settings, stale_after=0.0), self._store, self.send)
        recovery.every(self._settings.reap_interval, lambda: recovery.reap(self._settings, self._store, self.send),
                       self._stop)  # fmt: skip
        return count

    def close(self) -> None:
        """Finish the render in progress; renders not started stay queued in the database (``resume`` takes them)."""
        self._stop.set()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)


def _render_here(episode_id: str, render_id: str) -> None:
    import worker

    try:
        worker.render.delay(episode_id, render_id)  # eager: the whole chord runs in this thread
    except NarrateError as error:
        log.warning("render of episode %s failed: %s", episode_id, error)  # the tasks recorded it on the episode
    except Exception:
        log.exception("render of episode %s crashed", episode_id)


class RateLimit:
    """At most ``per_minute`` requests per key in any 60 seconds, counted in this process (0: no limit)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._times: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, key: str) -> int:
        """0 and the request is counted, or how many seconds until ``key`` may send another one."""
        if self.per_minute <= 0:
            return 0
        now = time.monotonic()
        with self._lock:
            times = self._times.setdefault(key, deque())
            while times and times[0] <= now - 60:
                times.popleft()
            if len(times) >= self.per_minute:
                return max(1, math.ceil(times[0] + 60 - now))
            times.append(now)
            return 0


@dataclass
class Service:
    """What every handler works with; one per app."""

    settings: Settings
    store: Store
    renders: RenderQueue
    limit: RateLimit
    logins: RateLimit
    """Staff sign-ins per client address: a token cannot be guessed at speed."""


def get_service(request: Request) -> Service:
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(get_service)]


def _root(request: Request) -> str:
    """The service's URL path prefix, ending with "/" (a proxy may mount it below the site's root)."""
    return request.scope.get("root_path", "").rstrip("/") + "/"


# -- staff API ----------------------------------------------------------------------------------------------

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="staff token",
    description="A staff API token from `narrate token create NAME`, sent as `Authorization: Bearer <token>`.",
)


def api_token(
    service: ServiceDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
) -> str:
    """The name of the request's valid token; 401 without one, 429 over the token's rate limit."""
    if credentials is None:
        raise HTTPException(401, "send a staff token: Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"})
    name = tokens.verify_token(service.store, credentials.credentials)
    if name is None:
        challenge = 'Bearer error="invalid_token"'
        raise HTTPException(401, "the token is unknown or revoked", {"WWW-Authenticate": challenge})
    _count(service, name)
    return name


def _count(service: Service, name: str) -> None:
    wait = service.limit.wait_seconds(name)
    if wait:
        limit = service.limit.per_minute
        message = f"rate limit of {limit} requests a minute for token {name!r}; retry in {wait} s"
        raise HTTPException(429, message, {"Retry-After": str(wait)})


api = APIRouter(
    prefix="/api",
    tags=["staff"],
    dependencies=[Depends(api_token)],
    responses={
        401: {"description": "No token, or an unknown or revoked one; nothing was done."},
        429: {"description": "Over the token's rate limit; see Retry-After."},
    },
)


class ArticleRequest(BaseModel):
    """Exactly one of url, html, text or markdown; the rest optional."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    html: str | None = None
    text: str | None = None
    markdown: str | None = None
    feed: str = DEFAULT_FEED
    title: str | None = None
    author: str | None = None
    engine: str = ""


@api.post("/articles", status_code=202, summary="Queue an article for rendering")
def queue_article(body: ArticleRequest, request: Request, service: ServiceDep) -> JSONResponse:
    submission = Submission(**body.model_dump())
    article = article_from_submission(service.settings, submission)
    episode = pipeline.submit(
        service.settings,
        service.store,
        article,
        feed=submission.feed,
        source=submission.source,
        engine=submission.engine,
    )
    service.renders.dispatch(episode)
    return _accepted(request, service, episode)


@api.get("/episodes", summary="List episodes, newest first")
def list_episodes(service: ServiceDep, feed: str | None = None) -> dict[str, list[dict[str, Any]]]:
    return {"episodes": [episode_summary(service.settings, e) for e in service.store.episodes(feed=feed)]}


@api.get("/episodes/{episode_id}", summary="An episode's status, progress and public URLs")
def get_episode(episode_id: str, service: ServiceDep) -> dict[str, Any]:
    return episode_summary(service.settings, service.store.get(episode_id))


@api.post("/episodes/{episode_id}/render", status_code=202, summary="Render the episode again (same GUID)")
def rerender_episode(episode_id: str, request: Request, service: ServiceDep) -> JSONResponse:
    episode = pipeline.rerender(service.settings, service.store, episode_id)
    service.renders.dispatch(episode)
    return _accepted(request, service, episode)


@api.delete("/episodes/{episode_id}", summary="Unpublish: remove from the feed and delete its files")
def unpublish_episode(episode_id: str, service: ServiceDep) -> dict[str, str]:
    pipeline.unpublish(service.settings, service.store, episode_id)
    return {"id": episode_id, "status": "unpublished"}


def _accepted(request: Request, service: Service, episode: Episode) -> JSONResponse:
    status_url = f"{_root(request)}api/episodes/{episode.id}"
    body = {"id": episode.id, "status_url": status_url, **episode_summary(service.settings, episode)}
    return JSONResponse(body, status_code=202, headers={"Location": status_url})


# -- staff page (a session opened with a token, its id in an HttpOnly cookie) ---------------------------------


@dataclass(frozen=True)
class StaffSession:
    """A signed-in browser: the token's name and the session id its cookie holds (narrate/sessions.py)."""

    name: str
    session_id: str

    @property
    def csrf_token(self) -> str:
        # Derived from the session id, so every process agrees without shared state, and only its holder knows it.
        return hmac.new(self.session_id.encode("utf-8"), b"narrate staff form", "sha256").hexdigest()


class StaffRefusal(Exception):
    """A staff form refused: answered with the login page when signed out, else the staff page and the error."""

    def __init__(self, status: int, message: str, session: StaffSession | None) -> None:
        super().__init__(message)
        self.status, self.message, self.session = status, message, session


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
    _count(service, session.name)
    return session


def staff_json(request: Request, service: ServiceDep) -> StaffSession:
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
        return HTMLResponse(pages.render_login_page(root=_root(request)))
    message = None
    if queued:
        try:
            title = service.store.get(queued).title
            message = f"Queued “{title}”. It is listed below, and its status updates by itself."
        except NotFoundError:
            pass  # unpublished since: nothing to confirm
    return _staff_html(request, service, session, message=message)


@staff.post("/staff/login")
def staff_login(request: Request, service: ServiceDep, token: Annotated[str, Form()] = "") -> Response:
    root = _root(request)
    address = request.client.host if request.client else "unknown"
    wait = service.logins.wait_seconds(address)
    if wait:
        log.warning("staff sign-in refused: over %d attempts a minute from %s", service.logins.per_minute, address)
        error = f"Too many sign-in attempts from your address; try again in {wait} seconds."
        return HTMLResponse(pages.render_login_page(error=error, root=root), 429, {"Retry-After": str(wait)})
    if not _same_origin(request, service.settings):
        return HTMLResponse(pages.render_login_page(error="Sign in from this site's own page.", root=root), 403)
    token = token.strip()
    if tokens.verify_token(service.store, token) is None:
        log.warning("staff sign-in refused from %s: unknown or revoked token", address)
        return HTMLResponse(pages.render_login_page(error="That token is unknown or revoked.", root=root), 401)
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
    root = _root(request)
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
) -> Response:
    try:
        submission = _submission(source, feed)
        article = article_from_submission(service.settings, submission)
        episode = pipeline.submit(
            service.settings, service.store, article, feed=submission.feed, source=submission.source
        )
    except NarrateError as error:
        raise StaffRefusal(error.http_status, str(error), session) from None
    service.renders.dispatch(episode)
    return RedirectResponse(f"{_root(request)}staff?queued={quote(episode.id)}", status_code=303)


@staff.get("/staff/episodes.json", dependencies=[Depends(staff_json)])
def staff_episodes(service: ServiceDep) -> dict[str, Any]:
    return {"episodes": _recent(service)}


def _submission(source: str, feed: str) -> Submission:
    """A pasted value is a URL when it is one http(s) address with no spaces, else the article's text."""
    value = source.strip()
    if not value:
        raise SourceError("paste the article's URL or its text")
    if value.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in value):
        return Submission(url=value, feed=feed or DEFAULT_FEED)
    return Submission(text=value, feed=feed or DEFAULT_FEED)


def _recent(service: Service) -> list[dict[str, Any]]:
    return [episode_summary(service.settings, e) for e in service.store.episodes()[:RECENT_EPISODES]]


def _staff_html(
    request: Request,
    service: Service,
    session: StaffSession,
    *,
    status: int = 200,
    message: str | None = None,
    error: str | None = None,
) -> HTMLResponse:
    slugs = sorted({DEFAULT_FEED, *service.settings.feeds})
    html = pages.render_staff_page(
        episodes=_recent(service),
        feeds=[(slug, service.settings.feed(slug).title) for slug in slugs],
        csrf_token=session.csrf_token,
        message=message,
        error=error,
        root=_root(request),
    )
    return HTMLResponse(html, status_code=status)


# -- public files: public/X at /X --------------------------------------------------------------------------

CONTENT_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".json": "application/json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Accept-Ranges, Content-Range, Content-Length, ETag, Last-Modified",
}
PREFLIGHT = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Range, If-None-Match, If-Modified-Since, If-Range",
    "Access-Control-Max-Age": "86400",
}

public = APIRouter(include_in_schema=False)


@public.api_route("/{path:path}", methods=["GET", "HEAD"])
def public_file(path: str, request: Request, service: ServiceDep) -> Response:
    root = service.settings.public_dir.resolve()
    target = public_target(root, path)
    if target is not None and target.is_dir():
        if path and not path.endswith("/"):
            # Relative, so it also works when a proxy mounts the service below the site's root.
            location = quote(PurePosixPath(path).name) + "/" + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(location, status_code=308)
        target = public_target(root, path + "index.html")
    if target is None or not target.is_file():  # no directory listings, no sockets or devices
        raise HTTPException(404, "not found")
    relative = target.relative_to(root).as_posix()
    stat = target.stat()
    headers = dict(CORS)
    if relative.endswith((".xml", ".html")):
        headers["Cache-Control"] = "no-cache"  # apps and browsers revalidate, cheaply, with the ETag
    file = PublicFile(target, stat, content_type(relative), headers)
    etag, modified = file.headers["etag"], file.headers["last-modified"]
    if not_modified(request.headers, etag, stat):
        return Response(status_code=304, headers={**headers, "ETag": etag, "Last-Modified": modified})
    asked = request.headers.get("range")
    if_range = request.headers.get("if-range")
    # If-Range: ranges only of the version the client already has, else the whole file.
    ranges = byte_ranges(asked, stat.st_size) if asked and if_range in (None, etag, modified) else None
    if ranges == []:
        refusal = {**headers, "Content-Range": f"bytes */{stat.st_size}", "Accept-Ranges": "bytes"}
        return JSONResponse({"error": "range not satisfiable"}, status_code=416, headers=refusal)
    if ranges:
        file.byte_range = "bytes=" + ",".join(f"{first}-{last}" for first, last in ranges)
    return file


@public.options("/{path:path}")
def public_preflight(path: str, service: ServiceDep) -> Response:
    if public_target(service.settings.public_dir.resolve(), path) is None:
        raise HTTPException(404, "not found")
    return Response(status_code=204, headers=PREFLIGHT)


def public_target(root: Path, path: str) -> Path | None:
    """The existing file or directory under ``root`` that a URL path names, resolved; else None.

    Refuses "..", empty and hidden segments (temporary files start with "."), backslashes and NUL, and
    whatever a symlink leads to outside ``root``.
    """
    segments = path.split("/")
    if segments[-1] == "":  # a directory URL's trailing slash
        segments.pop()
    if any(not s or s.startswith(".") or "\\" in s or "\x00" in s for s in segments):
        return None
    try:
        target = root.joinpath(*segments).resolve()
        return target if target.is_relative_to(root) and target.exists() else None
    except (OSError, RuntimeError):  # a name too long for the file system, a symlink loop
        return None


def content_type(relative: str) -> str:
    if relative.startswith("chapters/") and relative.endswith(".json"):
        return "application/json+chapters"  # Podcasting 2.0 chapters
    return CONTENT_TYPES.get(PurePosixPath(relative).suffix.lower(), "application/octet-stream")


def not_modified(headers: Headers, etag: str, stat: stat_result) -> bool:
    """RFC 9110 13.1: If-None-Match (weak comparison), else If-Modified-Since."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    if_modified_since = headers.get("if-modified-since")
    if not if_modified_since:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return int(stat.st_mtime) <= since.timestamp()


_RANGE_SPEC = re.compile(r"(\d*)-(\d*)")


def byte_ranges(header: str, size: int) -> list[tuple[int, int]] | None:
    """The satisfiable (first, last) byte ranges of a Range header.

    None when the header is not a valid bytes range: RFC 9110 says to ignore it (200, the whole file).
    An empty list when no range is satisfiable (416).
    """
    unit, _, specs = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None
    ranges: list[tuple[int, int]] = []
    for spec in specs.split(","):
        match = _RANGE_SPEC.fullmatch(spec.strip())
        if match is None or match.group(1) == match.group(2) == "":
            return None
        first, last = match.groups()
        if not first:  # "-n": the last n bytes
            if int(last) > 0 and size > 0:
                ranges.append((max(size - int(last), 0), size - 1))
        elif last and int(last) < int(first):
            return None
        elif int(first) < size:
            ranges.append((int(first), min(int(last), size - 1) if last else size - 1))
    return ranges


class PublicFile(FileResponse):
    """Starlette's FileResponse (ETag, Last-Modified, HEAD, single and multipart ranges), told which Range to serve.

    Starlette answers 400 to a Range it cannot parse and 416 when any one range is out of the file; RFC 9110
    says to ignore the former and serve the satisfiable ranges of the latter, so ``byte_range`` is decided above.
    """

    def __init__(self, path: Path, stat: stat_result, media_type: str, headers: dict[str, str]) -> None:
        super().__init__(path, stat_result=stat, media_type=media_type, headers=headers)
        self.byte_range: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(key, value) for key, value in scope["headers"] if key.lower() != b"range"]
        if self.byte_range:
            headers.append((b"range", self.byte_range.encode("latin-1")))
        await super().__call__({**scope, "headers": headers}, receive, send)


# -- every response ----------------------------------------------------------------------------------------

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def embed_policy(ancestors: str) -> str:
    """The pages' policy with the embed's frame-ancestors (``Settings.embed_ancestors``), checked source by source."""
    sources = ancestors.split()
    bad = [source for source in sources if not _ANCESTOR.match(source)]
    if not sources or bad:
        raise ConfigError(f"embed_ancestors: expected '*' or origins like https://news.example.org, got {ancestors!r}")
    return PAGE_POLICY.replace("frame-ancestors 'none'", "frame-ancestors " + " ".join(sources))


class SecurityHeaders:
    """nosniff and same-origin referrers everywhere; a strict CSP on pages and SVG (only the embed may be framed);
    staff answers are never cached."""

    def __init__(self, app: ASGIApp, embed_policy: str = PAGE_POLICY) -> None:
        self.app = app
        self.embed_policy = embed_policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, root_path = scope["path"], scope.get("root_path", "")
        if root_path and path.startswith(root_path):
            path = path[len(root_path) :]
        policy = self.embed_policy if _EMBED_PAGE.search(path) else PAGE_POLICY
        private = bool(_PRIVATE.match(path))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if headers.get("content-type", "").startswith(("text/html", "image/svg+xml")):
                    headers["Content-Security-Policy"] = policy
                if private:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyCap:
    """413 for a request body over ``max_bytes``, declared or streamed, before any handler sees the request."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared == "0" or (declared is None and "transfer-encoding" not in headers):
            await self.app(scope, receive, send)  # no body
            return
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Read (and drop) what the client is still sending before answering: closing with unread data makes TCP
        # reset the connection, and the client would never see the 413. Bounded, so a client cannot keep us
        # reading; past the bound the answer closes the connection.
        drained, finished = 0, False
        with anyio.move_on_after(DRAIN_SECONDS):
            while drained <= DRAIN_MAX_BYTES:
                message_in = await receive()
                if message_in["type"] == "http.disconnect":
                    return
                drained += len(message_in.get("body", b""))
                if not message_in.get("more_body", False):
                    finished = True
                    break
        message = f"the request body is over the limit of {self.max_bytes} bytes"
        headers = {} if finished else {"Connection": "close"}
        await JSONResponse({"error": message}, status_code=413, headers=headers)(scope, receive, send)


DRAIN_MAX_BYTES = 64 * 1024 * 1024
DRAIN_SECONDS = 10.0


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the buffered body once, then whatever the server says next (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return JSONResponse({"error": str(error.detail)}, status_code=error.status_code, headers=error.headers)


async def _narrate_error(request: Request, error: Exception) -> Response:
    return JSONResponse({"error": str(error)}, status_code=getattr(error, "http_status", 400))


async def _invalid_request(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    return JSONResponse({"error": validation_message(list(error.errors()))}, status_code=422)


async def _staff_refusal(request: Request, error: Exception) -> Response:
    assert isinstance(error, StaffRefusal)
    session = error.session
    if session is None:
        html = pages.render_login_page(error=error.message, root=_root(request))
        return HTMLResponse(html, status_code=error.status)
    shared = get_service(request)
    return await anyio.to_thread.run_sync(
        lambda: _staff_html(request, shared, session, status=error.status, error=error.message)
    )


async def _internal_error(request: Request, error: Exception) -> Response:
    # Starlette's outermost layer answers this one, outside SecurityHeaders: add them here.
    log.error("internal error on %s %s: %s: %s", request.method, request.url.path, type(error).__name__, error)
    return JSONResponse({"error": "internal error; the service log has the details"}, 500, headers=SECURITY_HEADERS)


def validation_message(errors: list[dict[str, Any]]) -> str:
    """FastAPI's validation errors as one line: where, then what."""
    if not errors:
        return "invalid request"
    first = errors[0]
    if first.get("type") == "json_invalid":
        return f"the body is not valid JSON: {first.get('ctx', {}).get('error', 'decode error')}"
    where = ".".join(str(part) for part in first.get("loc", ())[1:]) or str((first.get("loc") or ["body"])[0])
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first.get('msg', 'invalid')}{more}"


# -- the app -----------------------------------------------------------------------------------------------


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service over ``settings`` (default: Settings.load())."""
    install_redaction()  # before anything is logged: tokens, session ids and URL passwords never reach a log
    settings = settings or Settings.load()
    framing = embed_policy(settings.embed_ancestors)
    store = Store(settings.db_url)
    shared = Service(
        settings,
        store,
        RenderQueue(settings, store),
        RateLimit(settings.rate_limit_per_minute),
        RateLimit(settings.login_attempts_per_minute),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The staff page's script and style come from public/assets/, even before anything is published.
        await anyio.to_thread.run_sync(pages.write_assets, settings)
        resumed = await anyio.to_thread.run_sync(shared.renders.resume)
        if resumed:
            log.info("queued again %d render(s) a previous run left unfinished", resumed)
        log.info("serving %s with database %s and %s", settings.public_dir, settings.db_url,
                 f"broker {settings.broker_url}" if settings.broker_url else "the embedded renderer")
        yield
        await anyio.to_thread.run_sync(shared.renders.close)

    app = FastAPI(
        title="Narrate",
        summary="Queue articles to be read aloud; follow their rendering; re-render or unpublish them.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load scripts from CDNs, which the pages' CSP forbids
        redoc_url=None,
        lifespan=lifespan,
        middleware=[
            Middleware(SecurityHeaders, embed_policy=framing),
            Middleware(BodyCap, max_bytes=settings.max_body_bytes),
        ],
        exception_handlers={
            HTTPException: _http_error,
            RequestValidationError: _invalid_request,
            NarrateError: _narrate_error,
            StaffRefusal: _staff_refusal,
            Exception: _internal_error,
        },
    )
    app.state.service = shared
    app.include_router(api)
    app.include_router(staff)
    app.include_router(public)  # last: its catch-all path must not shadow the API
    return app
