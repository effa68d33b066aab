"""A real `celery worker` on the machine's Redis renders what `narrate add --queue` enqueued."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from narrate.audio import measure_loudness, probe
from narrate.store import Store

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("NARRATE_TEST_REDIS", "redis://127.0.0.1:6379/0")
ARTICLE = """Skip to main content

Rain returns to the valley

By Sam Okafor

After three dry years, the valley's reservoirs are filling again. Engineers said the main dam reached 80% on Monday.

Share this article
"""


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def worker_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of the CLI and a Celery worker on the real Redis, in a queue of their own; ``settings`` add to it."""
    if not redis_available():
        pytest.fail(f"Redis is not reachable at {REDIS_URL}; .ci/run starts it")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(
        NARRATE_HOME=str(tmp_path / "home"),
        NARRATE_BASE_URL="https://audio.example.org",
        NARRATE_BROKER_URL=REDIS_URL,
        NARRATE_QUEUE=f"narrate-test-{uuid.uuid4().hex[:8]}",  # our own queue: no other run's tasks
        NARRATE_ENGINE="piper",
        **settings,
    )
    return env


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return worker_env(tmp_path)


@pytest.fixture
def celery_worker(env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    log = open(tmp_path / "worker.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q", env["NARRATE_QUEUE"],
         "--concurrency", "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def narrate(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "narrate.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=timeout,
    )


@pytest.fixture
def broker_traffic() -> Iterator[list[str]]:
    """Every command that writes to Redis while the test runs (task messages, results), seen by MONITOR."""
    import redis

    seen: list[str] = []
    client = redis.Redis.from_url(REDIS_URL)
    monitor = client.monitor()
    monitor.__enter__()  # MONITOR is on before the test sends anything, however late the thread starts
    done = threading.Event()

    def listen() -> None:
        while not done.is_set():
            try:
                event = monitor.next_command()
            except redis.TimeoutError:
                continue  # an idle moment on a loaded machine, not the end of the traffic
            except redis.ConnectionError:
                return
            command = str(event.get("command", ""))
            if command.split(" ", 1)[0].upper() in ("LPUSH", "RPUSH", "SET", "SETEX", "PUBLISH", "EVALSHA"):
                seen.append(command)

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    yield seen
    done.set()
    client.ping()  # wakes the monitor so the thread can finish
    thread.join(timeout=10)
    monitor.__exit__(None, None, None)


def test_queued_article_is_rendered_by_a_real_worker(
    env: dict[str, str], celery_worker: subprocess.Popen[bytes], tmp_path: Path, broker_traffic: list[str]
) -> None:
    source = tmp_path / "rain.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    queued = narrate(env, "add", str(source), "--queue", "--json")
    assert queued.returncode == 0, queued.stderr
    answer = json.loads(queued.stdout)
    assert answer["status"] == "queued" and answer["title"] == "Rain returns to the valley"

    store = Store(f"sqlite:///{Path(env['NARRATE_HOME']).resolve() / 'narrate.db'}")
    assert broker_traffic, "the Redis monitor saw no task messages"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        episode = store.get(answer["id"])
        if episode.status in ("published", "failed"):
            break
        assert celery_worker.poll() is None, (tmp_path / "worker.log").read_text()
        time.sleep(0.5)
    assert episode.status == "published", (episode.reason, (tmp_path / "worker.log").read_text()[-3000:])
    mp3 = Path(env["NARRATE_HOME"]) / "public" / episode.audio_path
    assert mp3.stat().st_size == episode.bytes
    info, loudness = probe(mp3), measure_loudness(mp3)  # real Piper speech, through the whole pipeline
    assert (info.channels, info.sample_rate) == (1, 44100)
    assert abs(info.duration - episode.duration) < 1.0
    assert abs(loudness.integrated - -19.0) <= 1.0 and loudness.true_peak <= -1.0
    feed = (Path(env["NARRATE_HOME"]) / "public/feeds/main.xml").read_text()
    assert episode.guid in feed and f"https://audio.example.org/{episode.audio_path}" in feed
    log = (tmp_path / "worker.log").read_text()
    assert "narrate.synthesize" in log and "narrate.finish" in log  # the group and the chord ran on the worker
    # The worker's own line per task: the article, the segment counts, the result and the time.
    title = "'Rain returns to the valley'"
    assert re.search(rf"episode {episode.id} {title}: planned {episode.segments_total} segments in [\d.]+ s", log)
    done = re.findall(rf"episode {episode.id}: segment done \((\d+) of {episode.segments_total}\) in [\d.]+ s", log)
    assert sorted(map(int, done)) == list(range(1, episode.segments_total + 1))
    assert re.search(rf"episode {episode.id} {title}: published, [\d.]+ min of audio in [\d.]+ s", log)
    # Audio stays in the segment cache: what crossed the broker and the result backend is small JSON.
    largest = max(len(command) for command in broker_traffic)
    assert largest < 16_384 < episode.bytes, (largest, episode.bytes)
    assert any("narrate.synthesize" in c for c in broker_traffic) and any("narrate.finish" in c for c in broker_traffic)

    # Without --queue, the CLI waits for the worker and reports the published episode.
    source.write_text(ARTICLE.replace("80%", "85%"), encoding="utf-8")
    waited = narrate(env, "add", str(source), "--json", timeout=180)
    assert waited.returncode == 0, waited.stderr
    again = json.loads(waited.stdout)
    assert again["status"] == "published" and again["progress"] == 100
    assert again["guid"] != episode.guid  # sourceless text is identified by its content: this is a new episode
    assert Path(again["audio_path"]).stat().st_size == again["bytes"]


def test_importing_the_worker_module_connects_nowhere_and_loads_no_renderer(tmp_path: Path) -> None:
    """`celery -A worker` imports it on every machine: it builds the app and nothing else."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    env = dict(os.environ, NARRATE_HOME=str(tmp_path / "home"), NARRATE_BROKER_URL=f"redis://127.0.0.1:{port}/0",
               NARRATE_DATABASE_URL=f"postgresql+psycopg://narrate@127.0.0.1:{port}/narrate")  # fmt: skip
    probe_code = (
        "import sys, worker; "
        "heavy = sorted(m for m in ('narrate.store', 'narrate.pipeline', 'sqlalchemy', 'numpy', 'onnxruntime', 'piper')"
        " if m in sys.modules); "
        "print(worker.app.main, worker.app.conf.broker_url, heavy)"
    )
    result = subprocess.run([sys.executable, "-c", probe_code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["narrate", f"redis://127.0.0.1:{port}/0", "[]"]
    with pytest.raises(TimeoutError):
        listener.accept()  # nothing tried to reach the broker or the database
    listener.close()
