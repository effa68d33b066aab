"""What every handler works with: the Service (settings, store, renderer, rate limits) and its dependency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from narrate.settings import Settings
from narrate.store import Store
from narrate.web.limits import RateLimit
from narrate.web.renderer import RenderQueue


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


def url_root(request: Request) -> str:
    """The service's URL path prefix, ending with "/" (a proxy may mount it below the site's root)."""
    return request.scope.get("root_path", "").rstrip("/") + "/"
