"""Insert-or-update in one statement, on SQLite and PostgreSQL (the two databases Narrate runs on)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def dialect_insert(session: Session, model: Any) -> Any:
    name = session.get_bind().dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(model)


def insert_ignoring_conflicts(session: Session, model: Any, **values: Any) -> None:
    session.execute(dialect_insert(session, model).values(**values).on_conflict_do_nothing())
