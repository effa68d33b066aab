"""A short article queued right behind a long one is published before the long one is done.

Long articles (over NARRATE_LONG_ARTICLE_CHARS) have a lane of their own: the Celery queue "<queue>.long", which
every worker takes from in turn with its main queue, and a second render thread in the embedded service. The tone
engine with a per-segment delay makes the long render take seconds.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from narrate.store import Store
from narrate.web.tokens import create_token
from tests.pipeline.test_worker import REDIS_URL, redis_available
from tests.web.conftest import (
    Start,
    start_service,  # noqa: F401 (the service fixture)
)

ROOT = Path(__file__).resolve().parents[2]
SEGMENT_DELAY = "delay=0.3"
LONG_LANE_FROM = "2000"
SHORT = "Ferry returns\n\nThe island ferry runs again from Monday. The harbour master said repairs took six weeks.\n"


def long_article() -> str:
    """About 4,000 characters of different paragraphs (repeated ones would be dropped): 12 segments or more."""
    chooser = random.Random(7)
    words = "council budget roads river bridge school library park water housing transit city".split()
    body = (" ".join(chooser.choice(words) for _ in range(45)).capitalize() + "." for _ in range(12))
    return "The annual report\n\n" + "\n\n".join(body) + "\n"


def wait_for(done: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_the_long_article_is_in_the_long_lane_and_the_short_one_is_not() -> None:
    from narrate import pipeline
    from narrate.extract import extract_text
    from narrate.settings import Settings

    lanes = Settings(engine="tone", long_article_chars=int(LONG_LANE_FROM))
    assert pipeline.is_long(lanes, len(extract_text(long_article()).body_text))
    assert not pipeline.is_long(lanes, len(extract_text(SHORT).body_text))
    assert len(pipeline.make_script(lanes, extract_text(long_article()), "main").segments) >= 12


def test_the_embedded_service_publishes_a_short_article_while_a_long_one_renders(start_service: Start) -> None:  # noqa: F811
    running = start_service(engine="tone", voice=SEGMENT_DELAY, long_article_chars=LONG_LANE_FROM,
                            rate_limit_per_minute="100000")  # the test polls often
    headers = {"Authorization": f"Bearer {create_token(running.store, 'desk')}"}
    with httpx.Client(base_url=running.url, timeout=30) as client:
        long = client.post("/api/articles", json={"text": long_article()}, headers=headers)
        short = client.post("/api/articles", json={"text": SHORT}, headers=headers)
        assert long.status_code == short.status_code == 202, (long.text, short.text)

        def status(answer: httpx.Response) -> str:
            return str(client.get(answer.json()["status_url"], headers=headers).json()["status"])

        wait_for(lambda: status(short) in ("published", "failed"), "the short article")
        assert status(short) == "published"
        assert status(long) in ("queued", "rendering"), "the long article was done before the short one"
        wait_for(lambda: status(long) in ("published", "failed"), "the long article")
        assert status(long) == "published"
    feed = (running.settings.public_dir / "feeds" / "main.xml").read_text(encoding="utf-8")
    assert "Ferry returns" in feed and "The annual report" in feed


def test_a_celery_worker_takes_a_short_article_between_a_long_ones_segments(tmp_path: Path) -> None:
    if not redis_available():
        pytest.fail(f"Redis is not reachable at {REDIS_URL}; .ci/run starts it")
    queue = f"narrate-test-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_BASE_URL="https://audio.example.org",
               NARRATE_BROKER_URL=REDIS_URL, NARRATE_QUEUE=queue, NARRATE_ENGINE="tone", NARRATE_VOICE=SEGMENT_DELAY,
               NARRATE_LONG_ARTICLE_CHARS=LONG_LANE_FROM)  # fmt: skip
    # Both are queued before the worker starts, so that how long a `narrate add` takes on a busy machine cannot
    # decide the order: the long one is first in the queue.
    ids = []
    for name, text in (("long.txt", long_article()), ("short.txt", SHORT)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        queued = subprocess.run([sys.executable, "-m", "narrate.cli", "add", str(tmp_path / name), "--queue", "--json"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
        assert queued.returncode == 0, queued.stderr
        ids.append(json.loads(queued.stdout)["id"])
    # One worker process, started the way deployments before the long lane start it (-Q with the main queue only):
    # it takes the long queue too.
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q", queue, "--concurrency", "1",
         "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        store = Store(f"sqlite:///{(tmp_path / 'home' / 'narrate.db').resolve()}")
        long_id, short_id = ids

        def ended(episode_id: str) -> bool:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            return store.get(episode_id).status in ("published", "failed")

        wait_for(lambda: ended(short_id), "the short article", seconds=90)
        assert store.get(short_id).status == "published", store.get(short_id).reason
        long = store.get(long_id)
        assert long.status == "rendering" and long.segments_done < long.segments_total, (
            "the long article was done before the short one"
        )
        wait_for(lambda: ended(long_id), "the long article", seconds=90)
        assert store.get(long_id).status == "published", store.get(long_id).reason
        assert f"{queue}.long" in (tmp_path / "worker.log").read_text()  # the worker said it listens to both
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
