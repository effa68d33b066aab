"""The database schema's version, kept by Alembic migrations in narrate/store/migrations/.

A new, empty database is created at the newest revision the first time it is opened. One made by an older Narrate
(behind, or from before migrations) is refused until `narrate db upgrade` brings it up; one made by a newer Narrate
is refused too. So no command ever runs on a schema it does not know.

A new SQLite database (the library a first ``narrate add`` makes) is given the schema the migrations make, as
recorded in migrations/sqlite-head.sql, in one transaction, without loading Alembic and running every migration:
0.08 s of the first command's 0.3 s of start-up. A test makes a database by the migrations and checks that the
record is the same, statement for statement (``sqlite_schema``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from narrate.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.engine import Engine as SQLEngine

HEAD = "0005"
"""The newest revision in migrations/versions; a test checks that they agree."""

TABLES = frozenset({"episodes", "api_tokens", "staff_sessions"})
"""Narrate's tables: a database holding none of them is new."""

_MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_HEAD = _MIGRATIONS / "sqlite-head.sql"
"""The schema a new SQLite database gets: ``sqlite_schema`` of one the migrations brought to HEAD."""
_ITEM = re.compile(rb"<item>")


def revision(connection: Connection) -> str | None:
    """The database's revision; None when it has none (new, or made before migrations)."""
    from sqlalchemy import inspect, text  # here: HEAD is read by commands that never load SQLAlchemy (rows.py)

    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure(engine: SQLEngine, name: str, public_dir: Path | None = None) -> None:
    """Make sure the schema is the one this Narrate knows, creating it in a new database. ``name``: the URL as
    messages may show it (no password)."""
    from sqlalchemy import inspect

    with engine.connect() as connection:
        # The tables first, in one reading: a new database that another process is creating meanwhile (in one
        # transaction) is then seen whole or not at all, never as tables without a revision (an older Narrate's).
        tables = set(inspect(connection).get_table_names())
        current = revision(connection) if "alembic_version" in tables else None
    if current == HEAD:
        return
    if current is None and not tables & TABLES:
        published = published_feeds(public_dir) if public_dir else {}
        if published:
            listed = ", ".join(f"{feed} ({count})" for feed, count in sorted(published.items()))
            raise ConfigError(
                f"database {name} is empty, but the feeds in {public_dir} list published episodes: {listed}. "
                "If you moved to a new database, copy the old one into it: with the old NARRATE_DATABASE_URL, run "
                "`narrate db copy --to NEW_URL`. To start this database empty on purpose, run `narrate db upgrade`"
            )
        _upgrade_new(engine)
        return
    if current is None or current < HEAD:
        raise ConfigError(
            f"database {name} was made by an older Narrate (schema {current or 'from before migrations'}, "
            f"this Narrate needs {HEAD}): run `narrate db upgrade`"
        )
    raise ConfigError(f"database {name} was made by a newer Narrate (schema {current}, this one knows {HEAD})")


def upgrade(engine: SQLEngine) -> tuple[str | None, str]:
    """Apply every migration the database lacks; returns (revision before, revision after)."""
    from alembic import command
    from alembic.config import Config

    with engine.begin() as connection:
        before = revision(connection)
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        after = revision(connection)
    return before, str(after)


def _upgrade_new(engine: SQLEngine) -> None:
    # Two processes may open the same new database at once (a worker and the CLI): the second finds the schema the
    # first made. PostgreSQL serialises them with an advisory lock; on SQLite the migration itself is idempotent.
    from sqlalchemy import text

    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(1851880012)"))
            try:
                if revision(connection) != HEAD:
                    connection.commit()
                    upgrade(engine)
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(1851880012)"))
                connection.commit()
        return
    try:
        if engine.dialect.name == "sqlite":
            _create_sqlite(engine)
        else:
            upgrade(engine)
    except Exception:
        with engine.connect() as connection:
            if revision(connection) != HEAD:
                raise


def _create_sqlite(engine: SQLEngine) -> None:
    """Give a new SQLite database the recorded schema, all of it or (another process made it first) none."""
    script = SQLITE_HEAD.read_text(encoding="utf-8")
    connection = engine.raw_connection()
    try:
        sqlite = connection.driver_connection
        try:
            # BEGIN IMMEDIATE: a second process opening the same new database waits here, then finds the tables.
            sqlite.executescript(f"BEGIN IMMEDIATE;\n{script}\nCOMMIT;")
        except Exception:
            if sqlite.in_transaction:
                sqlite.rollback()
            raise
    finally:
        connection.close()


def sqlite_schema(connection: Connection) -> str:
    """The statements that make a SQLite database's schema as it stands, with its revision: what SQLITE_HEAD holds."""
    from sqlalchemy import text

    # Tables, then indexes, each by name: the migrations create indexes in no fixed order.
    query = "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type != 'table', name"
    rows = connection.execute(text(query)).scalars()
    statements = [f"{sql};" for sql in rows]
    version = revision(connection)
    if version is not None:
        statements.append(f"INSERT INTO alembic_version (version_num) VALUES ('{version}');")
    return "\n".join(statements) + "\n"


def published_feeds(public_dir: Path) -> dict[str, int]:
    """Feed slug -> number of episodes its published RSS file lists, for feeds that list any."""
    found = {}
    for path in sorted((public_dir / "feeds").glob("*.xml")):
        try:
            count = len(_ITEM.findall(path.read_bytes()))
        except OSError:
            continue
        if count:
            found[path.stem] = count
    return found
