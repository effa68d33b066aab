"""Benchmark: what parallelism pays on this machine, for Piper's own threads and for Celery workers.

    python bench/workers.py [--threads N] [--skip-threads] [--skip-celery]

1. Piper threading: the first 12 sentences of the example article synthesised with NARRATE_ONNX_THREADS=1 and
   =2, by one process alone and by two processes at once (each its own voice, started together). Prints the
   wall time and the throughput (seconds of audio per wall second, all processes together) of each.
2. Celery: 4 articles (the example article and three variants with the words of every paragraph shuffled,
   so that no sentence is shared and the segment cache cannot help) rendered by 1 worker, then by 2 workers:
   real ``celery -A worker worker --concurrency 1`` processes on the local Redis (redis://127.0.0.1:6379/0),
   a unique NARRATE_QUEUE and a fresh NARRATE_HOME per run. Each worker gets ONNX threads = CPUs / workers
   unless --threads says otherwise. A small warm-up article runs first, so every worker has loaded its voice.
   Prints the throughput in audio minutes per wall minute and the ratio (2 workers / 1 worker).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path, and bench/feeds.py would hide the feeds package.
sys.path[0] = str(ROOT)

BROKER = "redis://127.0.0.1:6379/0"
SENTENCES = 12
ARTICLES = 4


def main() -> int:
    if sys.argv[1:2] == ["--synth"]:  # a child of synth_together
        return synth_child()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--threads", type=int, default=0, metavar="N", help="ONNX threads per worker (default: CPUs / workers)"
    )
    parser.add_argument("--skip-threads", action="store_true", help="skip the Piper threading part")
    parser.add_argument("--skip-celery", action="store_true", help="skip the Celery workers part")
    options = parser.parse_args()
    threads = options.threads
    cores = os.cpu_count() or 1
    print(f"machine: {cores} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    if not options.skip_threads:
        piper_threads()
    if not options.skip_celery:
        celery_workers(cores, threads)
    return 0


# -- Piper's threads -----------------------------------------------------------------------------------


def piper_threads() -> None:
    print()
    print(f"Piper, {SENTENCES} sentences per process")
    print("onnx threads  processes  wall s  audio s  throughput (audio s / wall s)  vs 1 thread, 1 process")
    baseline = None
    for threads, processes in ((1, 1), (2, 1), (1, 2), (2, 2)):
        wall, audio = synth_together(threads, processes)
        throughput = audio / wall
        baseline = baseline or throughput
        print(f"{threads:12d}  {processes:9d}  {wall:6.2f}  {audio:7.1f}  {throughput:30.1f}  {throughput / baseline:22.2f}")


def synth_together(threads: int, processes: int) -> tuple[float, float]:
    """Start ``processes`` synthesisers, let them load their voice, then run them at once."""
    home = tempfile.mkdtemp(prefix="narrate-bench-workers-")
    env = clean_env(NARRATE_HOME=home, NARRATE_ONNX_THREADS=str(threads))
    children = [
        subprocess.Popen([sys.executable, __file__, "--synth"], cwd=ROOT, env=env, text=True,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for _ in range(processes)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [json.loads(child.communicate()[0]) for child in children]
    wall = time.perf_counter() - started
    shutil.rmtree(home, ignore_errors=True)
    return wall, sum(r["audio"] for r in results)


def synth_child() -> int:
    """Load the voice, say "ready", wait for "go", synthesise the sentences and print the audio seconds."""
    from narrate import pipeline
    from narrate.engines import get_engine
    from narrate.extract import extract, read_source
    from narrate.settings import Settings

    settings = Settings.load()
    article = extract(read_source(str(ROOT / "examples" / "example-article.txt"), settings))
    texts = [s.text for s in pipeline.make_script(settings, article, "main").segments[:SENTENCES]]
    engine = get_engine("piper", settings)
    engine.synthesize("Warming up the voice.")
    print("ready", flush=True)
    sys.stdin.readline()
    audio = sum(engine.synthesize(text).duration for text in texts)
    print(json.dumps({"audio": audio}), flush=True)
    return 0


# -- Celery workers ------------------------------------------------------------------------------------


def celery_workers(cores: int, threads: int) -> None:
    print()
    print(f"Celery, {ARTICLES} articles, --concurrency 1 per worker")
    print("workers  onnx threads  wall s  audio min  audio min per wall min")
    results = {}
    for workers in (1, 2):
        per_worker = threads or max(cores // workers, 1)
        wall, audio = render_on_workers(workers, per_worker)
        results[workers] = audio / (wall / 60)
        print(f"{workers:7d}  {per_worker:12d}  {wall:6.1f}  {audio:9.2f}  {results[workers]:22.2f}")
    print(f"ratio: {results[2] / results[1]:.2f}  (2 workers / 1 worker, throughput)")


def render_on_workers(workers: int, threads: int) -> tuple[float, float]:
    """Wall seconds and audio minutes for rendering the articles on ``workers`` fresh Celery workers."""
    token = uuid.uuid4().hex[:8]
    queue = f"narrate-bench-{token}"
    home = Path(tempfile.mkdtemp(prefix="narrate-bench-workers-"))
    env = clean_env(NARRATE_HOME=str(home), NARRATE_BROKER_URL=BROKER, NARRATE_QUEUE=queue,
                    NARRATE_ENGINE="piper", NARRATE_ONNX_THREADS=str(threads))
    for key in [k for k in os.environ if k.startswith("NARRATE_")]:
        del os.environ[key]
    os.environ.update(env)
    # Imported with the broker set: the app sends to Redis instead of running tasks in this process.
    import worker
    from narrate import pipeline
    from narrate.extract import extract, read_source
    from narrate.settings import Settings
    from narrate.store import Store

    settings = Settings.load()
    store = Store(settings.db_url)
    source = ROOT / "examples" / "example-article.txt"
    article = extract(read_source(str(source), settings))
    logs = [open(home / f"worker-{n}.log", "w") for n in range(workers)]  # kept when a run fails
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker", "worker", "--concurrency", "1", "-Q", queue,
             "-n", f"bench{n}-{token}@%h", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )
        for n, log in enumerate(logs)
    ]
    try:
        wait_for_workers(worker.app, workers)

        def render_all(articles: list) -> float:  # type: ignore[type-arg]
            episodes = []
            for item in articles:
                episode = pipeline.submit(settings, store, item, feed="main", source=str(source))
                worker.render.apply_async((episode.id, episode.render_id), queue=queue)
                episodes.append(episode.id)
            while True:
                done = [store.get(e) for e in episodes]
                failed = [e for e in done if e.status == "failed"]
                assert not failed, failed[0].reason
                if all(e.status == "published" for e in done):
                    return sum(e.duration for e in done) / 60
                time.sleep(0.2)

        # Two small articles of their own sentences: both workers get synthesis tasks and load their voice.
        render_all([variant(article, 98, keep_blocks=4), variant(article, 99, keep_blocks=4)])
        started = time.perf_counter()
        audio = render_all([variant(article, n) for n in range(ARTICLES)])
        wall = time.perf_counter() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()
    shutil.rmtree(home, ignore_errors=True)
    return wall, audio


def wait_for_workers(app, count: int) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if len(app.control.ping(timeout=1.0)) >= count:
            return
    raise SystemExit("the Celery workers did not start (is Redis running on 127.0.0.1:6379?)")


def variant(article, seed: int, keep_blocks: int = 0):  # type: ignore[no-untyped-def]
    """The article itself (seed 0) or one with the words of its title and every block shuffled."""
    url = f"https://example.org/bench/article-{seed}"
    blocks = article.blocks[:keep_blocks] if keep_blocks else article.blocks
    if seed == 0:
        return dataclasses.replace(article, canonical_url=url, blocks=list(blocks))
    rng = random.Random(seed)

    def shuffled(text: str) -> str:
        words = text.split()
        rng.shuffle(words)
        return " ".join(words)

    return dataclasses.replace(
        article, title=shuffled(article.title), canonical_url=url,
        blocks=[dataclasses.replace(b, text=shuffled(b.text)) for b in blocks],
    )


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(values)
    return env


if __name__ == "__main__":
    sys.exit(main())
