"""Limits on what clients may send: BodyCap (request body size, as middleware) and RateLimit (requests a minute)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque

import anyio
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DRAIN_MAX_BYTES = 64 * 1024 * 1024
DRAIN_SECONDS = 10.0


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
