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


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A module whose tests share a module-scoped fixture (a rendered site, a browser, a loaded voice) runs in one
    test process (xdist's --dist loadgroup), so the fixture is built once, not once in each process."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info and any(d.scope == "module" for defs in info.name2fixturedefs.values() for d in defs):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))  # type: ignore[attr-defined]


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
