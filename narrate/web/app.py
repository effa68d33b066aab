"""The HTTP service: public files for listeners, the staff API and the staff pages; a thin shell beside worker.py.

``narrate serve`` runs ``create_app()`` on uvicorn. Handlers only (de)serialise, authenticate, call the library
and map its errors to ``{"error": "<one line>"}``. public/X is served at /X exactly as a static web server would,
so nginx or a CDN can take over the public side at any scale.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from narrate.errors import ConfigError, NarrateError
from narrate.logs import install_redaction
from narrate.publishing import pages
from narrate.settings import Settings
from narrate.store import Store
from narrate.web.api import api
from narrate.web.errorpages import HTML_STATUSES, error_page, wants_html
from narrate.web.files import public
from narrate.web.following import following, start_polling
from narrate.web.headers import SECURITY_HEADERS, SecurityHeaders, embed_policy
from narrate.web.hooks import hooks
from narrate.web.limits import BodyCap, RateLimit
from narrate.web.renderer import RenderQueue
from narrate.web.service import Service
from narrate.web.staff import StaffRefusal, staff, staff_refusal

log = logging.getLogger("narrate.web")


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service over ``settings`` (default: Settings.load())."""
    install_redaction()  # before anything is logged: tokens, session ids and URL passwords never reach a log
    settings = settings or Settings.load()
    settings.make_home()
    framing = embed_policy(settings.embed_ancestors)
    proxies = trusted_proxies(settings.trusted_proxies)
    store = Store(settings.db_url, settings.public_dir)
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
        stop_polling = start_polling(settings, store, shared.renders)  # followed sources; workers do it with a broker
        yield
        stop_polling.set()
        await anyio.to_thread.run_sync(shared.renders.close)

    app = FastAPI(
        title="Narrate",
        summary="Queue articles to be read aloud; follow their rendering; re-render or unpublish them.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load scripts from CDNs, which the pages' CSP forbids
        redoc_url=None,
        lifespan=lifespan,
        middleware=[
            # Outermost: the client's address (rate limits, logs) comes from X-Forwarded-For only via a proxy we trust.
            *([Middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)] if proxies else []),
            Middleware(SecurityHeaders, embed_policy=framing),
            Middleware(BodyCap, max_bytes=settings.max_body_bytes),
        ],
        exception_handlers={
            HTTPException: _http_error,
            RequestValidationError: _invalid_request,
            NarrateError: _narrate_error,
            StaffRefusal: staff_refusal,
            Exception: _internal_error,
        },
    )
    app.state.service = shared
    app.include_router(api)
    app.include_router(hooks)  # signed by the CMS, not by a staff token
    app.include_router(following)
    app.include_router(staff)
    app.include_router(public)  # last: its catch-all path must not shadow the API
    return app


def trusted_proxies(setting: str) -> list[str]:
    """The addresses and networks of NARRATE_TRUSTED_PROXIES; ConfigError names an entry that is neither.

    uvicorn's middleware would quietly never match a host name, a host:port or a typo: refused here instead.
    """
    entries = [entry.strip() for entry in setting.split(",") if entry.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ConfigError(
                f"trusted_proxies: {entry[:60]!r} is not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/8)"
            ) from None
    # uvicorn takes a network only in its strict form (10.0.0.0/8, not 10.1.2.3/8).
    return [str(ipaddress.ip_network(e, strict=False)) if "/" in e else str(ipaddress.ip_address(e)) for e in entries]


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code in HTML_STATUSES and wants_html(request):
        return error_page(request, error.status_code)
    return JSONResponse({"error": str(error.detail)}, status_code=error.status_code, headers=error.headers)


async def _narrate_error(request: Request, error: Exception) -> Response:
    status = getattr(error, "http_status", 400)
    if status in HTML_STATUSES and wants_html(request):
        return error_page(request, status)
    return JSONResponse({"error": str(error)}, status_code=status)


async def _invalid_request(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    return JSONResponse({"error": validation_message(list(error.errors()))}, status_code=422)


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
