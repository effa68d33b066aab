"""Fetching an article page over HTTP(S), following redirects ourselves so each hop is checked and pinned."""

from __future__ import annotations

import functools
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import Message
from importlib import metadata
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from narrate.errors import SourceError

_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024


def _user_agent() -> str:
    try:
        version = metadata.version("narrate")
    except metadata.PackageNotFoundError:
        version = "0"
    # Some sites refuse unknown robots; look like a browser, but say who is asking.
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/124.0 Safari/537.36 Narrate/{version} (article-to-audio)"
    )


USER_AGENT = _user_agent()
ACCEPT = "text/html,application/xhtml+xml,text/markdown;q=0.9,text/plain;q=0.9,*/*;q=0.5"


@dataclass(frozen=True)
class Response:
    """What a fetch brings back: the body, its media type and charset, and the final URL."""

    data: bytes
    content_type: str
    """Media type without parameters, lower case; empty when the server sent none."""
    charset: str | None
    url: str
    status: int = 200
    """304 when a conditional request (``headers`` with If-None-Match or If-Modified-Since) found nothing new."""
    etag: str | None = None
    last_modified: str | None = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand 3xx responses back to us instead of following them."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


class _Connector:
    """Opens the sockets of one request: to the checked addresses only (when given), closed at the deadline.

    The request keeps the URL's host name for the Host header and TLS (SNI and certificate check); only the
    address the socket connects to is fixed. A socket still open at the deadline is shut down, so a server
    that trickles its headers or body a byte at a time cannot hold the fetch beyond it.
    """

    def __init__(self, addresses: Sequence[str], deadline: float) -> None:
        self.addresses = list(addresses)
        self.deadline = deadline
        self.timers: list[threading.Timer] = []

    def __call__(
        self, address: tuple[str, int], timeout: float | None = None, source_address: tuple[str, int] | None = None
    ) -> socket.socket:
        host, port = address
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("deadline passed")
        timeout = remaining if timeout is None else min(timeout, remaining)
        sock = self._connect(host, port, timeout, source_address)
        timer = threading.Timer(remaining, _shut, (sock,))
        timer.daemon = True
        timer.start()
        self.timers.append(timer)
        return sock

    def _connect(
        self, host: str, port: int, timeout: float, source_address: tuple[str, int] | None
    ) -> socket.socket:
        if not self.addresses:
            return socket.create_connection((host, port), timeout, source_address)
        error: OSError | None = None
        for address in self.addresses:
            try:
                return socket.create_connection((address, port), timeout, source_address)
            except OSError as failure:
                error = failure
        assert error is not None
        raise error

    def close(self) -> None:
        for timer in self.timers:
            timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, connector: _Connector) -> None:
        super().__init__()
        self.connector = connector

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_connection, http.client.HTTPConnection, self.connector), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, connector: _Connector) -> None:
        super().__init__()
        self.connector = connector

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        factory = functools.partial(_connection, http.client.HTTPSConnection, self.connector)
        return self.do_open(factory, req, context=self._context)  # type: ignore[attr-defined]


def _connection(
    kind: type[http.client.HTTPConnection], connector: _Connector, host: str, **options: Any
) -> http.client.HTTPConnection:
    connection = kind(host, **options)
    connection._create_connection = connector  # type: ignore[attr-defined]  # http.client's own hook
    return connection


