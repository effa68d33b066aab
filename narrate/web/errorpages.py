"""Human error pages: a 404 or 410 answers a browser with an HTML page (title, language, a way back); the staff API,
and any client that does not ask for HTML (podcast apps, scripts, fetch()), keep the JSON reason."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from narrate.publishing.errorpage import render_error_page
from narrate.web.service import get_service, url_root

HTML_STATUSES = (404, 410)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def wants_html(request: Request) -> bool:
    """Whether the client asked for HTML before JSON (Accept, with q-values), outside the JSON API."""
    root, path = url_root(request), request.url.path
    path = "/" + path[len(root) :] if path.startswith(root) else path
    if path == "/api" or path.startswith("/api/"):
        return False
    html = json = 0.0
    for media_range in request.headers.get("accept", "").split(","):
        kind, *parameters = (part.strip() for part in media_range.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        kind = kind.lower()
        if kind in _HTML_TYPES:
            html = max(html, quality)
        elif kind == "application/json":
            json = max(json, quality)
    return html > 0 and html >= json


def error_page(request: Request, status: int) -> HTMLResponse:
    settings = get_service(request).settings
    page = render_error_page(settings, status, assets_prefix=url_root(request) + "assets/")
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-cache"})
