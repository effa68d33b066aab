"""Benchmark: the completeness guard on pages nobody here wrote.

    python bench/completeness.py CORPUS

CORPUS is a folder of page folders, each with ``source.html`` and, if known, the expected article ``expected.html``
(Mozilla Readability's test pages have that shape). For every page: narrate's reading, then the guard's verdict
(pass, take the fuller reading, hold for review). Prints each page the guard acted on with narrate's, the verdict's
and the expected word counts (so a hold or a take can be judged against the truth), the counts of each verdict, and
the time the guard adds beside the time extraction takes (side by side, same run, with the load average).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, metavar="CORPUS", help="a folder of page folders")
    corpus = parser.parse_args().corpus
    if not corpus.is_dir():
        parser.error(f"argument CORPUS: not a folder: {corpus}")
    import lxml.html

    from narrate.errors import NarrateError
    from narrate.extract import Document, extract
    from narrate.extract.completeness import check_completeness

    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    counts = {"pass": 0, "take": 0, "hold": 0, "unread": 0}
    extracting = guarding = 0.0
    print(f"{'page':<40} {'verdict':<6} {'narrate':>8} {'verdict':>8} {'expected':>9}")
    for folder in sorted(p for p in corpus.iterdir() if (p / "source.html").is_file()):
        document = Document((folder / "source.html").read_bytes(), "html", name=folder.name)
        started = time.perf_counter()
        try:
            article = extract(document)
        except NarrateError:
            counts["unread"] += 1
            continue
        extracted = time.perf_counter()
        verdict = check_completeness(document, article)
        guarding += time.perf_counter() - extracted
        extracting += extracted - started
        kind = "hold" if verdict.hold else "take" if verdict.notice else "pass"
        counts[kind] += 1
        if kind != "pass":
            expected = folder / "expected.html"
            truth = len(lxml.html.fromstring(expected.read_bytes()).text_content().split()) if expected.is_file() else 0
            ours, theirs = len(article.body_text.split()), len(verdict.article.body_text.split())
            print(f"{folder.name[:40]:<40} {kind:<6} {ours:>8} {theirs:>8} {truth or '-':>9}")
            print(f"    {verdict.hold or verdict.notice}")
    pages = sum(counts.values()) - counts["unread"]
    print(f"\n{pages} pages read ({counts['unread']} without article text): " +
          ", ".join(f"{counts[k]} {k}" for k in ("pass", "take", "hold")))  # fmt: skip
    print(f"extraction {extracting:.1f} s, guard {guarding:.1f} s: the guard adds {guarding / extracting:.2f}x "
          f"(load average {os.getloadavg()[0]:.2f} at the end)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
