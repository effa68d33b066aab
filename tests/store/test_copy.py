"""Moving from the embedded SQLite to PostgreSQL (and back) with `narrate db copy`, as the README shows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from narrate.store.database import _engine, connect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    _engine.cache_clear()
    connect.cache_clear()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_BASE_URL="https://audio.example.org", NARRATE_ENGINE="tone")
    return env


def narrate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "narrate.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)  # fmt: skip


def article(tmp_path: Path, title: str) -> str:
    path = tmp_path / f"{title.split()[0].lower()}.md"
    path.write_text(f"# {title}\n\nThe council met on Monday. It agreed to fund the library for {title.lower()}.\n")
    return str(path)


def feed_titles(env: dict[str, str]) -> list[str]:
    parsed = feedparser.parse(Path(env["NARRATE_HOME"], "public", "feeds", "main.xml").read_bytes())
    return sorted(entry.title for entry in parsed.entries)


def test_sqlite_to_postgresql_keeps_every_episode_and_publishes_on(env: dict[str, str], tmp_path: Path,
                                                                  postgres_url: str) -> None:  # fmt: skip
    for title in ("Libraries open late", "Buses run free"):
        assert narrate(env, "add", article(tmp_path, title)).returncode == 0
    assert narrate(env, "token", "create", "desk").returncode == 0
    assert feed_titles(env) == ["Buses run free", "Libraries open late"]

    # Pointing at the new, empty database without copying is refused: it would publish empty feeds.
    moved = dict(env, NARRATE_DATABASE_URL=postgres_url)
    refused = narrate(moved, "add", article(tmp_path, "Parks close early"))
    assert refused.returncode == 3, refused.stderr
    assert "is empty, but the feeds" in refused.stderr and "narrate db copy --to" in refused.stderr
    assert feed_titles(env) == ["Buses run free", "Libraries open late"]  # nothing republished

    copied = narrate(env, "db", "copy", "--to", postgres_url)
    assert copied.returncode == 0, copied.stderr
    # Every table is named with its count (other tables, such as sources, copy with zero rows here).
    assert "copied 1 api_tokens, 2 episodes, " in copied.stdout and " 0 staff_sessions into " in copied.stdout
    assert f"export NARRATE_DATABASE_URL='{postgres_url}'" in copied.stdout.splitlines()

    added = narrate(moved, "add", article(tmp_path, "Parks close early"))
    assert added.returncode == 0, added.stderr
    assert feed_titles(env) == ["Buses run free", "Libraries open late", "Parks close early"]
    listed = narrate(moved, "token", "list")
    assert listed.stdout.startswith("desk ")

    again = narrate(env, "db", "copy", "--to", postgres_url)  # the target now holds records
    assert again.returncode == 3 and "is not empty: api_tokens (1), episodes (3)" in again.stderr

    back = f"sqlite:///{tmp_path / 'back.db'}"
    returned = narrate(moved, "db", "copy", "--to", back)
    assert returned.returncode == 0, returned.stderr
    assert "copied 1 api_tokens, 3 episodes, " in returned.stdout and " 0 staff_sessions into " in returned.stdout
    listed_back = narrate(dict(env, NARRATE_DATABASE_URL=back), "episodes", "--json")
    assert listed_back.returncode == 0, listed_back.stderr
    assert "Parks close early" in listed_back.stdout and "Libraries open late" in listed_back.stdout


def test_copying_into_the_database_in_use_is_refused(env: dict[str, str]) -> None:
    url = f"sqlite:///{Path(env['NARRATE_HOME']).resolve() / 'narrate.db'}"
    result = narrate(env, "db", "copy", "--to", url)
    assert result.returncode == 3 and "the database to copy to is the one in use" in result.stderr
