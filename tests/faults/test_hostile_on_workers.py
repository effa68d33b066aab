"""Hostile articles that Narrate accepts, rendered by real worker processes: none crashes or restarts a worker, each
is published once, and the feed they share parses. (tests/hostile runs every case in-process, through the CLI and
the API; this runs the accepted file cases where a crash would cost a worker.)"""

from __future__ import annotations

from pathlib import Path

from narrate.extract import extract, read_source
from tests.faults.cluster import Cluster
from tests.hostile.cases import CASES, Published

ACCEPTED = [case for case in CASES if case.kind in ("file", "stdin") and isinstance(case.outcome, Published)]


def test_accepted_hostile_articles_never_crash_a_worker(make_cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert len(ACCEPTED) >= 10
    cluster: Cluster = make_cluster()
    episodes = []
    for number, case in enumerate(ACCEPTED):
        path = tmp_path / "cases" / f"{number}-{case.name}"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(case.data)
        article = extract(read_source(str(path), cluster.settings))
        episodes.append(cluster.submit(article, send=False))
    worker = cluster.start_worker(concurrency=2)
    for episode in episodes:
        cluster.send(episode)
    finals = cluster.wait_for([e.id for e in episodes], timeout=240)

    failed = {case.id: e.reason for case, e in zip(ACCEPTED, finals) if e.status != "published"}
    assert failed == {}
    assert worker.poll() is None  # the same worker process throughout
    log = cluster.logs(tail=0)
    assert "WorkerLostError" not in log and "exited prematurely" not in log and "Traceback" not in log
    guids = cluster.feed_guids()  # parses with lxml and feedparser
    assert sorted(guids) == sorted({e.guid for e in finals})
    for case, final in zip(ACCEPTED, finals):
        transcript = (cluster.settings.public_dir / final.transcript_path).read_text(encoding="utf-8").lower()
        assert all(word in transcript for word in case.outcome.words), case.id  # type: ignore[union-attr]
