"""Counting downloads: each listener's bytes of an episode on a UTC day add up; they count once, at the threshold.

IAB's guidelines count a download once a minute of audio has been asked for (the whole file when it is shorter),
and a listener's byte-range requests together: a player probing two bytes and then asking for the rest is one
download, and so is one that comes back for the next range an hour later.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

from sqlalchemy import bindparam, case, or_, select
from sqlalchemy.orm import Session

from narrate.stats.clients import is_bot
from narrate.stats.listeners import listener_hash, salt_of_today
from narrate.stats.upsert import dialect_insert
from narrate.store import Episode, Store
from narrate.store.models import Download, new_id

log = logging.getLogger("narrate.stats")

COUNTED_SECONDS = 60
"""Seconds of audio a listener must have asked for to count (IAB: one minute)."""


@dataclass(frozen=True)
class Request:
    """One request for a public audio file, as a server saw it."""

    path: str
    """The file's path below the public directory (audio/main/<id>-<rev>.mp3)."""
    address: str
    user_agent: str
    when: dt.datetime
    bytes: int
    """Bytes asked for (a range's length) or sent."""


@dataclass(frozen=True)
class Listened:
    """The episode a request was for, and how many bytes make one download of it."""

    episode_id: str
    needed: int


def needed_bytes(size: int | None, duration: float | None) -> int:
    """Bytes of one minute of audio, or the whole file when it is shorter (or its duration is unknown)."""
    if not size:
        return 1
    if not duration or duration <= COUNTED_SECONDS:
        return size
    return max(1, math.ceil(size * COUNTED_SECONDS / duration))


def episode_for(session: Session, path: str) -> Listened | None:
    """The episode whose audio ``path`` is: its current file, or an earlier revision's (same folder, same id)."""
    path = path.lstrip("/")
    if not path.endswith(".mp3") or "/" not in path:
        return None
    folder, _, name = path.rpartition("/")
    stem = name.rpartition("-")[0]
    if not stem:
        return None
    query = select(Episode.id, Episode.audio_path, Episode.bytes, Episode.duration).where(
        or_(Episode.audio_path == path, Episode.id == stem)
    )
    for episode_id, audio_path, size, duration in session.execute(query):
        current_folder, _, current_name = (audio_path or "").rpartition("/")
        if audio_path == path or (current_folder == folder and current_name.rpartition("-")[0] == stem):
            return Listened(episode_id, needed_bytes(size, duration))
    return None


@dataclass(frozen=True)
class Tally:
    """Bytes a listener asked for of an episode on a day, and when (the request that made them a download)."""

    listened: Listened
    day: dt.date
    listener: str
    bytes: int
    when: dt.datetime


def add_bytes(session: Session, tallies: list[Tally]) -> None:
    """Add each tally's bytes to its listener's day with its episode; counted when the total first reaches the
    episode's threshold. One statement, executed for all the tallies at once."""
    if not tallies:
        return
    table = Download.__table__
    statement = dialect_insert(session, table)
    total = table.c.bytes + statement.excluded.bytes
    counted = case(
        (table.c.counted_at.is_not(None), table.c.counted_at),
        (total >= bindparam("needed"), bindparam("when")),
        else_=None,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["episode_id", "day", "listener"], set_={"bytes": total, "counted_at": counted}
    )
    rows = [
        {
            "id": new_id(),
            "episode_id": t.listened.episode_id,
            "day": t.day,
            "listener": t.listener,
            "bytes": t.bytes,
            "counted_at": t.when if t.bytes >= t.listened.needed else None,
            "needed": t.listened.needed,
            "when": t.when,
        }
        for t in tallies
    ]
    session.connection().execute(statement, rows)


def record_request(store: Store, request: Request) -> bool:
    """Count one request from ``narrate serve``; False when it is not for an episode's audio or comes from a bot."""
    if request.bytes <= 0 or is_bot(request.user_agent):
        return False
    when = request.when.astimezone(dt.UTC)
    with store.session() as session:
        listened = episode_for(session, request.path)
        if listened is None:
            return False
        salt = salt_of_today(session, when.date())
        listener = listener_hash(salt, request.address, request.user_agent)
        add_bytes(session, [Tally(listened, when.date(), listener, request.bytes, when)])
    return True
