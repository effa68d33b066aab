"""Moving to another database: every record copied into a new, empty one, and the counts compared."""

from __future__ import annotations

from sqlalchemy import func, select

from narrate.errors import ConfigError
from narrate.logs import redact
from narrate.store.database import Store
from narrate.store.models import Base

_BATCH = 500


def copy_database(source: Store, target_url: str) -> dict[str, int]:
    """Copy every table's rows from ``source`` into the database at ``target_url``, which must hold no records
    (its schema is created, or must be this Narrate's). Returns rows per table, the same on both sides."""
    if target_url == source.url:
        raise ConfigError("the database to copy to is the one in use; give another NARRATE_DATABASE_URL")
    target = Store(target_url)  # creates the schema in a new database; refuses one of another version
    tables = Base.metadata.sorted_tables
    with target.session() as session:
        filled = {t.name: n for t in tables if (n := session.scalar(select(func.count()).select_from(t)))}
    if filled:
        listed = ", ".join(f"{name} ({count})" for name, count in filled.items())
        raise ConfigError(f"database {redact(target_url)} is not empty: {listed}; copy only into a new database")
    counts = {}
    with source.session() as reading, target.session() as writing:
        for table in tables:
            rows = reading.execute(select(table)).mappings()
            copied = 0
            while batch := [dict(row) for row in rows.fetchmany(_BATCH)]:
                writing.execute(table.insert(), batch)
                copied += len(batch)
            counts[table.name] = copied
    with target.session() as session:
        landed = {t.name: session.scalar(select(func.count()).select_from(t)) for t in tables}
    if landed != counts:
        raise ConfigError(f"the copy does not match: read {counts}, found {landed} in {redact(target_url)}")
    return counts



