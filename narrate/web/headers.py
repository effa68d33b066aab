"""Headers on every response: nosniff, same-origin referrers, the pages' CSP (and the embed's), no-store for staff."""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from narrate.errors import ConfigError

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
"""No inline script, style or event handler anywhere: the pages' scripts are files under assets/."""
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}

_EMBED_PAGE = re.compile(r"/episodes/[^/]+/embed\.html$")
_PRIVATE = re.compile(r"^/(api/|staff($|/))")
"""Staff answers, never to be kept by a browser's or a proxy's cache."""
_ANCESTOR = re.compile(r"^(\*|'self'|'none'|[A-Za-z][A-Za-z0-9+.-]*:(//[A-Za-z0-9*.:\[\]-]+(/[^\s;,']*)?)?)$")
"""One CSP host-source, scheme-source, "*", 'self' or 'none': nothing that could end the directive."""


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
