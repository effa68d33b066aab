"""Benchmark: the whole pipeline on the example article vs a bare Piper synthesis of the same text.

    python bench/render.py [ARTICLE]

Both run in this process, one after the other, with the voice already loaded, and on a fresh NARRATE_HOME so
the segment cache starts empty. Prints wall times and their ratio (pipeline / bare Piper).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path, and bench/feeds.py would hide the feeds package.
sys.path[0] = str(ROOT)


def main() -> int:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "examples" / "example-article.txt"
    home = Path(tempfile.mkdtemp(prefix="narrate-bench-"))
    for key in [k for k in os.environ if k.startswith("NARRATE_")]:
        del os.environ[key]
    os.environ.update(NARRATE_HOME=str(home), NARRATE_ENGINE="piper")

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

    started = time.perf_counter()
    store = Store(settings.db_url)
    episode = pipeline.submit(settings, store, article, feed="main", source=str(source))
    worker.render.delay(episode.id, episode.render_id)
    pipeline_seconds = time.perf_counter() - started
    episode = store.get(episode.id)
    assert episode.status == "published", episode.reason

    started = time.perf_counter()
    audio_seconds = sum(engine.synthesize(segment.text).duration for segment in script.segments)
    bare_seconds = time.perf_counter() - started

    print(f"article:          {source.name} ({len(article.body_text.split())} words, {len(script.segments)} segments)")
    print(f"episode audio:    {episode.duration:.1f} s (speech alone {audio_seconds:.1f} s)")
    print(f"pipeline (cold):  {pipeline_seconds:.2f} s")
    print(f"bare piper:       {bare_seconds:.2f} s")
    print(f"ratio:            {pipeline_seconds / bare_seconds:.3f}  (pipeline / bare piper)")
    print(f"real-time factor: {episode.duration / pipeline_seconds:.1f}x faster than real time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
