"""Real Celery workers on the real Redis poll followed sources by themselves: no scheduler, no `source poll`."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pipeline.test_worker import ROOT, worker_env
from tests.sources.site import Site, article_page, rss, serve_site


@pytest.fixture
def site() -> Iterator[Site]:
    site, server = serve_site()
    yield site
    server.shutdown()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return worker_env(
        tmp_path,
        NARRATE_ONNX_THREADS="1",
        NARRATE_FETCH_ALLOW="127.0.0.1",
        NARRATE_SOURCE_POLL_INTERVAL="1",
        NARRATE_SOURCE_MIN_INTERVAL="0",
    )


def narrate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "narrate.cli", *args]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


def episodes(env: dict[str, str]) -> list[dict]:
    listed = narrate(env, "episodes", "--json")
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)


def wait_published(env: dict[str, str], count: int, timeout: float = 120) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = episodes(env)
        if len([e for e in found if e["status"] == "published"]) >= count:
            return found
        time.sleep(1)
    raise AssertionError(f"not published in {timeout} s: {found}")


def test_workers_poll_a_followed_feed_and_render_what_is_new(env: dict[str, str], site: Site, tmp_path: Path) -> None:
    day = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    site.put("/a", article_page("Ferry back in service", ["The ferry sails again from Monday."], site.url + "/a"))
    site.put("/feed.xml", rss(site, [{"path": "/a", "title": "Ferry back in service", "date": day}]),
             "application/rss+xml")  # fmt: skip
    added = narrate(env, "source", "add", site.url + "/feed.xml", "--since", "2026-01-01")
    assert added.returncode == 0, added.stderr
    with open(tmp_path / "worker.log", "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q", env["NARRATE_QUEUE"], "--concurrency",
             "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            (first,) = wait_published(env, 1)
            assert first["title"] == "Ferry back in service"

            site.put("/b", article_page("Harbour fees rise", ["Mooring fees rise by a tenth."], site.url + "/b"))
            items = [{"path": "/b", "title": "Harbour fees rise", "date": day + dt.timedelta(hours=3)},
                     {"path": "/a", "title": "Ferry back in service", "date": day}]  # fmt: skip
            site.put("/feed.xml", rss(site, items), "application/rss+xml")
            found = wait_published(env, 2)
            assert sorted(e["title"] for e in found) == ["Ferry back in service", "Harbour fees rise"]
            assert next(e for e in found if e["title"] == "Ferry back in service")["guid"] == first["guid"]
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert len(site.seen("/a")) == 1  # read once, however many polls saw it
    assert any(r.status == 304 for r in site.seen("/feed.xml"))  # polite: conditional requests between changes
    listed = json.loads(narrate(env, "source", "list", "--json").stdout)
    assert listed[0]["error"] is None and listed[0]["entries"] == {"queued": 2}
    assert b"source " in (tmp_path / "worker.log").read_bytes()  # the worker says what each poll did
