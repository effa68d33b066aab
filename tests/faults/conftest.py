"""Fixtures for fault tests: a PostgreSQL database and a Redis queue of their own, worker processes stopped after."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.cluster import Cluster

# A database of its own: Redis keeps one list of unacknowledged tasks, and one lock to restore them, per database,
# and the workers of other tests (killed at their end) must not hold up these tests' redeliveries. The fault tests
# run one at a time (tests/conftest.py), and each cluster empties it first (Cluster.__init__).
REDIS_URL = os.environ.get("NARRATE_TEST_REDIS_FAULTS", "redis://127.0.0.1:6379/1")
RABBITMQ_URL = os.environ.get("NARRATE_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672//")


@pytest.fixture
def make_cluster(tmp_path: Path, postgres_url: str) -> Iterator:  # type: ignore[type-arg]
    made: list[Cluster] = []

    def make(broker_url: str = REDIS_URL, **settings: str) -> Cluster:
        cluster = Cluster(tmp_path, broker_url, postgres_url, **settings)
        made.append(cluster)
        return cluster

    yield make
    for cluster in made:
        cluster.stop()


@pytest.fixture
def mount_tmpfs() -> Iterator:  # type: ignore[type-arg]
    """Mount a small (or read-only) tmpfs over a directory: a real full disk or read-only media directory."""
    mounted: list[Path] = []

    def mount(path: Path, size: str = "64k", read_only: bool = False) -> None:
        path.mkdir(parents=True, exist_ok=True)
        options = f"size={size}" + (",ro" if read_only else "")
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {result.stderr.decode().strip()}")
        mounted.append(path)

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.fixture
def read_only() -> Iterator:  # type: ignore[type-arg]
    """Make a directory read-only in place (a read-only bind mount over itself): what is there stays readable."""
    mounted: list[Path] = []

    def protect(path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        for command in (["mount", "--bind", str(path), str(path)], ["mount", "-o", "remount,bind,ro", str(path)]):
            result = subprocess.run(command, capture_output=True)
            if result.returncode != 0:
                pytest.skip(f"cannot bind-mount here (needs root): {result.stderr.decode().strip()}")
            if command[1] == "--bind":
                mounted.append(path)

    yield protect
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], check=False)
