"""Benchmark: the text steps grow linearly with their input, measured at n and 2n side by side.

    python bench/scale.py

Three workloads, each run at a size n and at 2n (best of 3 runs each), printing both times and their ratio:
- markdown storms: the pathological Markdown that once sent regular expressions into backtracking (runs of
  backticks, brackets, emphasis openers, unclosed links, autolinks, footnotes, tags, comments, script tags);
- raw HTML storms: unclosed tags, attributes, comments, processing instructions and CDATA inside Markdown;
- script: building the speech script of an article of n words (numbers, abbreviations, symbols in every sentence).
A linear step gives a ratio near 2; a quadratic one near 4; the old backtracking expressions took minutes.
The tests check what these inputs produce; how long they take is measured here, not in a timed test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from narrate.article import Article, Block  # noqa: E402
from narrate.extract import extract_markdown  # noqa: E402
from narrate.script import ScriptOptions, build_script  # noqa: E402

RUNS = 3
PIECES = ("*a ", "_a ", "**a ", "~~a ", "[a](", "<http:", "[^a", "<b ", "<!--", "<script>")
RAW = ("<a ", '<a b="', "<!--", "<?", "<![CDATA[", "<!x", "<pre>")
SENTENCES = (
    "In 2024 the U.S. Senate spent $2.3 million on 12,500 programs \u2014 e.g. Dr. Smith\u2019s plan, which grew "
    "40% since the 1990s; Sen. Warren approved it on Jan. 5. Was it enough? Nobody knows\u2026 yet. "
)


def markdown_storms(n: int) -> None:
    storms = ["`" * (5 * n // 2), "[" * (5 * n // 2) + "](x)"] + [piece * n for piece in PIECES]
    for storm in storms:
        extract_markdown(f"# Storm\n\nThe council voted.\n\n{storm}\n")


def raw_html_storms(n: int) -> None:
    for piece in RAW:
        extract_markdown(f"# Storm\n\nThe council voted.\n\n<div>\n{piece * n}\n\nThe end.\n")


def script_of(words: int) -> None:
    blocks: list[Block] = []
    while sum(len(b.text.split()) for b in blocks) < words:
        blocks.append(Block("paragraph", SENTENCES * 3))
    build_script(Article(title="Scale", blocks=blocks), ScriptOptions())


def best(work: Callable[[int], None], n: int) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work(n)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args()  # no options; --help says what it does
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    print(f"{'workload':<22}{'n':>8}{'time n':>10}{'time 2n':>10}{'ratio':>8}")
    for name, work, n in (
        ("markdown storms", markdown_storms, 5_000),
        ("raw HTML storms", raw_html_storms, 5_000),
        ("script (words)", script_of, 10_000),
    ):
        single, double = best(work, n), best(work, 2 * n)
        print(f"{name:<22}{n:>8}{single:>9.2f}s{double:>9.2f}s{double / single:>8.2f}")
    print(f"load average {os.getloadavg()[0]:.2f} at end; a linear step gives a ratio near 2")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
