"""Followed sources in the service: GET /api/sources for staff, and the embedded service's own polling.

With a broker the Celery workers poll (worker.py); without one the service does, as it reaps (recovery.every).
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import Request

from narrate import recovery
from narrate.settings import Settings
from narrate.sources import poll_due, summaries
from narrate.store import Store
from narrate.web.api import staff_api_router
from narrate.web.renderer import RenderQueue
from narrate.web.service import ServiceDep

following = staff_api_router()


@following.get("/sources", summary="Followed feeds and sitemaps: last poll, its result, what it queued, errors")
def list_sources(request: Request, service: ServiceDep) -> dict[str, list[dict[str, Any]]]:
    root = str(request.base_url)  # with the path prefix a proxy may mount the service under
    found = summaries(service.store)
    for source in found:
        source["hook_url"] = root + source["hook_path"]
    return {"sources": found}


def start_polling(settings: Settings, store: Store, renders: RenderQueue) -> threading.Event:
    """Embedded (no broker): poll due sources every little while in a daemon thread; set the event to stop."""
    stop = threading.Event()
    if not settings.broker_url and settings.source_poll_interval > 0:
        tick = min(settings.source_poll_interval, 60.0)
        recovery.every(tick, lambda: poll_due(settings, store, renders.send), stop)
    return stop
