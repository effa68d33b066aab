"""A small Narrate deployment for fault tests: real Celery worker processes, a real broker, real PostgreSQL.

The test process submits episodes with the pipeline's own functions and sends ``narrate.render`` through its own
Celery client, then injects a fault (SIGKILL, a broker restart, a database that refuses connections, a full disk)
and waits for the end state.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

import feedparser
import redis
from celery import Celery
from lxml import etree

from narrate import pipeline
from narrate.article import Article, Block
from narrate.settings import Settings
from narrate.store import Episode, Store

ROOT = Path(__file__).resolve().parents[2]
FINAL = ("published", "failed")
RECEIVED_SEGMENT = re.compile(r"Task narrate\.synthesize\[([0-9a-f-]+)\] received")
"""Celery's line (at INFO) when a worker takes a segment task from the broker."""
PLANNED = re.compile(r"planned (\d+) segments")
"""The render task's line: how many segment tasks it sent."""


def article(number: int, paragraphs: int = 3, topic: str = "water") -> Article:
    """A short, distinct article: its own URL, title and words."""
    blocks = [
        Block("paragraph", f"Paragraph {p + 1} of report {number} on {topic}. The council met on day {p + number}. "
                           f"Residents asked {p + 2} questions about the {topic} plan.")
        for p in range(paragraphs)
    ]  # fmt: skip
    return Article(
        title=f"Report {number} on the {topic} plan",
        author="Sam Okafor",
        published=dt.date(2025, 3, 1) + dt.timedelta(days=number % 28),
        site="Valley News",
        language="en",
        canonical_url=f"https://news.example.org/{topic}/{number}",
        blocks=blocks,
    )


