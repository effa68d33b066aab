"""Staff tokens on a real database: shown once, stored hashed, revocable."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from narrate.errors import ConfigError, NotFoundError
from narrate.store import ApiToken, Store
from narrate.web.tokens import create_token, list_tokens, revoke_token, verify_token


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'narrate.db'}")


def test_token_verifies_and_is_stored_only_as_a_hash(store: Store) -> None:
    token = create_token(store, "web-team")
    assert token.startswith("nrt_") and len(token) > 40
    assert verify_token(store, token) == "web-team"
    assert verify_token(store, token + "x") is None
    assert verify_token(store, "") is None and verify_token(store, "Bearer " + token) is None
    with store.session() as session:
        [row] = session.scalars(select(ApiToken))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in (row.token_hash, row.name)


def test_revoked_tokens_stop_working_and_names_can_be_reused(store: Store) -> None:
    old = create_token(store, "alice")
    with pytest.raises(ConfigError, match="exists"):
        create_token(store, "alice")
    revoke_token(store, "alice")
    assert verify_token(store, old) is None
    new = create_token(store, "alice")
    assert verify_token(store, new) == "alice" and verify_token(store, old) is None
    assert [t.name for t in list_tokens(store)] == ["alice"]
    with pytest.raises(NotFoundError):
        revoke_token(store, "bob")


def test_bad_names_are_refused(store: Store) -> None:
    for name in ("", "../x", "a b", "x" * 65):
        with pytest.raises(ConfigError):
            create_token(store, name)
