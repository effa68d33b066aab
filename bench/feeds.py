"""Benchmark: feed rebuild time for 100, 1,000 and 10,000 episodes.

    python bench/feeds.py [COUNT ...] [--no-db]

For each count, two measurements side by side (best of 3 runs each):
- rss: feeds.rss.build_rss of a channel and its items, then feeds.files.write_atomic of the XML, which is
  what a rebuild costs once the episodes are in memory (target for 10,000: under 1 s);
- publish: narrate.pipeline.publish_feed on a SQLite database holding that many published episodes (each row
  with a realistic stored article and script), which is what publishing one episode costs today: loading the
  feed's episodes, the RSS file, the feed page and the page assets.
Prints the times, the cost per episode and the ratios between counts (a linear cost gives 10 and 100).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path, and this file would hide the feeds package.
sys.path[0] = str(ROOT)

COUNTS = (100, 1_000, 10_000)
RUNS = 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("counts", type=int, nargs="*", metavar="COUNT", help="episode counts (default 100 1000 10000)")
    parser.add_argument("--no-db", action="store_true", help="the rss measurement only, no publish on SQLite")
    options = parser.parse_intermixed_args()
    with_db = not options.no_db
    counts = options.counts or list(COUNTS)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    print("episodes   rss s   ms/episode" + ("   publish s   ms/episode" if with_db else ""))
    rows = []
    for count in counts:
        rss = best_rss(count)
        publish = best_publish(count) if with_db else None
        rows.append((count, rss, publish))
        line = f"{count:8d}  {rss:6.3f}  {1000 * rss / count:11.4f}"
        if publish is not None:
            line += f"  {publish:10.3f}  {1000 * publish / count:11.4f}"
        print(line)
    for (small, rss_small, pub_small), (large, rss_large, pub_large) in zip(rows, rows[1:]):
        line = f"ratio {large}/{small}: rss {rss_large / rss_small:.1f}"
        if pub_small and pub_large:
            line += f", publish {pub_large / pub_small:.1f}"
        print(line + f" (episodes x{large / small:g})")
    return 0


def best(run) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


# -- build_rss + write ---------------------------------------------------------------------------------

NOTES = (
    "The city council will vote this month on a bill that would make water service a right rather than a "
    "privilege for the city's residents. The ordinance would end shutoffs for families who cannot pay, cap "
    "bills at 2.5% of household income, and require the city to replace every remaining lead service line. "
) * 2 + "\n\nThis audio version is read by a computer-generated voice."


def best_rss(count: int) -> float:
    """Best time of build_rss + write_atomic for a channel with ``count`` episodes (made beforehand)."""
    from feeds.files import write_atomic
    from feeds.model import Channel, Item
    from feeds.rss import build_rss

    base = "https://news.example.org/narrate"
    channel = Channel(
        slug="main", title="Clearwater News, read aloud", description="Articles read by a synthetic voice.",
        link="https://news.example.org/", feed_url=f"{base}/feeds/main.xml", language="en",
        image_url=f"{base}/covers/main.png", category="News", author="Clearwater Justice Coalition",
        owner_name="Web team", owner_email="web@example.org",
    )
    start = dt.datetime(2020, 1, 1, 12, tzinfo=dt.timezone.utc)
    items = [
        Item(
            guid=f"0b6e8a52-3c1d-5f7e-9a4b-{n:012d}",
            title=f"Riverton council weighs a right to water, part {n}",
            description=NOTES,
            published=start + dt.timedelta(hours=6 * n),
            audio_url=f"{base}/audio/{n:012x}-1a2b3c4d5e.mp3",
            audio_bytes=1_750_000 + n,
            duration_seconds=218.4,
            link=f"https://news.example.org/2024/03/riverton-water-{n}",
            transcript_url=f"{base}/transcripts/{n:012x}-1a2b3c4d5e.vtt",
            chapters_url=f"{base}/chapters/{n:012x}-1a2b3c4d5e.json",
            language="en",
            author="Rosa Delgado",
        )
        for n in range(count)
    ]
    with tempfile.TemporaryDirectory(prefix="narrate-bench-feeds-") as scratch:
        target = Path(scratch) / "main.xml"
        return best(lambda: write_atomic(target, build_rss(channel, items)))


# -- publish_feed from the database ------------------------------------------------------------------


def best_publish(count: int) -> float:
    """Best time of pipeline.publish_feed over ``count`` published episodes in a fresh SQLite database."""
    home = Path(tempfile.mkdtemp(prefix="narrate-bench-feeds-"))
    for key in [k for k in os.environ if k.startswith("NARRATE_")]:
        del os.environ[key]
    os.environ["NARRATE_HOME"] = str(home)
    from narrate import pipeline
    from narrate.settings import Settings
    from narrate.store import Episode, Status, Store

    settings = Settings.load()
    store = Store(settings.db_url)
    article = json.dumps({"title": "Riverton council weighs a right to water", "blocks": [["paragraph", NOTES]] * 12})
    script = json.dumps({"title": "t", "language": "en", "segments": [
        {"index": i, "kind": "body", "text": NOTES[:160], "caption": NOTES[:160], "pause_ms": 300, "chapter": None}
        for i in range(40)
    ]})
    start = dt.date(2000, 1, 1)
    with store.session() as session:
        session.add_all(
            Episode(
                id=f"{n:012x}", guid=f"0b6e8a52-3c1d-5f7e-9a4b-{n:012d}", feed="main", source_key=f"bench:{n}",
                source="bench", article_json=article, script_json=script,
                title=f"Riverton council weighs a right to water, part {n}", author="Rosa Delgado", language="en",
                link=f"https://news.example.org/2024/03/riverton-water-{n}", published=start + dt.timedelta(days=n),
                description=NOTES, engine="piper", status=Status.PUBLISHED.value, rev="1a2b3c4d5e",
                audio_path=f"audio/{n:012x}-1a2b3c4d5e.mp3", transcript_path=f"transcripts/{n:012x}-1a2b3c4d5e.vtt",
                chapters_path=f"chapters/{n:012x}-1a2b3c4d5e.json", bytes=1_750_000 + n, duration=218.4,
                published_at=dt.datetime(2024, 3, 3, tzinfo=dt.timezone.utc),
            )
            for n in range(count)
        )
    try:
        return best(lambda: pipeline.publish_feed(settings, store, "main"))
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
