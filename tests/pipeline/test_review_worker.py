"""Held for review with a broker: nothing reaches the workers until staff approve; then a real Celery worker on the
machine's Redis renders it (with the tone engine: Piper on workers has tests of its own in test_worker.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from narrate.audio import probe
from tests.pipeline.test_worker import REDIS_URL, celery_worker, env, narrate  # noqa: F401 (fixtures)
from tests.support import fragments


def test_a_held_episode_is_sent_to_the_workers_only_once_approved(
    env: dict[str, str],  # noqa: F811
    celery_worker: subprocess.Popen[bytes],  # noqa: F811
    tmp_path: Path,
) -> None:
    import redis

    env["NARRATE_ENGINE"] = "tone"  # the CLI records the engine on the episode; the worker reads it from there
    source = tmp_path / "share-bar.html"
    source.write_text(fragments.captioned_body_with_share_bar_page(), encoding="utf-8")
    added = narrate(env, "add", str(source), "--json")
    assert added.returncode == 4, added.stderr
    held = json.loads(added.stdout)
    assert held["status"] == "needs_review" and "page furniture" in held["reason"]
    broker = redis.Redis.from_url(REDIS_URL)
    assert broker.llen(env["NARRATE_QUEUE"]) == 0  # no render message was sent
    log = tmp_path / "worker.log"
    assert held["id"] not in log.read_text()

    approved = narrate(env, "episodes", "approve", held["id"], "--json", timeout=180)
    assert approved.returncode == 0, (approved.stderr, log.read_text()[-3000:])
    episode = json.loads(approved.stdout)
    assert (episode["guid"], episode["status"]) == (held["guid"], "published")
    assert f"episode {held['id']}" in log.read_text()  # rendered by the worker, not in the CLI's process
    assert abs(probe(Path(episode["audio_path"])).duration - episode["duration_seconds"]) < 1
    vtt = Path(episode["transcript_path"]).read_text(encoding="utf-8")
    assert "petition signed by more than four thousand riders" in vtt and "first week of March" not in vtt
