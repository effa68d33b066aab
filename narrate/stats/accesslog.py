"""`narrate stats import LOGFILE`: downloads from a static server's or CDN's access log (common or combined format).

Only successful GETs (200, 206) of episodes' audio count, with the bytes the log says were sent. Requests of
today join the windows ``narrate serve`` keeps (today's stored salt); earlier days are hashed with a salt made for
this import alone and forgotten after it. A log is never read twice: each import records the SHA-256 of what it
read, and a later import of the same log, or of the same log grown longer, skips that part.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from narrate.errors import SourceError
from narrate.stats.clients import is_bot
from narrate.stats.downloads import Listened, Tally, add_bytes, episode_for
from narrate.stats.listeners import forget_before, listener_hash, salt_of_today
from narrate.store import Store
from narrate.store.models import Download, LogImport

LINE = re.compile(
    r'(?P<host>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<request>(?:[^"\\]|\\.)*)" (?P<status>\d{3}) (?P<bytes>\d+|-)'
    r'(?: "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<agent>(?:[^"\\]|\\.)*)")?'
)
"""host ident user [time] "request" status bytes, and in the combined format "referer" "user agent"."""
COUNTED_STATUSES = {"200", "206"}
_BATCH = 1000


@dataclass(frozen=True)
class LogLine:
    address: str
    when: dt.datetime
    method: str
    path: str
    status: str
    bytes: int
    user_agent: str


@dataclass
class ImportSummary:
    """What an import read and counted."""

    lines: int = 0
    unreadable: int = 0
    audio_requests: int = 0
    bots: int = 0
    downloads: int = 0
    """Downloads this import added."""
    skipped_bytes: int = 0
    """Bytes at the start of the log that an earlier import had read."""
    days: set[dt.date] = field(default_factory=set)


def parse_line(text: str, base_path: str = "") -> LogLine | None:
    """One access log line; None when it is not in the common or combined format. ``base_path``: the path of
    NARRATE_BASE_URL ("/narrate"), which the server's paths start with and public paths do not."""
    match = LINE.match(text.strip())
    if match is None:
        return None
    request, agent = match.group("request"), match.group("agent")
    method, _, rest = request.partition(" ")
    target = rest.rpartition(" ")[0] if rest.count(" ") else rest
    try:
        when = dt.datetime.strptime(match.group("time"), "%d/%b/%Y:%H:%M:%S %z")
    except ValueError:
        return None
    path = unquote(urlsplit(target).path)
    if base_path and path.startswith(base_path.rstrip("/") + "/"):
        path = path[len(base_path.rstrip("/")) :]
    sent = match.group("bytes")
    return LogLine(
        match.group("host"), when.astimezone(dt.UTC), method, path.lstrip("/"), match.group("status"),
        0 if sent == "-" else int(sent), agent or "",
    )  # fmt: skip


def import_log(store: Store, path: Path, base_path: str = "", now: dt.datetime | None = None) -> ImportSummary:
    """Count the downloads in the access log at ``path`` (.gz read too), in one transaction."""
    today = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()
    summary = ImportSummary()
    with store.session() as session:
        earlier = [(row.size, row.digest) for row in session.scalars(select(LogImport))]
        with _open(path) as stream:
            summary.skipped_bytes = _already_read(stream, earlier)
        salts: dict[dt.date, bytes] = {}
        listened: dict[str, Listened | None] = {}
        # A listener's requests of an episode on a day, added up first: one statement per listener, not per line.
        tallies: dict[tuple[Listened, dt.date, str], _Sum] = {}
        with _open(path) as stream:
            digest = hashlib.sha256()
            size = 0
            for raw in _lines(stream):
                digest.update(raw)
                size += len(raw)
                if size <= summary.skipped_bytes:
                    continue
                summary.lines += 1
                line = parse_line(raw.decode("utf-8", "replace"), base_path)
                if line is None:
                    summary.unreadable += 1
                    continue
                if line.method != "GET" or line.status not in COUNTED_STATUSES or not line.bytes:
                    continue
                if line.path not in listened:
                    listened[line.path] = episode_for(session, line.path)
                episode = listened[line.path]
                if episode is None:
                    continue
                summary.audio_requests += 1
                if is_bot(line.user_agent):
                    summary.bots += 1
                    continue
                day = line.when.date()
                if day not in salts:
                    salts[day] = salt_of_today(session, today) if day == today else secrets.token_bytes(32)
                key = (episode, day, listener_hash(salts[day], line.address, line.user_agent))
                tally = tallies.setdefault(key, _Sum())
                if tally.bytes < episode.needed:
                    tally.reached = line.when  # the request that makes it a download, or the latest one so far
                tally.bytes += line.bytes
                summary.days.add(day)
        counted_before = _counted(session)
        today_start = dt.datetime.combine(today, dt.time(), dt.UTC)
        rows = [
            Tally(episode, day, listener, t.bytes, t.reached or today_start)
            for (episode, day, listener), t in tallies.items()
        ]
        for first in range(0, len(rows), _BATCH):
            add_bytes(session, rows[first : first + _BATCH])
        summary.downloads = _counted(session) - counted_before
        if summary.lines and summary.unreadable == summary.lines:
            raise SourceError(f"{path}: no line is in the common or combined log format")
        if size > summary.skipped_bytes:
            session.add(
                LogImport(
                    digest=digest.hexdigest(),
                    size=size,
                    requests=summary.audio_requests,
                )
            )
        forget_before(session, today)  # the hashes made with this import's own salts go with it
    return summary


def _counted(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Download).where(Download.counted_at.is_not(None))) or 0


@dataclass
class _Sum:
    bytes: int = 0
    reached: dt.datetime | None = None


def _open(path: Path) -> BinaryIO:
    try:
        with open(path, "rb") as probe:
            compressed = probe.read(2) == b"\x1f\x8b"
        return gzip.open(path, "rb") if compressed else open(path, "rb")  # type: ignore[return-value]
    except OSError as error:
        raise SourceError(f"{path}: {error.strerror or error}") from None


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    """Complete lines only: a log still being written may end in half a line, which the next import reads whole."""
    try:
        for raw in stream:
            if raw.endswith(b"\n"):
                yield raw
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise SourceError(f"cannot read the log: {error}") from None


def _already_read(stream: BinaryIO, earlier: list[tuple[int, str]]) -> int:
    """How many bytes at the start of the log an earlier import read (its digest matches that prefix)."""
    if not earlier:
        return 0
    sizes = {size for size, _ in earlier}
    digest = hashlib.sha256()
    size = best = 0
    for raw in _lines(stream):
        digest.update(raw)
        size += len(raw)
        if size in sizes and (size, digest.hexdigest()) in earlier:
            best = size
        if size >= max(sizes):
            break
    return best