def fetch(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    resolve: Callable[[str], Sequence[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """GET ``url``; raise SourceError for bad schemes, HTTP errors, redirect loops, oversize or late bodies.

    ``timeout`` bounds the whole fetch, redirects included, as well as each wait for the server.
    ``resolve`` sees every URL before it is requested, redirects included: it raises to refuse one, or returns
    the addresses the request may connect to (the connection is pinned to them; empty: resolve as usual).
    With ``resolve``, proxies from the environment are not used, since a proxy would resolve the name itself.
    ``headers`` are sent too (Accept, If-None-Match, If-Modified-Since); a 304 answer is then a Response with no data.
    """
    deadline = time.monotonic() + timeout
    seen: set[str] = set()
    current = url
    shown = without_credentials(url)
    while True:
        _check_scheme(current, url)
        addresses = resolve(current) if resolve is not None else []
        seen.add(current)
        connector = _Connector(addresses, deadline)
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect(), _HTTPHandler(connector), _HTTPSHandler(connector)]
        if resolve is not None:
            handlers.append(urllib.request.ProxyHandler({}))
        opener = urllib.request.build_opener(*handlers)
        request = urllib.request.Request(current, headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, **(headers or {})})
        late = SourceError(f"could not fetch {shown}: no complete answer within {timeout:g} s")
        try:
            with opener.open(request, timeout=timeout) as response:
                data = _read_capped(response, max_bytes, shown, deadline)
                if time.monotonic() >= deadline:
                    raise late  # the socket was shut at the deadline: what came is not the whole body
                answer: Message = response.headers
                return Response(
                    data=data,
                    content_type=answer.get_content_type() if answer.get("Content-Type") else "",
                    charset=answer.get_content_charset(),
                    url=current,
                    etag=answer.get("ETag"),
                    last_modified=answer.get("Last-Modified"),
                )
        except urllib.error.HTTPError as error:
            if error.code == 304 and headers:
                error.close()
                etag, modified = error.headers.get("ETag"), error.headers.get("Last-Modified")
                return Response(b"", "", None, current, status=304, etag=etag, last_modified=modified)
            location = error.headers.get("Location") if error.code in _REDIRECTS else None
            error.close()
            if location is None:
                raise SourceError(f"could not fetch {shown}: HTTP {error.code} {error.reason}") from None
            target = urljoin(current, location.strip())
            if target in seen:
                raise SourceError(f"could not fetch {shown}: redirect loop at {without_credentials(target)}") from None
            if len(seen) > max_redirects:
                raise SourceError(f"could not fetch {shown}: more than {max_redirects} redirects") from None
            current = target
        except TimeoutError:
            raise late from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError) or time.monotonic() >= deadline:
                raise late from None
            if isinstance(reason, OSError) and reason.strerror:
                reason = reason.strerror  # "Connection refused", not "[Errno 111] Connection refused"
            raise SourceError(f"could not fetch {shown}: {reason}") from None
        except (OSError, ValueError, http.client.HTTPException) as error:
            # Broken connections, truncated bodies and malformed URLs surface as these.
            if time.monotonic() >= deadline:
                raise late from None
            raise SourceError(f"could not fetch {shown}: {str(error) or type(error).__name__}") from None
        finally:
            connector.close()


def _check_scheme(current: str, original: str) -> None:
    """Only http(s), and no user name or password: they would be sent to the server and shown in messages."""
    shown = without_credentials(original)
    where = "" if current == original else f" (redirected to {without_credentials(current)})"
    try:
        parts = urlsplit(current)
        has_credentials = parts.username is not None or parts.password is not None
    except ValueError:
        raise SourceError(f"cannot fetch {shown}{where}: not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise SourceError(f"cannot fetch {shown}{where}: only http and https URLs are supported")
    if has_credentials:
        raise SourceError(f"cannot fetch {shown}{where}: URLs with a user name or password are not supported")


def without_credentials(url: str) -> str:
    """``url`` with any "user:password@" taken out: messages are shown in terminals, JSON and episode rows."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _read_capped(response: http.client.HTTPResponse, max_bytes: int, url: str, deadline: float) -> bytes:
    too_large = SourceError(f"could not fetch {url}: larger than the {max_bytes}-byte limit (fetch_max_bytes)")
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    # read1 returns what has arrived; read(n) would wait for n bytes however slowly they come.
    while time.monotonic() < deadline and (chunk := response.read1(_CHUNK)):
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    if response.length and time.monotonic() < deadline:
        # http.client leaves it to us to notice a body shorter than its Content-Length.
        expected = size + response.length
        raise SourceError(f"could not fetch {url}: the connection closed after {size} of {expected} bytes")
    return b"".join(chunks)
