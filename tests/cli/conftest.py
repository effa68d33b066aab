"""What the CLI tests share: the environment of a real `narrate` process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """This process's environment without any NARRATE_ setting, then a fresh home, a base URL and the tone engine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_BASE_URL="https://audio.example.org", NARRATE_ENGINE="tone")
    return env
