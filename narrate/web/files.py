"""The public file server: public/X at /X, as a static web server would (HEAD, ranges, ETag/304, CORS).

nginx or a CDN can take this side over at any scale.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from os import stat_result
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse
from starlette.types import Receive, Scope, Send

from narrate.web.listening import count_download
from narrate.web.service import ServiceDep

CONTENT_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".json": "application/json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Accept-Ranges, Content-Range, Content-Length, ETag, Last-Modified",
}
PREFLIGHT = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Range, If-None-Match, If-Modified-Since, If-Range",
    "Access-Control-Max-Age": "86400",
}

public = APIRouter(include_in_schema=False)


@public.api_route("/{path:path}", methods=["GET", "HEAD"])
def public_file(path: str, request: Request, service: ServiceDep) -> Response:
    root = service.settings.public_dir.resolve()
    target = public_target(root, path)
    if target is not None and target.is_dir():
        if path and not path.endswith("/"):
            # Relative, so it also works when a proxy mounts the service below the site's root.
            location = quote(PurePosixPath(path).name) + "/" + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(location, status_code=308)
        target = public_target(root, path + "index.html")
    if target is None or not target.is_file():  # no directory listings, no sockets or devices
        raise HTTPException(404, "not found")
    relative = target.relative_to(root).as_posix()
    stat = target.stat()
    headers = dict(CORS)
    if relative.endswith((".xml", ".html")):
        headers["Cache-Control"] = "no-cache"  # apps and browsers revalidate, cheaply, with the ETag
    file = PublicFile(target, stat, content_type(relative), headers)
    etag, modified = file.headers["etag"], file.headers["last-modified"]
    if not_modified(request.headers, etag, stat):
        return Response(status_code=304, headers={**headers, "ETag": etag, "Last-Modified": modified})
    asked = request.headers.get("range")
    if_range = request.headers.get("if-range")
    # If-Range: ranges only of the version the client already has, else the whole file.
    ranges = byte_ranges(asked, stat.st_size) if asked and if_range in (None, etag, modified) else None
    if ranges == []:
        refusal = {**headers, "Content-Range": f"bytes */{stat.st_size}", "Accept-Ranges": "bytes"}
        return JSONResponse({"error": "range not satisfiable"}, status_code=416, headers=refusal)
    if ranges:
        file.byte_range = "bytes=" + ",".join(f"{first}-{last}" for first, last in ranges)
    if request.method == "GET" and relative.endswith(".mp3"):  # listening figures (narrate/stats)
        count_download(service, request, relative, sum(b - a + 1 for a, b in ranges) if ranges else stat.st_size)
    return file


@public.options("/{path:path}")
def public_preflight(path: str, service: ServiceDep) -> Response:
    if public_target(service.settings.public_dir.resolve(), path) is None:
        raise HTTPException(404, "not found")
    return Response(status_code=204, headers=PREFLIGHT)


def public_target(root: Path, path: str) -> Path | None:
    """The existing file or directory under ``root`` that a URL path names, resolved; else None.

    Refuses "..", empty and hidden segments (temporary files start with "."), backslashes and NUL, and
    whatever a symlink leads to outside ``root``.
    """
    segments = path.split("/")
    if segments[-1] == "":  # a directory URL's trailing slash
        segments.pop()
    if any(not s or s.startswith(".") or "\\" in s or "\x00" in s for s in segments):
        return None
    try:
        target = root.joinpath(*segments).resolve()
        return target if target.is_relative_to(root) and target.exists() else None
    except (OSError, RuntimeError):  # a name too long for the file system, a symlink loop
        return None


def content_type(relative: str) -> str:
    if relative.startswith("chapters/") and relative.endswith(".json"):
        return "application/json+chapters"  # Podcasting 2.0 chapters
    return CONTENT_TYPES.get(PurePosixPath(relative).suffix.lower(), "application/octet-stream")


def not_modified(headers: Headers, etag: str, stat: stat_result) -> bool:
    """RFC 9110 13.1: If-None-Match (weak comparison), else If-Modified-Since."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    if_modified_since = headers.get("if-modified-since")
    if not if_modified_since:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return int(stat.st_mtime) <= since.timestamp()


_RANGE_SPEC = re.compile(r"(\d*)-(\d*)")
_BEYOND_ANY_FILE = 10**18
"""Where a byte position of more digits than this has (huge, but valid per RFC 9110) points: past every file.

Python refuses to read numbers of over 4,300 digits (int() raises), so such positions are never converted."""
MAX_RANGES = 100
"""More ranges than this in one header are ignored (the whole file, 200): RFC 9110 14.2 lets a server ignore a
range set that would cost far more to send than the file (a thousand "0-0" ranges, one multipart part each)."""


def byte_ranges(header: str, size: int) -> list[tuple[int, int]] | None:
    """The satisfiable (first, last) byte ranges of a Range header.

    None when the header is not a valid bytes range: RFC 9110 says to ignore it (200, the whole file).
    An empty list when no range is satisfiable (416). Positions of any length are valid (RFC 9110 14.1.1,
    1*DIGIT): a first position past the end is unsatisfiable, a last one is cut to the end of the file.
    """
    unit, _, specs = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None
    parts = specs.split(",")
    if len(parts) > MAX_RANGES:
        return None
    ranges: list[tuple[int, int]] = []
    for spec in parts:
        match = _RANGE_SPEC.fullmatch(spec.strip())
        if match is None or match.group(1) == match.group(2) == "":
            return None
        first_digits, last_digits = (digits.lstrip("0") or ("0" if digits else "") for digits in match.groups())
        first, last = _position(first_digits), _position(last_digits)
        if not first_digits:  # "-n": the last n bytes
            if last > 0 and size > 0:
                ranges.append((max(size - last, 0), size - 1))
        elif last_digits and (len(last_digits), last_digits) < (len(first_digits), first_digits):
            return None  # last before first, compared as digits so that no huge number is ever converted
        elif first < size:
            ranges.append((first, min(last, size - 1) if last_digits else size - 1))
    return ranges


def _position(digits: str) -> int:
    """A byte position (leading zeros already stripped), or _BEYOND_ANY_FILE when it has more than 18 digits."""
    return int(digits) if digits and len(digits) <= 18 else (_BEYOND_ANY_FILE if digits else 0)


class PublicFile(FileResponse):
    """Starlette's FileResponse (ETag, Last-Modified, HEAD, single and multipart ranges), told which Range to serve.

    Starlette answers 400 to a Range it cannot parse and 416 when any one range is out of the file; RFC 9110
    says to ignore the former and serve the satisfiable ranges of the latter, so ``byte_range`` is decided above.
    """

    def __init__(self, path: Path, stat: stat_result, media_type: str, headers: dict[str, str]) -> None:
        super().__init__(path, stat_result=stat, media_type=media_type, headers=headers)
        self.byte_range: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(key, value) for key, value in scope["headers"] if key.lower() != b"range"]
        if self.byte_range:
            headers.append((b"range", self.byte_range.encode("latin-1")))
        await super().__call__({**scope, "headers": headers}, receive, send)
