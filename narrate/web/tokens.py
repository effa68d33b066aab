"""Staff API tokens: random, shown once, stored hashed, compared in constant time, revocable.

Revoking a token also ends the staff page sessions it opened (narrate/web/sessions.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlalchemy import delete, select

from narrate.errors import ConfigError, NotFoundError
from narrate.store import ApiToken, StaffSession, Store, utcnow

PREFIX = "nrt_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


def digest(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, name: str) -> str:
    """A new token for ``name``; only its hash is kept, so this is the one time it can be shown."""
    if not _NAME.match(name):
        raise ConfigError(f"token name {name!r} must be 1-64 letters, digits, '.', '_', '@' or '-'")
    token = PREFIX + secrets.token_urlsafe(32)
    with store.session() as session:
        existing = session.get(ApiToken, name)
        if existing is not None and existing.revoked_at is None:
            raise ConfigError(f"token {name!r} exists; revoke it first: narrate token revoke {name}")
        if existing is not None:
            session.delete(existing)
            session.flush()
        session.add(ApiToken(name=name, token_hash=digest(token)))
    return token


def verify_token(store: Store, token: str) -> str | None:
    """The token's name when it is valid and not revoked, else None."""
    if not token.startswith(PREFIX):
        return None
    hashed = digest(token)
    with store.session() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hashed))
        # The lookup is by hash; compare again in constant time so no timing tells how close a guess was.
        if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, hashed):
            return None
        return row.name


def revoke_token(store: Store, name: str) -> None:
    with store.session() as session:
        row = session.get(ApiToken, name)
        if row is None or row.revoked_at is not None:
            raise NotFoundError(f"no active token named {name!r}")
        row.revoked_at = utcnow()
        session.execute(delete(StaffSession).where(StaffSession.token_hash == row.token_hash))


def list_tokens(store: Store) -> list[ApiToken]:
    with store.session() as session:
        return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at)))
