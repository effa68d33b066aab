"""The uvicorn server ``narrate serve`` runs the app on, with a deadline for every request's headers.

uvicorn has no header-read timeout (its keep-alive timer starts only after a response and is reset by every byte
received), so a client that sends its headers a byte at a time would hold a connection for ever (slowloris). The
protocol below is uvicorn's own h11 protocol with one timer added: from the moment a connection may send a request
until that request's line and headers are in. When the timer fires the connection is closed, with a 408 when the
client had started a request.
"""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from narrate.errors import ConfigError
from narrate.settings import Settings

KEEP_ALIVE_SECONDS = 5
"""How long an idle connection stays open between requests (uvicorn's default)."""


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request line and headers take over ``header_timeout``."""

    header_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None
        self._started = False  # some bytes of the awaited request arrived

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch_headers()

    def data_received(self, data: bytes) -> None:
        self._started = self._started or bool(data)
        super().data_received(data)
        self._watch_headers()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._started = False
        self._watch_headers()  # a kept-alive connection: the next request's headers have the same deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _watch_headers(self) -> None:
        """Arm the deadline while the client owes us a request's headers; disarm it once they are in."""
        waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if waiting and self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)
        elif not waiting:
            self._disarm()

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing():
            return
        if self._started:
            # Written by hand: h11 sends a response only after a complete request, and this one never completed.
            body = json.dumps({"error": f"the request headers took over {self.header_timeout:g} seconds"}).encode()
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                + f"content-length: {len(body)}\r\n".encode()
                + b"connection: close\r\n\r\n"
                + body
            )
        self.transport.close()


def server_config(app: FastAPI, settings: Settings, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for ``app``: the header deadline of ``settings``, and no forwarded headers.

    uvicorn believes X-Forwarded-For from any loopback peer by default; the app decides instead, from
    settings.trusted_proxies (narrate/web/app.py).
    """
    if not (math.isfinite(settings.header_timeout) and settings.header_timeout > 0):
        raise ConfigError(f"header_timeout must be a number of seconds above 0, got {settings.header_timeout!r}")
    protocol = type("HeaderDeadlineProtocol", (HeaderDeadlineProtocol,), {"header_timeout": settings.header_timeout})
    return uvicorn.Config(
        app,
        http=protocol,
        proxy_headers=False,
        server_header=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        **options,
    )
