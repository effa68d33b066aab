"""The broker restarted while renders wait in it: RabbitMQ (durable queue, persistent messages) keeps them; a Redis
with an append-only file keeps them; a Redis that keeps nothing loses them, and the reaper sends them again from the
database. Every article ends published once."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.faults.cluster import article
from tests.faults.conftest import RABBITMQ_URL


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A redis-server of the test's own, so restarting it disturbs nothing else on the machine."""

    def __init__(self, directory: Path, persistent: bool) -> None:
        self.directory, self.port = directory, _free_port()
        self.persistence = ["--appendonly", "yes", "--appendfsync", "always"] if persistent else ["--appendonly", "no"]
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.directory.mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.directory), "--save", "", *self.persistence],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis shuts down as it is configured to (flushing its AOF)
            self.process.wait(timeout=10)

    def length(self, key: str) -> int:
        return int(redis.Redis(port=self.port).llen(key))


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    made: list[RedisServer] = []

    def make(persistent: bool) -> RedisServer:
        server = RedisServer(tmp_path / "redis", persistent)
        server.start()
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()


def test_redis_with_append_only_file_keeps_queued_renders_across_a_restart(make_cluster, redis_server) -> None:  # type: ignore[no-untyped-def]
    server = redis_server(persistent=True)
    cluster = make_cluster(server.url)
    episodes = [cluster.submit(article(20 + n, paragraphs=1)) for n in range(3)]
    queue = cluster.env["NARRATE_QUEUE"]
    assert server.length(queue) == 3
    server.stop()
    server.start()
    assert server.length(queue) == 3  # read back from the append-only file
    cluster.start_worker(concurrency=2)  # no reaper: the broker alone must deliver them
    for final in cluster.wait_for([e.id for e in episodes]):
        cluster.assert_published_once(final)
        assert final.attempts == 0


def test_redis_that_keeps_nothing_loses_the_messages_and_the_reaper_sends_them_again(make_cluster, redis_server) -> None:  # type: ignore[no-untyped-def]
    server = redis_server(persistent=False)
    # Stale after 5 s, not 2: a render sent again must not look stalled between two of its steps on a loaded machine.
    cluster = make_cluster(server.url, NARRATE_STALE_AFTER="5", NARRATE_REAP_INTERVAL="1")
    episodes = [cluster.submit(article(30 + n, paragraphs=1)) for n in range(3)]
    queue = cluster.env["NARRATE_QUEUE"]
    server.stop()
    server.start()
    assert server.length(queue) == 0  # gone with the restart
    cluster.start_worker(concurrency=2)
    for final in cluster.wait_for([e.id for e in episodes], timeout=90):
        cluster.assert_published_once(final)
        assert final.attempts == 0 and "still queued after 5 s; sent again" in cluster.logs(tail=0)


def _rabbitmq(*args: str) -> str:
    return subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True, check=True, timeout=60).stdout


def _queue_state(name: str) -> tuple[str, int] | None:
    for line in _rabbitmq("list_queues", "name", "durable", "messages").splitlines():
        fields = line.split()
        if fields and fields[0] == name:
            return fields[1], int(fields[2])
    return None


def test_rabbitmq_restart_keeps_queued_renders(make_cluster) -> None:  # type: ignore[no-untyped-def]
    if shutil.which("rabbitmqctl") is None:
        pytest.fail("rabbitmqctl is not installed; the machine's RabbitMQ is needed")
    cluster = make_cluster(RABBITMQ_URL)  # the result backend is then the database
    episodes = [cluster.submit(article(40 + n, paragraphs=1)) for n in range(3)]
    queue = cluster.env["NARRATE_QUEUE"]
    assert _queue_state(queue) == ("true", 3)
    _rabbitmq("stop_app")  # the broker stops: every connection drops, only what is on disk survives
    _rabbitmq("start_app")
    assert _queue_state(queue) == ("true", 3)
    cluster.start_worker(concurrency=2)
    try:
        for final in cluster.wait_for([e.id for e in episodes], timeout=120):
            cluster.assert_published_once(final)
            assert final.attempts == 0
    finally:
        cluster.stop()
        if _queue_state(queue):
            _rabbitmq("delete_queue", queue)


def test_broker_unreachable_when_queueing_keeps_the_article_queued(tmp_path: Path) -> None:
    import os
    import sys

    from narrate.settings import Settings
    from narrate.store import Store
    from tests.faults.cluster import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_BROKER_URL=f"redis://127.0.0.1:{_free_port()}/0",
               NARRATE_ENGINE="tone")  # fmt: skip
    source = tmp_path / "article.txt"
    source.write_text("Rain returns to the valley\n\nThe reservoirs are filling again after three dry years.\n")
    result = subprocess.run([sys.executable, "-m", "narrate.cli", "add", str(source), "--queue"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 9, result.stderr
    [line] = result.stderr.strip().splitlines()  # one line, no traceback
    assert line.startswith("narrate: error: broker unreachable") and "will be sent when the broker is back" in line
    [episode] = Store(Settings.load(env).db_url).episodes()
    assert episode.status == "queued"  # kept for the reaper, not lost
