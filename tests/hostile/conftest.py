"""A hostile web server for the whole session, and a NARRATE_HOME that already has a published episode.

The home starts with an episode so that "nothing changed" means something: a refused input must leave the
published feed, pages and audio exactly as they were, and the database without a new or changed row.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BASE_URL
from tests.hostile.cases import GOOD_TEXT
from tests.hostile.server import HostileServer
from tests.web.conftest import service, start_service, token  # noqa: F401 (the service fixtures, shared here)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def published_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A NARRATE_HOME with one episode published by the real CLI (the template each test copies)."""
    home = tmp_path_factory.mktemp("published") / "home"
    article = home.parent / "ferry.txt"
    article.write_text(GOOD_TEXT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(home), NARRATE_BASE_URL=BASE_URL, NARRATE_ENGINE="tone")
    done = subprocess.run(
        [sys.executable, "-m", "narrate.cli", "add", str(article)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return home


@pytest.fixture
def seeded_home(home: Path, published_home: Path) -> Path:
    """The test's own NARRATE_HOME (tests/conftest.py), holding a copy of the published template."""
    shutil.copytree(published_home, home, dirs_exist_ok=True)
    return home
