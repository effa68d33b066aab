"""Shared fixtures: an isolated NARRATE_HOME per test, the fast "tone" engine unless a test asks for a real one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from narrate.settings import Settings

# Property tests explore new random inputs on every developer's run; CI replays a fixed sequence, so a merge is judged
# by the code, not by the luck of the draw. What they found is pinned with @example.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

BASE_URL = "https://audio.example.org/narrate"
POSTGRES_ADMIN_URL = os.environ.get("NARRATE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


# Tests whose outcome hangs on wall-clock deadlines of a second or two (workers killed mid-render, reapers, brokers
# restarted, headers trickled in): one after another in one test process, never two clusters of workers at once.
WALL_CLOCK = ("tests/faults/", "tests/hostile/test_slow_clients.py")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Groups for xdist's --dist loadgroup (pyproject's addopts): each group runs in one test process. The wall-clock
    tests form one group (the RabbitMQ restart among them, which no other test may see); a module whose tests share a
    module-scoped fixture (a rendered site, a browser, a loaded voice) is a group, so the fixture is built once."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if item.nodeid.startswith(WALL_CLOCK):
            _group(item, "wall-clock")
        elif info and any(d.scope == "module" for defs in info.name2fixturedefs.values() for d in defs):
            _group(item, item.module.__name__)  # type: ignore[attr-defined]


def _group(item: pytest.Item, name: str) -> None:
    item.add_marker(pytest.mark.xdist_group(name))
    if getattr(item.config.option, "loadgroup", False) and hasattr(item, "_id"):
        # xdist 3.8 groups by "@name" at the end of the test's id, which it writes to _nodeid; pytest 9 reads _id.
        from _pytest.nodeid import coerce_node_id

        item._id = coerce_node_id(f"{item.nodeid}@{name}")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("NARRATE_"):
            monkeypatch.delenv(key)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("NARRATE_HOME", str(home))
    monkeypatch.setenv("NARRATE_BASE_URL", BASE_URL)
    monkeypatch.setenv("NARRATE_ENGINE", "tone")
    return home


@pytest.fixture
def settings(home: Path) -> Settings:
    return Settings.load()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    name = f"narrate_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        from narrate.store.database import _engine, connect

        _engine.cache_clear()
        connect.cache_clear()
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
