"""`narrate serve` as operators run it: one process on the embedded default, or beside a Celery worker on Redis."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import podcastparser
import pytest

from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("NARRATE_TEST_REDIS", "redis://127.0.0.1:6379/0")
ARTICLE = "Library hours grow\n\nBy Dana Kim\n\nThe central library will open on Sundays from May. Staff hired 4 new librarians.\n"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    port = free_port()
    env.update(
        NARRATE_HOME=str(tmp_path / "home"),
        NARRATE_BASE_URL=f"http://127.0.0.1:{port}",
        NARRATE_ENGINE="tone",
        PORT=str(port),
    )
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    process = start([sys.executable, "-m", "narrate.cli", "serve", "--port", env["PORT"]], env, tmp_path / "serve.log")
    base = env["NARRATE_BASE_URL"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/staff", timeout=1)
            break
        except httpx.TransportError:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
    yield base
    stop(process)


def token(env: dict[str, str]) -> str:
    created = subprocess.run([sys.executable, "-m", "narrate.cli", "token", "create", "desk"], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True)
    return created.stdout.strip().splitlines()[-1]


def wait_published(client: httpx.Client, path: str, **kwargs: object) -> dict:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        answer = client.get(path, **kwargs)  # type: ignore[arg-type]
        answer.raise_for_status()
        data = answer.json()
        episodes = data.get("episodes", [data])
        if episodes and all(e["status"] in ("published", "failed") for e in episodes):
            return episodes[0]
        time.sleep(0.3)
    raise AssertionError(f"not published in time: {data}")


def test_a_person_queues_from_the_staff_page_with_no_other_process(env: dict[str, str], server: str) -> None:
    secret = token(env)
    with httpx.Client(base_url=server, follow_redirects=False, timeout=30) as browser:
        login_form = browser.get("/staff")
        assert login_form.status_code == 200 and 'name="token"' in login_form.text
        logged_in = browser.post("/staff/login", data={"token": secret})
        assert logged_in.status_code == 303
        page = browser.get("/staff")
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
        assert csrf, page.text
        queued = browser.post("/staff/articles", data={"source": ARTICLE, "feed": "main", "csrf_token": csrf.group(1)})
        assert queued.status_code == 303
        episode = wait_published(browser, "/staff/episodes.json")
    assert episode["status"] == "published", episode
    assert episode["title"] == "Library hours grow"
    with httpx.Client(base_url=server, timeout=30) as listener:
        feed = listener.get("/feeds/main.xml")
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/rss+xml")
        parsed = podcastparser.parse(server + "/feeds/main.xml", __import__("io").BytesIO(feed.content))
        [item] = parsed["episodes"]
        assert item["title"] == "Library hours grow"
        page = listener.get(episode["page_url"].removeprefix(server))
        assert page.status_code == 200 and "Library hours grow" in page.text


def test_with_redis_the_service_enqueues_and_a_separate_worker_renders(
    env: dict[str, str], tmp_path: Path
) -> None:
    env = {**env, "NARRATE_BROKER_URL": REDIS_URL, "NARRATE_QUEUE": f"narrate-test-{uuid.uuid4().hex[:8]}"}
    worker = start([sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q", env["NARRATE_QUEUE"],
                    "--concurrency", "2", "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
                   env, tmp_path / "worker.log")
    service = start([sys.executable, "-m", "narrate.cli", "serve", "--port", env["PORT"]], env, tmp_path / "serve.log")
    try:
        base = env["NARRATE_BASE_URL"]
        secret = token(env)
        headers = {"Authorization": f"Bearer {secret}"}
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/api/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=30) as client:
            answer = client.post("/api/articles", json={"text": ARTICLE}, headers=headers)
            assert answer.status_code == 202, answer.text
            episode = wait_published(client, answer.json()["status_url"], headers=headers)
        assert episode["status"] == "published", (episode, (tmp_path / "worker.log").read_text()[-2000:])
        assert "narrate.finish" in (tmp_path / "worker.log").read_text()  # the worker did the rendering
    finally:
        stop(service)
        stop(worker)


def test_renders_left_queued_by_a_stopped_service_are_resumed_at_start(env: dict[str, str], tmp_path: Path) -> None:
    from narrate import pipeline
    from narrate.extract import extract_text
    from narrate.settings import Settings
    from narrate.store import Store

    # Two articles queued (one was rendering) when the embedded service stopped: nothing else will render them.
    settings = Settings.load(env)
    store = Store(settings.db_url)
    source = tmp_path / "article.txt"
    left = []
    for n, words in enumerate(["on Sundays", "on Mondays"]):
        source.write_text(ARTICLE.replace("on Sundays", words), encoding="utf-8")
        left.append(pipeline.submit(settings, store, extract_text(source.read_text()), feed="main", source=str(source)))
    store.change(left[1].id, None, status="rendering", segments_total=9, segments_done=4)

    process = start([sys.executable, "-m", "narrate.cli", "serve", "--port", env["PORT"]], env, tmp_path / "serve.log")
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and {store.get(e.id).status for e in left} != {"published"}:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        finals = [store.get(e.id) for e in left]
        assert [e.status for e in finals] == ["published", "published"], [e.reason for e in finals]
        assert [e.attempts for e in finals] == [0, 1]  # the queued one sent again, the rendering one rendered again
        feed = podcastparser.parse("feed", (settings.public_dir / "feeds/main.xml").open("rb"))
        assert sorted(item["guid"] for item in feed["episodes"]) == sorted(e.guid for e in finals)
    finally:
        stop(process)
    log = (tmp_path / "serve.log").read_text()
    assert f"episode {left[0].id} still queued after 0 s; sent again" in log
    assert f"episode {left[1].id} stalled while rendering; rendering it again" in log
