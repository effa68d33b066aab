"""Staff browser sessions: the staff page's cookie holds a random session id, never the API token itself.

A stolen cookie is then worth one session that expires, ends at logout and ends when its token is revoked, and the
database holds only hashes of session ids, as it does of tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select

from narrate.store import ApiToken, StaffSession, Store, utcnow

PREFIX = "nrs_"
"""Session ids start with it, so log redaction (narrate/logs.py) recognises them as it does "nrt_" tokens."""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def open_session(store: Store, token_hash: str, lifetime: dt.timedelta) -> str:
    """A new session for the token with ``token_hash``; returns its id, which only the cookie will hold."""
    session_id = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    with store.session() as db:
        db.execute(delete(StaffSession).where(StaffSession.expires_at <= now))  # expired ones, anyone's
        db.add(StaffSession(id_hash=_digest(session_id), token_hash=token_hash, created_at=now,
                            expires_at=now + lifetime))
    return session_id


def session_name(store: Store, session_id: str) -> str | None:
    """The name of the token behind a live session: known, not expired, its token not revoked; else None.

    Looked up by hash: a 256-bit random id leaves nothing for a timing attack to narrow down.
    """
    if not session_id.startswith(PREFIX):
        return None
    query = (
        select(ApiToken.name)
        .join(StaffSession, StaffSession.token_hash == ApiToken.token_hash)
        .where(
            StaffSession.id_hash == _digest(session_id),
            StaffSession.expires_at > utcnow(),
            ApiToken.revoked_at.is_(None),
        )
    )
    with store.session() as db:
        return db.scalar(query)


def close_session(store: Store, session_id: str) -> None:
    """Log out: the session id stops working everywhere at once."""
    with store.session() as db:
        db.execute(delete(StaffSession).where(StaffSession.id_hash == _digest(session_id)))