class Cluster:
    """Worker processes sharing one NARRATE_HOME, one database and one broker queue."""

    def __init__(self, tmp_path: Path, broker_url: str, database_url: str, **settings: str) -> None:
        self.tmp_path = tmp_path
        self.home = tmp_path / "home"
        self.home.mkdir(exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
        self.env.update(
            NARRATE_HOME=str(self.home),
            NARRATE_BASE_URL="https://audio.example.org",
            NARRATE_BROKER_URL=broker_url,
            NARRATE_DATABASE_URL=database_url,
            NARRATE_QUEUE=f"narrate-fault-{uuid.uuid4().hex[:8]}",  # our own queue: no other run's tasks
            NARRATE_ENGINE="tone",
            NARRATE_REAP_INTERVAL="0",  # tests that want the reaper turn it on
        )
        self.env.update(settings)
        self.settings = Settings.load(self.env)
        self.redis = redis.Redis.from_url(broker_url) if broker_url.startswith("redis") else None
        if self.redis is not None:
            # The fault tests' own database, and one test at a time: nothing an earlier test's killed workers left
            # (unacknowledged tasks, a restore lock held until it expires) may hold up this test's redeliveries.
            self.redis.flushdb()
        self.store = Store(self.settings.db_url)
        self.client = Celery("narrate-test", broker=broker_url)
        self.results = Celery("narrate-test-results", backend=self.settings.backend_url).backend  # what tasks stored
        self.client.conf.broker_transport_options = {"confirm_publish": True}
        self.workers: list[subprocess.Popen[bytes]] = []
        self._logs: list[Path] = []

    # -- workers ---------------------------------------------------------------------------------------
    def start_worker(self, concurrency: int = 2, **extra_env: str) -> subprocess.Popen[bytes]:
        log_path = self.tmp_path / f"worker-{len(self.workers)}.log"
        env = {**self.env, **extra_env}
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q", env["NARRATE_QUEUE"],
             "--concurrency", str(concurrency), "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"fault{len(self.workers)}-{uuid.uuid4().hex[:6]}@%h"],
            cwd=ROOT, env=env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the pool's children too
        )  # fmt: skip
        self.workers.append(process)
        self._logs.append(log_path)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker and its pool processes at once: no chance to acknowledge or clean up."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)

    def kill_mid_segment(self, process: subprocess.Popen[bytes], timeout: float = 60) -> str:
        """SIGKILL the worker while it holds a segment task that has not finished; returns that task's id.

        Killing a worker "in the middle of a render" is not enough for a test that needs a segment lost with it: the
        worker takes its next tasks only once the last ones ended, so on a loaded machine the kill can land in the
        moment where every task it took has stored its result (the chord counted it) and none is taken yet; then
        nothing is lost and the render completes without a reaper. So the worker is frozen (SIGSTOP) while that is
        checked: a segment task it took whose result is not stored cannot finish any more, and dies with it,
        unacknowledged. If it holds none, it is let go on for a moment, and checked again.
        """
        log = self._logs[self.workers.index(process)]
        deadline = time.monotonic() + timeout
        while True:
            os.killpg(process.pid, signal.SIGSTOP)
            taken = RECEIVED_SEGMENT.findall(log.read_text(errors="replace"))
            unfinished = [task for task in taken if self.results.get_task_meta(task)["status"] == "PENDING"]
            if unfinished and not self._segment_in_flight():
                self.kill(process)
                return unfinished[0]
            os.killpg(process.pid, signal.SIGCONT)
            if time.monotonic() > deadline:
                raise AssertionError(f"no unfinished segment task in {timeout} s\n{self.logs()}")
            time.sleep(0.1)

    def _segment_in_flight(self) -> bool:
        """Redis: whether a segment task is between the queue and the worker's record of it (killed now, it is lost).

        Kombu's Redis transport takes a task off the queue (BRPOP), and only then records it as unacknowledged, to
        go back to the queue after the visibility timeout. A worker killed in between loses that task for good, as
        a broker that forgot it would (the reaper's case, tested on its own). So every segment task sent must be in
        the queue, recorded as unacknowledged, or finished. RabbitMQ has no such moment.
        """
        if self.redis is None:
            return False
        queue = self.env["NARRATE_QUEUE"]
        waiting = {_task_id(raw) for key in (queue, f"{queue}.long") for raw in self.redis.lrange(key, 0, -1)}
        recorded = {_task_id(json.loads(raw)[0]) for raw in self.redis.hvals("unacked")}
        logs = [path.read_text(errors="replace") for path in self._logs if path.exists()]
        taken = {task for log in logs for task in RECEIVED_SEGMENT.findall(log)}
        finished = {task for task in taken if self.results.get_task_meta(task)["status"] != "PENDING"}
        sent = sum(int(count) for log in logs for count in PLANNED.findall(log))
        return len((waiting | recorded | finished) - {None}) < sent

    def stop(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=15)
                except (subprocess.TimeoutExpired, ProcessLookupError):
                    self.kill(process)
        if self.env["NARRATE_BROKER_URL"].startswith("amqp"):  # RabbitMQ keeps durable queues: leave none behind
            try:
                with self.client.connection_for_write() as connection:
                    connection.default_channel.queue_delete(self.env["NARRATE_QUEUE"])
            except Exception:  # noqa: BLE001 - the broker may be down in the test that stops it
                pass

    def logs(self, tail: int = 4000) -> str:
        """The workers' logs, the last ``tail`` characters of each (0: all of it)."""
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-tail:]}" for p in self._logs if p.exists())

    # -- episodes --------------------------------------------------------------------------------------
    def submit(self, art: Article, send: bool = True, **options: str) -> Episode:
        episode = pipeline.submit(self.settings, self.store, art, feed="main", source=art.canonical_url or "-",
                                  **options)  # fmt: skip
        if send:
            self.send(episode)
        return episode

    def send(self, episode: Episode) -> None:
        self.client.send_task("narrate.render", args=[episode.id, episode.render_id], queue=self.env["NARRATE_QUEUE"])

    def get(self, episode_id: str) -> Episode | None:
        """The episode, or None while the database cannot be read."""
        try:
            return self.store.get(episode_id)
        except Exception:
            return None

    def wait_for(self, episode_ids: Iterable[str], timeout: float = 120, until: tuple[str, ...] = FINAL) -> list[Episode]:
        ids = list(episode_ids)
        deadline = time.monotonic() + timeout
        while True:
            episodes = [self.get(i) for i in ids]
            if all(e is not None and e.status in until for e in episodes):
                return episodes  # type: ignore[return-value]
            if time.monotonic() > deadline:
                states = [(i, e.status if e else "?", e.reason if e else "") for i, e in zip(ids, episodes)]
                raise AssertionError(f"not {until} after {timeout} s: {states}\n{self.logs()}")
            time.sleep(0.2)

    def wait_until(self, check, timeout: float = 60, what: str = "condition") -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} not reached in {timeout} s\n{self.logs()}")
            time.sleep(0.05)

    def wait_for_segments(self, episode: Episode, count: int) -> None:
        """Until ``count`` of the episode's segments are synthesised: its render is under way."""

        def under_way() -> bool:
            current = self.get(episode.id)
            return current is not None and current.segments_done >= count

        self.wait_until(under_way, what=f"{count} segments of {episode.id} synthesised")

    # -- what listeners see ----------------------------------------------------------------------------
    def feed_bytes(self) -> bytes:
        return (self.settings.public_dir / "feeds" / "main.xml").read_bytes()

    def feed_guids(self) -> list[str]:
        """The items' GUIDs, after checking the feed is well-formed XML that feedparser reads without complaint."""
        data = self.feed_bytes()
        etree.parse(io.BytesIO(data))  # raises on malformed XML
        parsed = feedparser.parse(data)
        assert not parsed.bozo, parsed.bozo_exception
        return [entry.id for entry in parsed.entries]

    def public_files(self, episode_id: str) -> list[str]:
        """The episode's audio, transcript and chapters files under public/."""
        public = self.settings.public_dir
        return sorted(
            p.relative_to(public).as_posix()
            for kind in ("audio", "transcripts", "chapters")
            for p in (public / kind).rglob(f"{episode_id}-*")
        )

    def assert_published_once(self, episode: Episode) -> None:
        """In the feed once, with exactly its own three files public, all of which exist."""
        assert episode.status == "published", (episode.reason, self.logs())
        assert self.feed_guids().count(episode.guid) == 1
        expected = sorted([episode.audio_path, episode.transcript_path, episode.chapters_path])
        assert self.public_files(episode.id) == expected
        mp3 = self.settings.public_dir / episode.audio_path
        assert mp3.stat().st_size == episode.bytes and episode.bytes > 10_000


def _task_id(message: str | bytes | dict) -> str | None:  # type: ignore[type-arg]
    """The id of a segment task in a Redis message (None for any other task)."""
    payload = message if isinstance(message, dict) else json.loads(message)
    headers = payload.get("headers") or {}
    return headers.get("id") if headers.get("task") == "narrate.synthesize" else None
