"""Webhook secrets and signatures: Ghost's ``X-Ghost-Signature`` and the generic ``X-Narrate-Signature``.

An HMAC is checked with the secret itself, so a one-way hash of it cannot verify anything. What the database keeps is
the secret encrypted (Fernet) with a key that lives outside it, in NARRATE_HOME/keys/webhooks.key (0600): a copy of
the database alone (a backup, `narrate db copy`) lets no one sign webhooks.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path

from narrate.errors import ConfigError

GHOST_HEADER = "x-ghost-signature"
GENERIC_HEADER = "x-narrate-signature"
GHOST_TOLERANCE_SECONDS = 300
"""How old (or how far in the future) a Ghost signature's timestamp may be: a replay later than this is refused."""


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def key_path(home: Path) -> Path:
    return home / "keys" / "webhooks.key"


def _fernet(home: Path, create: bool):  # type: ignore[no-untyped-def]
    from cryptography.fernet import Fernet

    path = key_path(home)
    if not path.exists():
        if not create:
            raise ConfigError(f"the webhook key {path} is missing: re-create the source's secret")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key())
    return Fernet(path.read_bytes().strip())


def seal(home: Path, secret: str) -> str:
    """The secret encrypted for the database (the key is created on first use)."""
    return str(_fernet(home, create=True).encrypt(secret.encode("utf-8")).decode("ascii"))


def unseal(home: Path, sealed: str) -> str:
    from cryptography.fernet import InvalidToken

    try:
        return str(_fernet(home, create=False).decrypt(sealed.encode("ascii")).decode("utf-8"))
    except (InvalidToken, ValueError):
        raise ConfigError(f"the webhook key {key_path(home)} does not open this source's secret") from None


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None) -> bool:
    """Whether the request is signed with ``secret``: Ghost's header, or the generic one."""
    ghost = headers.get(GHOST_HEADER)
    if ghost:
        return _ghost_valid(secret, ghost, body, time.time() if now is None else now)
    generic = headers.get(GENERIC_HEADER)
    if generic:
        return _same(generic.strip(), "sha256=" + _hmac(secret, body))
    return False


def _ghost_valid(secret: str, header: str, body: bytes, now: float) -> bool:
    """``sha256=<hex>, t=<ms>``: the HMAC-SHA256 of the body followed by the timestamp (Ghost's webhook-trigger)."""
    parts = dict(part.strip().split("=", 1) for part in header.split(",") if "=" in part)
    digest, stamp = parts.get("sha256", ""), parts.get("t", "")
    if not digest or not stamp.isdigit():
        return False
    if abs(now - int(stamp) / 1000) > GHOST_TOLERANCE_SECONDS:
        return False
    return _same(digest, _hmac(secret, body + stamp.encode("ascii")))


def ghost_signature(secret: str, body: bytes, now: float | None = None) -> str:
    """The header Ghost would send (for tests and for trying a webhook by hand)."""
    stamp = str(int((time.time() if now is None else now) * 1000))
    return f"sha256={_hmac(secret, body + stamp.encode('ascii'))}, t={stamp}"


def generic_signature(secret: str, body: bytes) -> str:
    return "sha256=" + _hmac(secret, body)


def _hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))
