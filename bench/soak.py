"""Soak test (not part of the test suite): many short articles through 2 real workers while a chaos loop kills them.

    python bench/soak.py [--articles 200] [--workers 2] [--concurrency 1] [--engine tone|piper]
                         [--kill-min 2] [--kill-max 8] [--broker redis://127.0.0.1:6379/0] [--seed N] [--keep]

Every article is queued at once on a fresh queue, NARRATE_HOME and PostgreSQL database. Two `celery -A worker
worker` processes render them; every --kill-min..--kill-max seconds (uniformly at random) one of them, chosen at
random, is killed with SIGKILL (its pool processes too) and started again. When the queue is empty the script checks
what listeners get: every article published exactly once (its row, one item in the feed, exactly its three public
files), the feed well-formed, no stage left in work/, and prints the figures. Exit 0 only if all of that holds.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import POSTGRES_ADMIN_URL  # noqa: E402
from tests.faults.cluster import Cluster, article  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--engine", default="tone")
    parser.add_argument("--kill-min", type=float, default=2.0)
    parser.add_argument("--kill-max", type=float, default=8.0)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--seed", type=int, default=20261125, help="the chaos loop's random seed")
    parser.add_argument("--keep", action="store_true", help="keep NARRATE_HOME and the worker logs (path printed)")
    args = parser.parse_args()

    database = f"narrate_soak_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
        if args.keep:
            kept = tempfile.mkdtemp(prefix="narrate-soak-")
            print(f"keeping {kept}")
            return soak(args, Path(kept), url)
        with tempfile.TemporaryDirectory(prefix="narrate-soak-") as tmp:
            return soak(args, Path(tmp), url)
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def soak(args: argparse.Namespace, tmp: Path, database_url: str) -> int:
    cluster = Cluster(
        tmp, args.broker, database_url,
        NARRATE_ENGINE=args.engine,
        NARRATE_VISIBILITY_TIMEOUT="10",  # a killed worker's tasks go back to the queue after 10 s
        NARRATE_STALE_AFTER="60",
        NARRATE_REAP_INTERVAL="5",
        NARRATE_ONNX_THREADS="1",
    )  # fmt: skip
    rng = random.Random(args.seed)
    workers = [cluster.start_worker(concurrency=args.concurrency) for _ in range(args.workers)]
    started = time.monotonic()
    episodes = [cluster.submit(article(n, paragraphs=rng.randint(1, 3), topic=rng.choice(TOPICS)))
                for n in range(args.articles)]  # fmt: skip
    print(f"queued {len(episodes)} articles in {time.monotonic() - started:.1f} s", flush=True)

    kills = 0
    stop = threading.Event()

    def chaos() -> None:
        nonlocal kills
        while not stop.wait(rng.uniform(args.kill_min, args.kill_max)):
            index = rng.randrange(len(workers))
            cluster.kill(workers[index])
            kills += 1
            workers[index] = cluster.start_worker(concurrency=args.concurrency)

    thread = threading.Thread(target=chaos, daemon=True)
    thread.start()
    ids = [e.id for e in episodes]
    deadline = started + args.timeout
    while True:
        states = Counter(e.status if e else "?" for e in (cluster.get(i) for i in ids))
        done = states["published"] + states["failed"]
        line = f"{time.monotonic() - started:7.1f} s  {dict(states)}  kills {kills}"
        print(f"\r{line}   ", end="", flush=True) if sys.stdout.isatty() else print(line, flush=True)
        if done == len(ids) or time.monotonic() > deadline:
            break
        time.sleep(2 if sys.stdout.isatty() else 10)
    stop.set()
    thread.join()
    elapsed = time.monotonic() - started
    print()
    cluster.stop()
    return report(cluster, ids, kills, elapsed)


def report(cluster: Cluster, ids: list[str], kills: int, elapsed: float) -> int:
    finals = [cluster.store.get(i) for i in ids]
    guids = cluster.feed_guids()  # parses the feed (lxml and feedparser) first
    counted = Counter(guids)
    problems: list[str] = []
    for episode in finals:
        if episode.status != "published":
            problems.append(f"{episode.id}: {episode.status} ({episode.reason})")
            continue
        if counted[episode.guid] != 1:
            problems.append(f"{episode.id}: {counted[episode.guid]} items in the feed")
        expected = sorted([episode.audio_path, episode.transcript_path, episode.chapters_path])
        if cluster.public_files(episode.id) != expected:
            problems.append(f"{episode.id}: public files {cluster.public_files(episode.id)}")
    extra = set(guids) - {e.guid for e in finals}
    stages = list(cluster.settings.work_dir.glob("*")) if cluster.settings.work_dir.exists() else []
    attempts = Counter(e.attempts for e in finals)
    audio = sum(e.duration or 0 for e in finals)
    print(f"articles {len(ids)}  published {sum(e.status == 'published' for e in finals)}  "
          f"failed {sum(e.status == 'failed' for e in finals)}")  # fmt: skip
    print(f"feed items {len(guids)} (distinct {len(counted)}, unknown {len(extra)})  stages left {len(stages)}")
    print(f"workers killed {kills}  reaper re-queues by episode {dict(sorted(attempts.items()))}")
    requeued = [e.id for e in finals if e.attempts]
    if requeued:
        print(f"queued again by the reaper: {' '.join(requeued)}")
    print(f"wall {elapsed:.0f} s  audio {audio / 60:.1f} min  throughput {len(ids) / elapsed * 60:.1f} articles/min")
    for problem in problems[:20]:
        print("PROBLEM", problem)
    ok = not problems and not extra and len(guids) == len(ids) and not stages
    print("OK: every article published exactly once" if ok else f"NOT OK: {len(problems)} problems")
    return 0 if ok else 1


TOPICS = ["water", "housing", "transit", "schools", "clinics", "libraries", "parks", "wages"]

if __name__ == "__main__":
    sys.exit(main())
