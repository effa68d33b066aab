"""Ctrl-C during ``narrate add``: one line says what became of the episode, nothing is published half-done, and the
same command finishes it afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import redis

from narrate.settings import Settings
from narrate.store import Store

REDIS_URL = os.environ.get("NARRATE_TEST_REDIS", "redis://127.0.0.1:6379/0")
ARTICLE = "Ferry timetable changes\n\n" + " ".join(
    f"The ferry to island {n} leaves at {n + 6} o'clock from May on." for n in range(1, 13)
)


def test_ctrl_c_leaves_the_episode_unfinished_and_the_same_command_finishes_it(tmp_path: Path) -> None:
    article = tmp_path / "ferry.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_ENGINE="tone", NARRATE_VOICE="delay=0.3")
    command = [sys.executable, "-m", "narrate.cli", "add", str(article)]
    settings = Settings.load(env)

    # Its own process group, with Ctrl-C's default action: as a terminal runs it.
    adding = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(list(settings.cache_dir.glob("*/*.wav"))) < 2:  # two segments spoken (engines.cache.SegmentCache.path)
        assert adding.poll() is None and time.monotonic() < deadline, adding.stderr.read()  # type: ignore[union-attr]
        time.sleep(0.05)
    os.killpg(adding.pid, signal.SIGINT)
    _, stderr = adding.communicate(timeout=30)

    [episode] = Store(settings.db_url).episodes()
    assert adding.returncode == 130
    assert stderr == (f"narrate: interrupted: episode {episode.id} is left unfinished, the segments spoken so far "
                      "kept: run the same command again to finish it\n")  # fmt: skip
    assert episode.status == "rendering" and 1 <= episode.segments_done < episode.segments_total
    assert not (settings.public_dir / "audio").exists() or not any((settings.public_dir / "audio").rglob("*.mp3"))
    spoken = {path.name for path in settings.cache_dir.glob("*/*.wav")}
    assert len(spoken) >= 2

    again = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    [finished] = Store(settings.db_url).episodes()
    assert (finished.id, finished.status) == (episode.id, "published")
    assert (settings.public_dir / finished.audio_path).stat().st_size == finished.bytes > 0
    assert spoken <= {path.name for path in settings.cache_dir.glob("*/*.wav")}  # kept, and used


def test_ctrl_c_while_waiting_for_workers_says_they_go_on(tmp_path: Path) -> None:
    article = tmp_path / "ferry.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    queue = f"narrate-interrupt-{uuid.uuid4().hex[:8]}"  # a queue of its own, which no worker serves
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_ENGINE="tone", NARRATE_BROKER_URL=REDIS_URL,
               NARRATE_QUEUE=queue)  # fmt: skip
    settings = Settings.load(env)
    broker = redis.Redis.from_url(REDIS_URL)
    try:
        adding = subprocess.Popen(
            [sys.executable, "-m", "narrate.cli", "add", str(article)], cwd=tmp_path, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not broker.llen(queue):  # the render is sent: the command now waits for it
            assert adding.poll() is None and time.monotonic() < deadline, adding.stderr.read()  # type: ignore[union-attr]
            time.sleep(0.05)
        os.killpg(adding.pid, signal.SIGINT)
        _, stderr = adding.communicate(timeout=30)

        [episode] = Store(settings.db_url).episodes()
        assert adding.returncode == 130
        assert stderr == (f"narrate: interrupted: the workers go on rendering episode {episode.id}; "
                          "`narrate episodes` shows how far\n")  # fmt: skip
        assert episode.status == "queued" and broker.llen(queue) == 1  # still there, for a worker to take
    finally:
        broker.delete(queue)
