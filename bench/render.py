"""Benchmark: the whole pipeline on the example article vs a bare Piper synthesis of the same text.

    python bench/render.py [ARTICLE]

    python bench/render.py --rounds 3

Both run in this process with the voice already loaded, alternating (bare, pipeline, bare, pipeline, ...) so that
a change in the machine's load hits both alike; every pipeline round uses a fresh NARRATE_HOME, so the segment cache
starts empty. Prints each round, the medians and their ratio (pipeline / bare Piper). Piper's own time for the same
text varies by up to 20% from run to run, which is why one pair of runs is not enough.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path, and bench/feeds.py would hide the feeds package.
sys.path[0] = str(ROOT)


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--rounds")]
    rounds = int(next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--rounds=")), 3))
    source = Path(args[0]) if args else ROOT / "examples" / "example-article.txt"
    for key in [k for k in os.environ if k.startswith("NARRATE_")]:
        del os.environ[key]
    os.environ.update(NARRATE_HOME=tempfile.mkdtemp(prefix="narrate-bench-"), NARRATE_ENGINE="piper")

    import worker
    from narrate import pipeline
    from narrate.engines import get_engine
    from narrate.extract import extract, read_source
    from narrate.settings import Settings
    from narrate.store import Store

    settings = Settings.load()
    article = extract(read_source(str(source), settings))
    script = pipeline.make_script(settings, article, "main")
    engine = get_engine("piper", settings)  # loads the voice once, as a worker process does
    engine.synthesize("Warming up the voice.")

    def bare() -> tuple[float, float]:
        started = time.perf_counter()
        audio = sum(engine.synthesize(segment.text).duration for segment in script.segments)
        return time.perf_counter() - started, audio

    def render() -> tuple[float, float]:
        os.environ["NARRATE_HOME"] = tempfile.mkdtemp(prefix="narrate-bench-")  # an empty segment cache
        fresh = Settings.load()
        started = time.perf_counter()
        store = Store(fresh.db_url)
        episode = pipeline.submit(fresh, store, article, feed="main", source=str(source))
        worker.render.delay(episode.id, episode.render_id)
        seconds = time.perf_counter() - started
        episode = store.get(episode.id)
        assert episode.status == "published", episode.reason
        return seconds, float(episode.duration or 0)

    bares, renders = [], []
    print(f"article: {source.name} ({len(article.body_text.split())} words, {len(script.segments)} segments)")
    for number in range(1, rounds + 1):
        bares.append(bare())
        renders.append(render())
        print(f"round {number}: bare piper {bares[-1][0]:6.2f} s ({bares[-1][1]:.1f} s of speech)   "
              f"pipeline {renders[-1][0]:6.2f} s ({renders[-1][1]:.1f} s episode)   "
              f"ratio {renders[-1][0] / bares[-1][0]:.3f}")
    bare_seconds = statistics.median(b for b, _ in bares)
    pipeline_seconds = statistics.median(r for r, _ in renders)
    episode_seconds = statistics.median(d for _, d in renders)
    print(f"pipeline (cold):  {pipeline_seconds:.2f} s  (median of {rounds})")
    print(f"bare piper:       {bare_seconds:.2f} s  (median of {rounds})")
    print(f"ratio:            {pipeline_seconds / bare_seconds:.3f}  (pipeline / bare piper, medians)")
    print(f"real-time factor: {episode_seconds / pipeline_seconds:.1f}x faster than real time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
