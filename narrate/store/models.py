"""What the database holds: episodes, staff API tokens and staff sessions. The schema's history is in migrations/."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from narrate.store.status import Status, progress, utcnow


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
        return progress(self.status, self.segments_done, self.segments_total, self.phase_progress)


class ApiToken(Base):
    """A staff API token, stored only as its SHA-256 hash."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class StaffSession(Base):
    """One signed-in browser, stored only as the SHA-256 hash of its session id."""

    __tablename__ = "staff_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), index=True)
    """The hash of the token that signed in: the session lives only while that very token does (a token
    re-created under the same name does not revive it)."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


# -- listening figures (narrate/stats) ---------------------------------------------------------------------


def new_id() -> str:
    return uuid.uuid4().hex


class Download(Base):
    """One listener's downloads of one episode on one UTC day: counted once, when enough bytes were asked for."""

    __tablename__ = "downloads"
    __table_args__ = (UniqueConstraint("episode_id", "day", "listener", name="uq_download_listener"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    """Random, not a sequence: `narrate db copy` moves rows between databases as they are."""
    episode_id: Mapped[str] = mapped_column(String(32), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    listener: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """HMAC of address and user agent with the day's salt; cleared once the day is over (the salt is gone)."""
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    counted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """When the listener's bytes reached a download (IAB: a minute of audio, or the whole of a shorter file)."""


class ListenerSalt(Base):
    """The salt of today's listener hashes; replaced each UTC day, so older hashes cannot be traced back."""

    __tablename__ = "listener_salts"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))


class LogImport(Base):
    """An access log imported by `narrate stats import`: the digest of what was read, so it is never read twice."""

    __tablename__ = "log_imports"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    digest: Mapped[str] = mapped_column(String(64), index=True)
    """SHA-256 of the first ``size`` bytes of the (decompressed) log."""
    size: Mapped[int] = mapped_column(BigInteger)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# -- sources (issue 15): sites followed by their feed or sitemap, and what each of their entries became ---------


class Source(Base):
    """A feed (RSS, Atom, JSON Feed) or sitemap whose new and changed entries become episodes of ``feed``."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    """Short and random: it names the source in its webhook URL, /api/hooks/<id>."""
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    feed: Mapped[str] = mapped_column(String(64))
    since: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    """Entries published from then on are new; older ones are the archive, back-filled on request."""
    backfill: Mapped[int] = mapped_column(Integer, default=0)
    """Archive entries still to be queued, newest first, a few per poll."""
    unpublish_missing: Mapped[bool] = mapped_column(Boolean, default=False)
    """Unpublish the episode of an entry the source deletes (by default it stays published)."""
    secret: Mapped[str] = mapped_column(Text, default="")
    """The webhook secret, encrypted with the key in NARRATE_HOME/keys (never stored in the clear)."""
    kind: Mapped[str] = mapped_column(String(16), default="")
    """rss, atom, json or sitemap, as last read; empty until the first successful poll."""
    etag: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_modified: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    polled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """When the last poll started (a poll claims the source by setting it)."""
    checked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """When a poll last read the source successfully (or was told it had not changed)."""
    poll_result: Mapped[str | None] = mapped_column(Text, nullable=True)
    poll_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    poll_queued: Mapped[str] = mapped_column(Text, default="")
    """The episode ids the last poll queued (new, re-rendered or back-filled), space-separated."""


class SourceEntry(Base):
    """One entry of a source (a post in its feed, a URL in its sitemap, or a webhook's post) and its episode."""

    __tablename__ = "source_entries"
    __table_args__ = (UniqueConstraint("source_id", "key", name="uq_source_entry"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(String(16), index=True)
    key: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the entry's id (its guid, or its URL when it has none)."""
    link: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The entry's updated date (or sitemap lastmod) as last seen: a new value means the page changed."""
    feed_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """Hash of the entry's text in the source (content:encoded, summary): a new value means it changed."""
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """Hash of the article text last queued: a page that reads the same is not rendered again."""
    state: Mapped[str] = mapped_column(String(16), default="queued")
    """queued (has an episode), archive (older than the source's since), failed, gone, unpublished."""
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    episode_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
