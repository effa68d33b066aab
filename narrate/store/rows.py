"""Episodes read straight from a SQLite database with the standard library, for commands that only read.

SQLAlchemy takes about half a CPU-second to import, longer than `narrate episodes` may take in all. This reads the
same rows the Store's listing does, as plain EpisodeRow objects, when it safely can: a SQLite file that exists, at
the schema revision this Narrate knows. Anything else (another database, a new or older or newer schema, an error)
gives None, and the caller goes through the Store, which creates, checks and explains.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, fields
from pathlib import Path

from narrate.store.schema import HEAD
from narrate.store.status import progress


@dataclass(frozen=True)
class EpisodeRow:
    """An episode as a listing sees it: every column of models.Episode but the stored article and script (a test
    checks that the two agree)."""

    id: str
    guid: str
    feed: str
    source_key: str
    source: str
    title: str
    author: str | None
    site: str | None
    language: str
    link: str | None
    published: dt.date | None
    description: str
    engine: str
    voice: str
    status: str
    reason: str | None
    exit_code: int | None
    render_id: str
    segments_total: int
    segments_done: int
    phase_progress: int
    attempts: int
    notice: str | None
    fingerprint: str | None
    rev: str | None
    audio_path: str | None
    transcript_path: str | None
    chapters_path: str | None
    bytes: int | None
    duration: float | None
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None

    @property
    def progress(self) -> int:
        return progress(self.status, self.segments_done, self.segments_total, self.phase_progress)


COLUMNS = tuple(f.name for f in fields(EpisodeRow))
_DATES = {"published"}
_TIMES = {"created_at", "updated_at", "published_at"}


def sqlite_path(url: str) -> Path | None:
    """The file of a plain SQLite URL (``sqlite:///path``, as Settings.db_url makes), else None."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            rest = url.removeprefix(prefix)
            return Path(rest) if rest and rest != ":memory:" and "?" not in rest else None
    return None


def episodes(url: str, feed: str | None = None) -> list[EpisodeRow] | None:
    """Newest first, as Store.episodes() lists them; None when this database must be read through the Store."""
    where, values = ("WHERE feed = ?", (feed,)) if feed else ("", ())
    order = "ORDER BY published IS NULL, published DESC, created_at DESC"  # Store: published DESC NULLS LAST
    return _select(url, f"SELECT {', '.join(COLUMNS)} FROM episodes {where} {order}", values)


def episode(url: str, episode_id: str) -> EpisodeRow | None:
    """The episode ``episode_id``; None when it is not there or this database must be read through the Store."""
    found = _select(url, f"SELECT {', '.join(COLUMNS)} FROM episodes WHERE id = ?", (episode_id,))
    return found[0] if found else None


def _select(url: str, query: str, values: tuple[str, ...]) -> list[EpisodeRow] | None:
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return None  # a new database is the Store's to create
    try:
        connection = sqlite3.connect(path, timeout=30)
    except sqlite3.Error:
        return None
    try:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        if revision != [(HEAD,)]:
            return None  # the Store says what to do about a schema it does not know
        return [_row(record) for record in connection.execute(query, values)]
    except (sqlite3.Error, ValueError):
        return None
    finally:
        connection.close()


def _row(record: tuple[object, ...]) -> EpisodeRow:
    """One record as SQLAlchemy would give it on SQLite: dates and (naive, UTC) times parsed from their text."""
    values = dict(zip(COLUMNS, record))
    for name in _DATES:
        values[name] = dt.date.fromisoformat(values[name]) if values[name] else None  # type: ignore[arg-type]
    for name in _TIMES:
        values[name] = dt.datetime.fromisoformat(values[name]) if values[name] else None  # type: ignore[arg-type]
    return EpisodeRow(**values)  # type: ignore[arg-type]
