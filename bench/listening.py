"""Benchmark: what listening figures cost, on SQLite.

    python bench/listening.py [LINES]

Side by side, in one run:
- serving: one `record_request` (what `narrate serve` adds to each GET of an episode's MP3) vs reading the same
  episode row, the least a counted request could cost; mean over 2,000 requests of 200 listeners;
- importing: `narrate stats import` of a combined-format log of LINES lines (default 100,000; one in ten a bot,
  half of them ranges of listeners seen before) vs only reading and parsing its lines, and the same log imported a
  second time (which must find it read and count nothing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

APPLE = "AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "lines", type=int, nargs="?", default=100_000, metavar="LINES", help="log lines, default 100000"
    )
    lines = parser.parse_args().lines

    from narrate.stats import Request, import_log, record_request
    from narrate.stats.accesslog import parse_line
    from narrate.store import Episode, Status, Store

    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/narrate.db")
        for n in range(20):
            store.save(Episode(id=f"ep{n}", guid=f"g{n}", feed="main", source_key=f"k{n}", title=f"Episode {n}",
                               status=Status.PUBLISHED.value, audio_path=f"audio/main/ep{n}-r1.mp3",
                               bytes=960_000, duration=120.0))  # fmt: skip
        now = dt.datetime.now(dt.UTC)
        requests = [Request(f"audio/main/ep{n % 20}-r1.mp3", f"10.0.{n % 200 // 100}.{n % 100}", APPLE, now, 480_000)
                    for n in range(2_000)]  # fmt: skip
        record_request(store, requests[0])  # the bot lists load once per process
        started = time.perf_counter()
        for request in requests:
            record_request(store, request)
        counted = (time.perf_counter() - started) / len(requests)
        started = time.perf_counter()
        for n in range(len(requests)):
            store.get(f"ep{n % 20}")
        read = (time.perf_counter() - started) / len(requests)
        print(f"serving: record_request {counted * 1000:.2f} ms, reading the episode {read * 1000:.2f} ms, "
              f"ratio {counted / read:.1f}")  # fmt: skip

        log = Path(folder) / "access.log"
        with log.open("w") as out:
            for n in range(lines):
                agent = BOT if n % 10 == 0 else f"{APPLE} {n % 5000}"
                when = (now - dt.timedelta(days=1 + n % 7)).strftime("%d/%b/%Y:%H:%M:%S +0000")
                out.write(f'10.{n % 250}.{n % 7}.{n % 200} - - [{when}] "GET /audio/main/ep{n % 20}-r1.mp3 HTTP/1.1" '
                          f'206 {240_000 * (1 + n % 2)} "-" "{agent}"\n')  # fmt: skip
        started = time.perf_counter()
        with log.open(encoding="utf-8") as text:
            parsed = sum(parse_line(row) is not None for row in text)
        parsing = time.perf_counter() - started
        started = time.perf_counter()
        summary = import_log(store, log)
        importing = time.perf_counter() - started
        started = time.perf_counter()
        again = import_log(store, log)
        second = time.perf_counter() - started
        print(f"importing {lines:,} lines ({parsed:,} parsed, {summary.downloads:,} downloads, {summary.bots:,} bots): "
              f"{importing:.2f} s ({lines / importing:,.0f} lines/s), parsing alone {parsing:.2f} s, "
              f"ratio {importing / parsing:.1f}; again: {second:.2f} s, {again.downloads} downloads")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
