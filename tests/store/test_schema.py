"""Schema migrations: a new database is created at the newest revision; an older one is refused until
`narrate db upgrade`, which keeps every record; a database of a newer Narrate is refused."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import event

from narrate.errors import ConfigError
from narrate.store import Store, connect, schema
from narrate.store.database import _engine

RELEASE_DB = Path(__file__).resolve().parents[1] / "fixtures" / "databases" / "release-3f107a9.sqlite3"
"""Made by the last release before migrations (commit 3f107a9): two published episodes, a token, a session."""


@pytest.fixture(autouse=True)
def fresh_engines() -> None:
    _engine.cache_clear()
    connect.cache_clear()


def test_head_is_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(Path(schema.__file__).parent / "migrations"))
    assert ScriptDirectory.from_config(config).get_current_head() == schema.HEAD


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_new_database_is_created_at_the_newest_revision(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}" if kind == "sqlite" else request.getfixturevalue("postgres_url")
    store = Store(url)
    assert store.episodes() == []
    with connect(url).connect() as connection:
        assert schema.revision(connection) == schema.HEAD


def test_the_last_releases_database_is_refused_then_upgraded_with_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "narrate.db"
    shutil.copy(RELEASE_DB, path)
    before = _rows(path)
    url = f"sqlite:///{path}"
    with pytest.raises(ConfigError, match=r"made by an older Narrate .* run `narrate db upgrade`"):
        Store(url)
    assert schema.upgrade(connect(url)) == (None, schema.HEAD)
    _engine.cache_clear()
    store = Store(url)
    assert _rows(path, like=before) == before  # every value of every row, as the release wrote it
    titles = sorted(e.title for e in store.episodes())
    assert titles == ["Riverton Council Weighs a Right to Water for Every Household", "The same article, from Markdown"]
    assert {e.status for e in store.episodes()} == {"published"}
    assert schema.upgrade(connect(url)) == (schema.HEAD, schema.HEAD)  # a second upgrade changes nothing


def test_an_older_database_missing_columns_gets_them(tmp_path: Path) -> None:
    path = tmp_path / "older.db"
    shutil.copy(RELEASE_DB, path)
    with sqlite3.connect(path) as connection:  # as a database made before attempts and notice existed
        connection.execute("ALTER TABLE episodes DROP COLUMN attempts")
        connection.execute("ALTER TABLE episodes DROP COLUMN notice")
    url = f"sqlite:///{path}"
    schema.upgrade(connect(url))
    store = Store(url)
    kept = store.get("3af4491e58ce")
    assert (kept.status, kept.attempts, kept.notice) == ("published", 0, None)
    assert store.change("3af4491e58ce", None, attempts=2, notice="read by piper")
    assert store.get("3af4491e58ce").attempts == 2


def test_a_database_behind_or_ahead_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "narrate.db"
    url = f"sqlite:///{path}"
    Store(url)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0000'")
    _engine.cache_clear()
    needs = rf"schema 0000, this Narrate needs {schema.HEAD}\): run `narrate db upgrade`"
    with pytest.raises(ConfigError, match=needs):
        Store(url)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(ConfigError, match=r"made by a newer Narrate \(schema 9999"):
        Store(url)


def test_an_empty_database_is_refused_while_public_feeds_list_episodes(tmp_path: Path) -> None:
    public = tmp_path / "public"
    (public / "feeds").mkdir(parents=True)
    (public / "feeds" / "main.xml").write_text("<rss><channel><item>a</item><item>b</item></channel></rss>")
    (public / "feeds" / "empty.xml").write_text("<rss><channel></channel></rss>")
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with pytest.raises(ConfigError, match=r"is empty, but the feeds in .* list published episodes: main \(2\)\. .*"
                                          r"`narrate db copy --to NEW_URL`.*`narrate db upgrade`"):  # fmt: skip
        Store(url, public)
    assert schema.upgrade(connect(url)) == (None, schema.HEAD)  # starting empty on purpose
    _engine.cache_clear()
    assert Store(url, public).episodes() == []


def _rows(path: Path, like: dict[str, list[tuple[object, ...]]] | None = None) -> dict[str, list[tuple[object, ...]]]:
    """Every row of Narrate's tables; with ``like``, only the columns the release's tables had."""
    with sqlite3.connect(path) as connection:
        rows = {}
        for table in ("episodes", "api_tokens", "staff_sessions"):
            columns = _columns(RELEASE_DB, table) if like else ["*"]
            query = f"SELECT {', '.join(columns)} FROM {table}"
            rows[table] = sorted(connection.execute(query).fetchall(), key=repr)
        return rows


def _columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def test_a_new_sqlite_database_gets_the_schema_the_migrations_make_without_alembic(tmp_path: Path) -> None:
    migrated = connect(f"sqlite:///{tmp_path / 'migrated.db'}")
    schema.upgrade(migrated)
    with migrated.connect() as connection:
        made_by_migrations = schema.sqlite_schema(connection)
    # After a new migration: schema.SQLITE_HEAD.write_text(made_by_migrations), and read the difference.
    assert schema.SQLITE_HEAD.read_text(encoding="utf-8") == made_by_migrations

    new_url = f"sqlite:///{tmp_path / 'new.db'}"
    code = (
        "import sys\nfrom narrate.store import Store\n"
        f"store = Store({new_url!r})\n"
        "print(store.episodes(), 'alembic' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "False"]  # created, and Alembic never loaded
    with connect(new_url).connect() as connection:
        assert schema.sqlite_schema(connection) == made_by_migrations
        assert schema.revision(connection) == schema.HEAD


def test_two_processes_opening_one_new_sqlite_database_both_find_one_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    code = f"from narrate.store import Store\nStore({url!r}).episodes()\nprint('ok')\n"
    racers = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(4)]  # fmt: skip
    results = [racer.communicate(timeout=120) for racer in racers]
    assert [(racer.returncode, out.strip()) for racer, (out, _) in zip(racers, results)] == [(0, "ok")] * 4, results
    with connect(url).connect() as connection:
        assert schema.revision(connection) == schema.HEAD
        assert schema.SQLITE_HEAD.read_text(encoding="utf-8") == schema.sqlite_schema(connection)


def test_a_schema_another_process_commits_while_this_one_looks_is_not_taken_for_an_older_one(tmp_path: Path) -> None:
    # The moment the race above hits only now and then, made certain: right after this process's first look at the
    # new database (nothing there), another process creates the whole schema in one transaction.
    path = tmp_path / "new.db"
    url = f"sqlite:///{path}"
    engine = connect(url)
    looks: list[str] = []

    @event.listens_for(engine, "after_cursor_execute")
    def another_process_creates_it(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        looks.append(statement)
        if len(looks) == 1:
            other = sqlite3.connect(path, isolation_level=None)
            other.executescript(f"BEGIN IMMEDIATE;\n{schema.SQLITE_HEAD.read_text(encoding='utf-8')}\nCOMMIT;")
            other.close()

    schema.ensure(engine, url)  # before: "made by an older Narrate (schema from before migrations)"
    assert looks and "sqlite_master" in looks[0]
    with engine.connect() as connection:
        assert schema.revision(connection) == schema.HEAD
        assert schema.sqlite_schema(connection) == schema.SQLITE_HEAD.read_text(encoding="utf-8")
