"""Benchmark: first render vs re-render of the unchanged article vs re-render after one paragraph changed.

    python bench/rerender.py [ARTICLE]

All three go through the embedded renderer in this process (narrate.pipeline.submit, then narrate.embedded.render,
its segments spoken in a SynthesisPool) on one fresh NARRATE_HOME, so the segment cache starts empty and only the
renders of this run fill it. The pool's voices are loaded before the clock starts, as a running service has them.
(The same as whole processes, `narrate add` twice: bench/render.py.) The changed paragraph is
the body paragraph with the most sentences, and every one of its sentences changes.
Prints the wall times, how many segments each render had to synthesise, and the ratios to the first render
(targets: unchanged <= 0.05, one paragraph changed <= 0.25).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path, and bench/feeds.py would hide the feeds package.
sys.path[0] = str(ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = ROOT / "examples" / "example-article.txt"
    parser.add_argument(
        "article", type=Path, nargs="?", default=default, metavar="ARTICLE", help="default: the example"
    )
    source = parser.parse_args().article
    home = Path(tempfile.mkdtemp(prefix="narrate-bench-rerender-"))
    for key in [k for k in os.environ if k.startswith("NARRATE_")]:
        del os.environ[key]
    os.environ.update(NARRATE_HOME=str(home), NARRATE_ENGINE="piper")

    from narrate import embedded, pipeline
    from narrate.engines.pool import SynthesisPool
    from narrate.extract import extract, read_source
    from narrate.script import split_sentences
    from narrate.settings import Settings
    from narrate.store import Store

    settings = Settings.load()
    article = extract(read_source(str(source), settings))
    # One identity for all three, so the edit re-renders the same episode instead of making a new one.
    article = dataclasses.replace(article, canonical_url=article.canonical_url or "https://example.org/bench/article")
    edited = edit_one_paragraph(article, split_sentences)
    settings.make_home()
    pool = SynthesisPool(settings)
    pool.start(settings, "piper")
    warm = [pipeline.SegmentJob(f"{i:064x}", f"Warming up voice {i}.", "piper", "") for i in range(2 * pool.processes)]
    pool.speak_all(settings, warm)
    store = Store(settings.db_url, settings.public_dir)

    def render(which: object) -> tuple[float, int, float]:
        before = cached_segments(settings.cache_dir)
        started = time.perf_counter()
        episode = pipeline.submit(settings, store, which, feed="main", source=str(source))
        episode = embedded.render(settings, store, pool, episode.id, episode.render_id)
        seconds = time.perf_counter() - started
        assert episode.status == "published", episode.reason
        return seconds, cached_segments(settings.cache_dir) - before, episode.duration

    first, first_new, duration = render(article)
    unchanged, unchanged_new, _ = render(article)
    changed, changed_new, _ = render(edited)
    total = len(pipeline.make_script(settings, edited, "main").segments)
    pool.close()
    shutil.rmtree(home, ignore_errors=True)

    print(f"article:            {source.name} ({len(article.body_text.split())} words, {total} segments,"
          f" {duration:.1f} s of audio)")
    print(f"first render:       {first:7.2f} s  ({first_new} segments synthesised)")
    print(f"re-render, same:    {unchanged:7.2f} s  ({unchanged_new} segments synthesised)")
    print(f"re-render, edited:  {changed:7.2f} s  ({changed_new} segments synthesised)")
    print(f"ratio unchanged:    {unchanged / first:.3f}  (re-render / first render, target <= 0.05)")
    print(f"ratio one edit:     {changed / first:.3f}  (re-render / first render, target <= 0.25)")
    print(f"load average:       {os.getloadavg()[0]:.1f}")
    return 0


def edit_one_paragraph(article, split_sentences):  # type: ignore[no-untyped-def]
    """The article with every sentence of its longest body paragraph reworded a little."""
    paragraphs = [i for i, b in enumerate(article.blocks) if b.kind == "paragraph"]
    target = max(paragraphs, key=lambda i: len(split_sentences(article.blocks[i].text)))
    block = article.blocks[target]
    sentences = split_sentences(block.text)
    text = " ".join(f"Reportedly, {s[0].lower()}{s[1:]}" for s in sentences)
    blocks = list(article.blocks)
    blocks[target] = dataclasses.replace(block, text=text)
    return dataclasses.replace(article, blocks=blocks)


def cached_segments(cache_dir: Path) -> int:
    return sum(1 for _ in cache_dir.rglob("*.wav")) if cache_dir.exists() else 0


if __name__ == "__main__":
    sys.exit(main())
