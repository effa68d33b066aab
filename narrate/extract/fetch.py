"""Fetching an article page over HTTP(S), following redirects ourselves so each hop is checked."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from importlib import metadata
from urllib.parse import urljoin, urlsplit

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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand 3xx responses back to us instead of following them."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str, *, timeout: float, max_bytes: int, max_redirects: int, check: Callable[[str], None] | None = None
) -> Response:
    """GET ``url``; raise SourceError for bad schemes, HTTP errors, redirect loops and oversize bodies.

    ``check`` sees every URL before it is requested, redirects included, and raises to refuse one.
    """
    seen: set[str] = set()
    current = url
    while True:
        _check_scheme(current, url)
        if check is not None:
            check(current)
        seen.add(current)
        request = urllib.request.Request(current, headers={"User-Agent": USER_AGENT, "Accept": ACCEPT})
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                data = _read_capped(response, max_bytes, url)
                headers: Message = response.headers
                return Response(
                    data=data,
                    content_type=headers.get_content_type() if headers.get("Content-Type") else "",
                    charset=headers.get_content_charset(),
                    url=current,
                )
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location") if error.code in _REDIRECTS else None
            error.close()
            if location is None:
                raise SourceError(f"could not fetch {url}: HTTP {error.code} {error.reason}") from None
            target = urljoin(current, location.strip())
            if target in seen:
                raise SourceError(f"could not fetch {url}: redirect loop at {target}") from None
            if len(seen) > max_redirects:
                raise SourceError(f"could not fetch {url}: more than {max_redirects} redirects") from None
            current = target
        except TimeoutError:
            raise SourceError(f"could not fetch {url}: no answer within {timeout:g} s") from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise SourceError(f"could not fetch {url}: no answer within {timeout:g} s") from None
            if isinstance(reason, OSError) and reason.strerror:
                reason = reason.strerror  # "Connection refused", not "[Errno 111] Connection refused"
            raise SourceError(f"could not fetch {url}: {reason}") from None
        except (OSError, ValueError, http.client.HTTPException) as error:
            # Broken connections, truncated bodies and malformed URLs surface as these.
            raise SourceError(f"could not fetch {url}: {str(error) or type(error).__name__}") from None


def _check_scheme(current: str, original: str) -> None:
    scheme = urlsplit(current).scheme.lower()
    if scheme not in ("http", "https"):
        where = "" if current == original else f" (redirected to {current})"
        raise SourceError(f"cannot fetch {original}{where}: only http and https URLs are supported")


def _read_capped(response: http.client.HTTPResponse, max_bytes: int, url: str) -> bytes:
    too_large = SourceError(f"could not fetch {url}: larger than the {max_bytes}-byte limit (fetch_max_bytes)")
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
