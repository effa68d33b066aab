"""Episode state in SQL: SQLite under NARRATE_HOME by default, PostgreSQL (or any SQLAlchemy URL) by setting."""

from __future__ import annotations

import datetime as dt
import enum
import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine as SQLEngine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, defer, mapped_column, sessionmaker

from narrate.errors import ConfigError, NotFoundError, UnavailableError
from narrate.logs import redact


class Status(str, enum.Enum):
    QUEUED = "queued"
    RENDERING = "rendering"
    PUBLISHED = "published"
    FAILED = "failed"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class Episode(Base):
    """One article's audio version in one feed; re-rendering updates the row in place."""

    __tablename__ = "episodes"
    __table_args__ = (UniqueConstraint("feed", "source_key", name="uq_episode_source"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    guid: Mapped[str] = mapped_column(String(64), unique=True)
    feed: Mapped[str] = mapped_column(String(64), index=True)
    source_key: Mapped[str] = mapped_column(String(512))
    """The canonical URL, or "sha256:<hash of the body>" for sourceless text."""
    source: Mapped[str] = mapped_column(Text, default="")
    """Where the article came from, as the user gave it (path, URL or "-")."""
    article_json: Mapped[str] = mapped_column(Text, default="")
    script_json: Mapped[str] = mapped_column(Text, default="")

    title: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str | None] = mapped_column(Text, nullable=True)
    site: Mapped[str | None] = mapped_column(Text, nullable=True)
    language: Mapped[str] = mapped_column(String(16), default="en")
    link: Mapped[str | None] = mapped_column(Text, nullable=True)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    engine: Mapped[str] = mapped_column(String(32), default="")
    voice: Mapped[str] = mapped_column(Text, default="")

    status: Mapped[str] = mapped_column(String(16), default=Status.QUEUED.value, index=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    exit_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """A failed render's kind, as the CLI's exit code (narrate.errors): 5 engine, 6 audio, 7 publishing, ..."""
    render_id: Mapped[str] = mapped_column(String(32), default="")
    """The render in charge; a stale render's result is discarded."""
    segments_total: Mapped[int] = mapped_column(Integer, default=0)
    segments_done: Mapped[int] = mapped_column(Integer, default=0)
    phase_progress: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Renders of this submission the reaper has started again after they stalled."""
    notice: Mapped[str | None] = mapped_column(Text, nullable=True)
    """What staff should know about a render that succeeded differently than asked (a fallback engine)."""

    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """Hash of everything the published files were made from; an unchanged re-render reuses them."""
    rev: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """Revision of the published files; part of their names so caches never serve old audio."""
    audio_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Relative to the public directory, like transcript_path and chapters_path."""
    transcript_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    chapters_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    bytes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)

    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def progress(self) -> int:
        """0-100: planning 5, synthesis up to 90, assembly and publishing the rest."""
        if self.status == Status.PUBLISHED.value:
            return 100
        if self.status == Status.QUEUED.value or not self.segments_total:
            return 0
        synthesis = 85 * min(self.segments_done, self.segments_total) // self.segments_total
        return min(99, 5 + synthesis + self.phase_progress)


class ApiToken(Base):
    """A staff API token, stored only as its SHA-256 hash."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


@lru_cache(maxsize=8)
def _engine(url: str) -> SQLEngine:
    try:
        if url.startswith("sqlite"):
            database = make_url(url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except Exception as error:  # a malformed URL or a missing driver
        raise ConfigError(f"database {redact(url)}: {error}") from None
    with _unavailable(url):
        Base.metadata.create_all(engine)
        _add_missing_columns(engine)
    return engine


def _add_missing_columns(engine: SQLEngine) -> None:
    """Bring a database made by an older Narrate up to date: add the columns it lacks (all have defaults)."""
    inspector = inspect(engine)
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                default = column.default.arg if column.default is not None and not callable(column.default.arg) else None
                clause = f" DEFAULT {default!r}" if isinstance(default, (int, float)) else ""
                connection.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}{clause}'))


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
    """Sessions over one database URL; every method commits on its own."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._sessions = sessionmaker(_engine(url), expire_on_commit=False)

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

    def episodes(self, feed: str | None = None, status: Status | None = None) -> list[Episode]:
        """Newest first: by the article's date, then by creation."""
        query = select(Episode)
        if feed:
            query = query.where(Episode.feed == feed)
        if status:
            query = query.where(Episode.status == status.value)
        query = query.order_by(Episode.published.desc().nulls_last(), Episode.created_at.desc())
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

    def segment_done(self, episode_id: str, render_id: str) -> None:
        # One atomic increment: synthesis tasks finish in parallel on many workers.
        self.change(episode_id, render_id, segments_done=Episode.segments_done + 1)

    def delete(self, episode_id: str) -> None:
        with self.session() as session:
            episode = session.get(Episode, episode_id)
            if episode is not None:
                session.delete(episode)
