"""Listening figures from the service's own file serving: each GET of an episode's audio is handed to narrate.stats.

Counting never stands in the way of listening: a failure to record is logged, and the file is served all the same.
"""

from __future__ import annotations

import datetime as dt
import logging

from fastapi import Request

from narrate.errors import NarrateError
from narrate.stats import Request as AudioRequest
from narrate.stats import record_request
from narrate.web.service import Service

log = logging.getLogger("narrate.web")


def count_download(service: Service, request: Request, relative: str, asked: int) -> None:
    """Record that ``request`` asked for ``asked`` bytes of the public audio file ``relative``."""
    address = request.client.host if request.client else ""
    agent = request.headers.get("user-agent", "")
    try:
        record_request(service.store, AudioRequest(relative, address, agent, dt.datetime.now(dt.UTC), asked))
    except (NarrateError, Exception) as error:  # noqa: BLE001 (the listener gets the file whatever went wrong here)
        log.warning("download of %s not counted: %s: %s", relative, type(error).__name__, error)
