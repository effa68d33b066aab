"""The database: SQLite under NARRATE_HOME by default, PostgreSQL (or any SQLAlchemy URL) by setting."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, event, select, text, update
from sqlalchemy.engine import Engine as SQLEngine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, defer, sessionmaker

from narrate.errors import ConfigError, NotFoundError, UnavailableError
from narrate.logs import redact
from narrate.store import schema
from narrate.store.models import Episode, Status


@lru_cache(maxsize=8)
def connect(url: str) -> SQLEngine:
    """The engine for ``url`` (one per process), with nothing checked yet."""
    try:
        if url.startswith("sqlite"):
            database = make_url(url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)  # the shells made NARRATE_HOME (0711)
                _create_private(Path(database))
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as error:
        advice = " (pip install '.[postgres]')" if "psycopg" in str(error) else ""
        raise ConfigError(f"database {redact(url)}: the driver is not installed: {error}{advice}") from None
    except Exception as error:  # a malformed URL
        raise ConfigError(f"database {redact(url)}: {error}") from None
    return engine


def _create_private(database: Path) -> None:
    """Create a new SQLite database's file readable by its owner alone, whatever the umask: it holds unpublished
    articles and staff sessions, and its name is known. SQLite gives its -wal and -shm files the same mode."""
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:
        pass  # there already (its mode is the operator's), or not creatable: SQLite says why when it opens it


@lru_cache(maxsize=8)
def _engine(url: str, public_dir: Path | None = None) -> SQLEngine:
    """The engine for ``url``, its schema checked once per process: a new database is created at the newest
    revision, one that is behind or ahead is refused with what to do (see schema.py)."""
    engine = connect(url)
    with _unavailable(url):
        schema.ensure(engine, redact(url), public_dir)
    return engine


@contextmanager
def _unavailable(url: str) -> Iterator[None]:
    """Turn "cannot reach the database" into UnavailableError, which tasks retry."""
    try:
        yield
    except (OperationalError, InterfaceError) as error:
        raise UnavailableError(f"database {redact(url)} unavailable: {_first_line(error)}") from None
    except DBAPIError as error:
        if error.connection_invalidated:
            raise UnavailableError(f"database {redact(url)} unavailable: {_first_line(error)}") from None
        raise


def _first_line(error: DBAPIError) -> str:
    lines = str(error.orig).strip().splitlines()
    return lines[0] if lines else type(error.orig).__name__


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets the CLI read progress while a worker process writes.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # With WAL, NORMAL stays consistent after a crash and spares an fsync per progress update.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Store:
    """Sessions over one database URL; every method commits on its own.

    ``public_dir``: where this installation publishes; a new, empty database is refused while feeds there list
    episodes (the database was changed, not emptied on purpose).
    """

    def __init__(self, url: str, public_dir: Path | None = None) -> None:
        self.url = url
        self._sessions = sessionmaker(_engine(url, public_dir), expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with _unavailable(self.url), self._sessions.begin() as session:
            yield session

    def get(self, episode_id: str) -> Episode:
        with self.session() as session:
            episode = session.get(Episode, episode_id)
            if episode is None:
                raise NotFoundError(f"no episode {episode_id!r}")
            return episode

    def find(self, feed: str, source_key: str) -> Episode | None:
        with self.session() as session:
            return session.scalar(select(Episode).where(Episode.feed == feed, Episode.source_key == source_key))

    def episodes(
        self, feed: str | None = None, status: Status | None = None, *, by_activity: bool = False,
        limit: int | None = None,
    ) -> list[Episode]:
        """Newest first: by the article's date, then by creation (a feed's order). ``by_activity``: by when each
        was last queued or changed instead, so an undated article staff just queued is not listed last."""
        query = select(Episode)
        if feed:
            query = query.where(Episode.feed == feed)
        if status:
            query = query.where(Episode.status == status.value)
        if by_activity:
            query = query.order_by(Episode.updated_at.desc(), Episode.created_at.desc(), Episode.id)
        else:
            query = query.order_by(Episode.published.desc().nulls_last(), Episode.created_at.desc())
        query = query.limit(limit)
        # Listings never need the stored article and script; skipping them keeps a 10,000-episode feed quick.
        query = query.options(defer(Episode.article_json, raiseload=True), defer(Episode.script_json, raiseload=True))
        with self.session() as session:
            return list(session.scalars(query))

    def save(self, episode: Episode) -> Episode:
        try:
            with self.session() as session:
                return session.merge(episode)
        except IntegrityError:
            # Another process inserted the same episode (same id) a moment ago: update that row instead.
            with self.session() as session:
                return session.merge(episode)

    def change(self, episode_id: str, current_render: str | None = None, /, **values: object) -> bool:
        """Update columns; with current_render, only while that render is still the one in charge (then a new
        ``render_id`` among the values hands the episode over atomically)."""
        query = update(Episode).where(Episode.id == episode_id)
        if current_render is not None:
            query = query.where(Episode.render_id == current_render)
        with self.session() as session:
            return session.execute(query.values(**values)).rowcount > 0

    def stale(self, before: dt.datetime) -> list[Episode]:
        """Episodes queued or rendering that have not changed since ``before``."""
        query = select(Episode).where(
            Episode.status.in_([Status.QUEUED.value, Status.RENDERING.value]), Episode.updated_at < before
        )
        query = query.options(defer(Episode.article_json, raiseload=True), defer(Episode.script_json, raiseload=True))
        with self.session() as session:
            return list(session.scalars(query))

    def unfinished(self, before: dt.datetime) -> list[Episode]:
        """Episodes rendering with every segment synthesised that have not changed since ``before``: their finishing
        step is not at work (it reports progress as it assembles)."""
        query = select(Episode).where(
            Episode.status == Status.RENDERING.value,
            Episode.segments_total > 0,
            Episode.segments_done >= Episode.segments_total,
            Episode.updated_at < before,
        )
        query = query.options(defer(Episode.article_json, raiseload=True), defer(Episode.script_json, raiseload=True))
        with self.session() as session:
            return list(session.scalars(query))

    @contextmanager
    def lock(self, name: str, lock_dir: Path) -> Iterator[None]:
        """An exclusive lock named ``name`` ("feed-main", "episode-<id>"), waited for, held until the block ends.

        PostgreSQL: an advisory lock, which holds across machines sharing the database. SQLite (one machine): an
        exclusive lock on a file under ``lock_dir``.
        """
        engine = self._sessions.kw["bind"]
        if engine.dialect.name == "postgresql":
            key = zlib.crc32(f"narrate:{name}".encode("utf-8"))
            with _unavailable(self.url), engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            return
        lock_dir.mkdir(parents=True, exist_ok=True)
        with open(lock_dir / f"{name}.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def touch(self, episode_id: str, render_id: str) -> None:
        """Mark the render as alive (updated_at) without changing anything else: the reaper leaves it be."""
        self.change(episode_id, render_id, phase_progress=Episode.phase_progress)

    def segment_done(self, episode_id: str, render_id: str) -> tuple[int, int] | None:
        """Count one more segment of the render; returns (done, total) as this very increment left them (read
        afterwards, two segments finishing at once would both say the later count), None when the render is no
        longer the episode's. One atomic statement: synthesis tasks finish in parallel on many workers."""
        query = (
            update(Episode)
            .where(Episode.id == episode_id, Episode.render_id == render_id)
            .values(segments_done=Episode.segments_done + 1)
            .returning(Episode.segments_done, Episode.segments_total)
        )
        with self.session() as session:
            row = session.execute(query).first()
        return None if row is None else (row[0], row[1])

    def delete(self, episode_id: str) -> None:
        with self.session() as session:
            episode = session.get(Episode, episode_id)
            if episode is not None:
                session.delete(episode)
