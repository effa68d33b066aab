"""Who a listener is, without keeping their address: an HMAC of address and user agent with the day's salt.

Only today's salt is stored. The first request of a new UTC day replaces it, deletes the older salts and clears
the hashes of older days, so nothing in the database can be traced back to an address once its day is over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from narrate.stats.upsert import insert_ignoring_conflicts
from narrate.store.models import Download, ListenerSalt


def listener_hash(salt: bytes, address: str, user_agent: str) -> str:
    return hmac.new(
        salt,
        f"{canonical_address(address)}\n{user_agent.strip()}".encode(),
        hashlib.sha256,
    ).hexdigest()


def canonical_address(address: str) -> str:
    """One spelling per address ("::ffff:192.0.2.1" is 192.0.2.1), so a listener is one whatever the server wrote."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip().lower()
    mapped = getattr(parsed, "ipv4_mapped", None)
    return str(mapped or parsed)


def salt_of_today(session: Session, today: dt.date) -> bytes:
    """Today's salt, made (and yesterday's forgotten) on the first request of the day."""
    found = session.get(ListenerSalt, today)
    if found is None:
        forget_before(session, today)
        insert_ignoring_conflicts(session, ListenerSalt, day=today, salt=secrets.token_hex(32))
        found = session.scalar(select(ListenerSalt).where(ListenerSalt.day == today))
        assert found is not None
    return bytes.fromhex(found.salt)


def forget_before(session: Session, today: dt.date) -> None:
    """Delete the salts and listener hashes of the days before ``today``, and their listeners who never reached a
    download; the counted downloads stay."""
    session.execute(delete(ListenerSalt).where(ListenerSalt.day < today))
    session.execute(delete(Download).where(Download.day < today, Download.counted_at.is_(None)))
    session.execute(update(Download).where(Download.day < today, Download.listener.is_not(None)).values(listener=None))
