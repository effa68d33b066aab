"""The service under test: the real app on real uvicorn, on a free 127.0.0.1 port, over a NARRATE_HOME in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from narrate.settings import Settings
from narrate.store import Store
from narrate.web.app import create_app
from narrate.web.tokens import create_token
from tests.web.service import Running, listener, serve

Start = Callable[..., Running]


@pytest.fixture
def start_service(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Start]:
    """start(**settings) runs the service with NARRATE_<NAME>=value for each setting; stopped after the test."""
    stops: list[Callable[[], None]] = []

    def start(**overrides: str) -> Running:
        bound, url = listener()
        monkeypatch.setenv("NARRATE_BASE_URL", url)
        for name, value in overrides.items():
            monkeypatch.setenv(f"NARRATE_{name.upper()}", str(value))
        settings = Settings.load()  # the environment, as the embedded worker tasks will read it too
        app = create_app(settings)
        stop = serve(app, bound)
        stops.append(stop)
        return Running(url, settings, Store(settings.db_url), app, stop)

    yield start
    for stop in reversed(stops):
        stop()


@pytest.fixture
def service(start_service: Start) -> Running:
    return start_service()


@pytest.fixture
def token(service: Running) -> str:
    return create_token(service.store, "desk")

