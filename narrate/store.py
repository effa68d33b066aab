"""Episode state in SQL: SQLite under NARRATE_HOME by default, PostgreSQL (or any SQLAlchemy URL) by setting."""

from __future__ import annotations

import datetime as dt
import enum
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
    select,
    update,
)
from sqlalchemy.engine import Engine as SQLEngine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, defer, mapped_column, sessionmaker

from narrate.errors import ConfigError, NotFoundError


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
    render_id: Mapped[str] = mapped_column(String(32), default="")
    """The render in charge; a stale render's result is discarded."""
    segments_total: Mapped[int] = mapped_column(Integer, default=0)
    segments_done: Mapped[int] = mapped_column(Integer, default=0)
    phase_progress: Mapped[int] = mapped_column(Integer, default=0)

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
        raise ConfigError(f"database {url!r}: {error}") from None
    Base.metadata.create_all(engine)
    return engine


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
        with self._sessions.begin() as session:
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
        with self.session() as session:
            return session.merge(episode)

    def change(self, episode_id: str, render_id: str | None = None, **values: object) -> bool:
        """Update columns; with render_id, only while that render is still the one in charge."""
        query = update(Episode).where(Episode.id == episode_id)
        if render_id is not None:
            query = query.where(Episode.render_id == render_id)
        with self.session() as session:
            return session.execute(query.values(**values)).rowcount > 0

    def segment_done(self, episode_id: str, render_id: str) -> None:
        # One atomic increment: synthesis tasks finish in parallel on many workers.
        self.change(episode_id, render_id, segments_done=Episode.segments_done + 1)

    def delete(self, episode_id: str) -> None:
        with self.session() as session:
            episode = session.get(Episode, episode_id)
            if episode is not None:
                session.delete(episode)
