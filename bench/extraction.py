"""Benchmark: narrate's article text against hand-made expected text on real pages, beside trafilatura alone.

    python bench/extraction.py CORPUS [--worst N] [--page NAME ...]

CORPUS is a folder of pages laid out like Mozilla Readability's test pages (one folder per page, each with
``source.html`` and the expected article ``expected.html``; Apache-2.0). Nothing in the project depends on it:
the path is an argument.

Per page, both extractions are scored against the expected text with 4-word shingles (lower-cased words;
shingles counted with their multiplicity): precision = shared / extracted, recall = shared / expected, F1 their
harmonic mean. The figures are per page, then the mean over the pages. narrate is ``extract_html`` (its body
text; the title and the spoken intro are not counted, nor in the expected page's text); trafilatura is
``trafilatura.extract`` with its defaults, in the same run on the same bytes.

Readability keeps some things narrate leaves out on purpose (KNOWN_DIFFERENCES): they are taken out of the
expected text for both extractors by the markup that marks them, each for its stated reason, never by a filter
on the scores. Pages where narrate's recall is more than RECALL_MARGIN below trafilatura's are listed; each
must be explained in EXPLAINED_PAGES or it counts as a failure (exit status 1).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # run as a script: import the checkout's narrate

import lxml.html
import trafilatura

from narrate.errors import NarrateError
from narrate.extract import extract_html
from narrate.extract.furniture import is_reference_section

SHINGLE = 4
RECALL_MARGIN = 0.05

# What Readability's expected pages keep and narrate leaves out on purpose, with the markup that marks it.
# Each is taken out of the expected text before scoring, for both extractors alike.
KNOWN_DIFFERENCES: dict[str, tuple[str, str]] = {
    "captions": (
        (
            "//figcaption | //*[contains(concat(' ', normalize-space(@class), ' '), ' caption ')"
            " or contains(concat(' ', normalize-space(@class), ' '), ' wp-caption-text ')]"
        ),
        "image captions and credits describe a picture the listener cannot see (DESIGN: not the page's menus)",
    ),
    "code": (
        "//pre | //code[not(ancestor::pre)][string-length(normalize-space()) > 40]",
        "program code and listings are noise read aloud; narrate skips them (the page is one link away)",
    ),
    "footnote markers": (
        "//sup[string-length(normalize-space()) <= 4]",
        "footnote and reference markers ('[3]', '*') interrupt the sentence; narrate drops them",
    ),
}

REFERENCES_REASON = (
    "sections headed References, Notes, Sources, Bibliography (up to the next heading) are the article's apparatus: "
    "citations read aloud are noise, so narrate leaves them out (extract.furniture.is_reference_section)"
)

REPEATS_REASON = "a paragraph repeated word for word right after itself is read once (extract.assemble)"
NOT_ARTICLE_WORDS = 10
NOT_ARTICLE_REASON = (
    f"pages whose expected text has fewer than {NOT_ARTICLE_WORDS} words ('Test', 'abc def ghi': Readability's "
    "parser tests) are no article; narrate refuses them (exit 4), as it should, so they are left out of both means"
)

# Pages where narrate keeps clearly less than trafilatura and the reason is a choice, not a defect.
_LOREM_REPEAT = (
    "the page repeats its sentence 'Ut enim ad minim veniam...' word for word inside a longer paragraph; narrate reads "
    "a repeated passage once (extract.assemble's pull-quote rule)"
)
EXPLAINED_PAGES: dict[str, str] = {
    "basic-tags-cleaning": _LOREM_REPEAT,
    "comment-inside-script-parsing": _LOREM_REPEAT,
    "remove-extra-brs": _LOREM_REPEAT,
    "remove-extra-paragraphs": _LOREM_REPEAT,
    "remove-script-tags": _LOREM_REPEAT,
    "breitbart": "the reporter's bio under the article, 'Sign up for our newsletter' and a photo credit: furniture",
    "cnn": "'Related: ...' teaser links between paragraphs and the 'First published' dateline: furniture",
    "ietf-1": "the whole RFC is one <pre> block (a known difference: code); what is left is the tool bar of the page",
    "title-and-h1-discrepancy": "the page's headline is read once, as the title in the intro, not again in the body",
    "wikipedia-2": "the infobox, the contents list and the navigation boxes ('v t e'): page furniture, not the article",
    "yahoo-2": "'Photo via AP' and 'In this photo ...' captions written as paragraphs: captions are not read",
}


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class PageResult:
    name: str
    narrate: Score
    trafilatura: Score
    dropped: list[str]
    """Expected passages narrate does not have (its missing shingles, joined into runs)."""
    added: list[str]
    """Passages narrate reads that the expected text does not have."""
    expected_words: int = 0
    error: str = ""


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def shingles(tokens: list[str]) -> Counter[tuple[str, ...]]:
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def score(extracted: str, expected: str) -> Score:
    got, want = shingles(words(extracted)), shingles(words(expected))
    shared = sum((got & want).values())
    precision = shared / sum(got.values()) if got else 0.0
    recall = shared / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)


def missing_runs(tokens: list[str], other: str, limit: int = 3) -> list[str]:
    """Runs of ``tokens`` whose shingles ``other`` lacks: what one text says and the other does not."""
    have = shingles(words(other))
    runs: list[list[str]] = []
    current: list[str] = []
    for i in range(max(len(tokens) - SHINGLE + 1, 0)):
        if have[tuple(tokens[i : i + SHINGLE])] <= 0:
            current.append(tokens[i])
        elif current:
            runs.append(current + tokens[i : i + SHINGLE - 1])
            current = []
    if current:
        runs.append(current)
    runs.sort(key=len, reverse=True)
    return [f"({len(run)} words) " + " ".join(run[:30]) + (" ..." if len(run) > 30 else "") for run in runs[:limit]]


def expected_text(path: Path) -> str:
    tree = lxml.html.fromstring(path.read_text(encoding="utf-8"))  # Readability writes UTF-8 without saying so
    for xpath, _reason in KNOWN_DIFFERENCES.values():
        for element in tree.xpath(xpath):
            parent = element.getparent()
            if parent is not None:
                tail = element.tail or ""
                previous = element.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + " " + tail
                else:
                    parent.text = (parent.text or "") + " " + tail
                parent.remove(element)
    for heading in tree.xpath("//h2 | //h3 | //h4"):
        # Readability keeps no class names: a references section is known by its heading, as narrate knows it.
        if heading.getparent() is not None and is_reference_section(heading.text_content().replace("[edit]", "")):
            for sibling in list(heading.itersiblings()):
                if sibling.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    break
                heading.getparent().remove(sibling)
    for block in tree.iter("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "td", "blockquote"):
        block.tail = " " + (block.tail or "")
        block.text = " " + (block.text or "")
    paragraphs: list[str] = []
    for paragraph in tree.iter("p"):
        text = " ".join(paragraph.text_content().split())
        if text and paragraphs and text == paragraphs[-1]:
            paragraph.getparent().remove(paragraph)  # REPEATS_REASON
        elif text:
            paragraphs.append(text)
    return " ".join(tree.text_content().split())


def narrate_text(html: bytes) -> str:
    article = extract_html(html, source="page")
    return article.body_text


def trafilatura_text(html: bytes) -> str:
    return trafilatura.extract(html) or ""  # the same bytes narrate gets: each finds the charset its own way


def run_page(folder: Path) -> PageResult:
    source = (folder / "source.html").read_bytes()
    expected = expected_text(folder / "expected.html")
    error = ""
    try:
        ours = narrate_text(source)
    except NarrateError as failure:
        ours, error = "", str(failure)
    theirs = trafilatura_text(source)
    return PageResult(
        folder.name,
        score(ours, expected),
        score(theirs, expected),
        dropped=missing_runs(words(expected), ours),
        added=missing_runs(words(ours), expected),
        expected_words=len(words(expected)),
        error=error,
    )


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "corpus",
        type=Path,
        help="folder of pages, each with source.html and expected.html",
    )
    parser.add_argument(
        "--worst",
        type=int,
        default=8,
        help="how many of the worst pages to show in detail",
    )
    parser.add_argument("--page", action="append", default=[], help="only these pages (folder names)")
    args = parser.parse_args()
    folders = sorted(
        p for p in args.corpus.iterdir() if (p / "source.html").is_file() and (p / "expected.html").is_file()
    )
    if args.page:
        folders = [p for p in folders if p.name in args.page]
    if not folders:
        print(
            f"no pages (folders with source.html and expected.html) in {args.corpus}",
            file=sys.stderr,
        )
        return 2
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    print("known differences taken out of the expected text, for both extractors:")
    for name, (_xpath, reason) in KNOWN_DIFFERENCES.items():
        print(f"  - {name}: {reason}")
    print(f"  - reference sections: {REFERENCES_REASON}")
    print(f"  - repeated paragraphs: {REPEATS_REASON}")
    print(f"  - not articles: {NOT_ARTICLE_REASON}")
    started = time.perf_counter()
    results = [run_page(folder) for folder in folders]
    elapsed = time.perf_counter() - started
    every = {
        who: mean([getattr(r, who).f1 for r in results]) for who in ("narrate", "trafilatura")
    }  # the not-articles included, for the record
    left_out = [r for r in results if r.expected_words < NOT_ARTICLE_WORDS]
    results = [r for r in results if r.expected_words >= NOT_ARTICLE_WORDS]
    if left_out:
        print("\nleft out, not articles: " + ", ".join(f"{r.name} ({r.expected_words} words)" for r in left_out))

    print(f"\n{'page':<44} {'narrate P':>9} {'R':>6} {'F1':>6}   {'trafil. P':>9} {'R':>6} {'F1':>6}")
    for r in results:
        n, t = r.narrate, r.trafilatura
        flag = "  <- recall" if n.recall < t.recall - RECALL_MARGIN else ""
        print(
            f"{r.name:<44} {n.precision:9.3f} {n.recall:6.3f} {n.f1:6.3f}   "
            f"{t.precision:9.3f} {t.recall:6.3f} {t.f1:6.3f}{flag}"
        )
    means = {
        who: Score(*(mean([getattr(getattr(r, who), f) for r in results]) for f in ("precision", "recall", "f1")))
        for who in ("narrate", "trafilatura")
    }
    n, t = means["narrate"], means["trafilatura"]
    print(
        f"\n{'mean of ' + str(len(results)) + ' pages':<44} {n.precision:9.3f} {n.recall:6.3f} {n.f1:6.3f}   "
        f"{t.precision:9.3f} {t.recall:6.3f} {t.f1:6.3f}"
    )
    print(f"F1 difference (narrate - trafilatura): {n.f1 - t.f1:+.4f}")
    print(
        f"mean F1 of all {len(results) + len(left_out)} pages, not-articles included: narrate {every['narrate']:.3f}, "
        f"trafilatura {every['trafilatura']:.3f}"
    )
    for who in ("narrate", "trafilatura"):
        short = sum(1 for r in results if getattr(r, who).recall < 0.8)
        print(f"pages where {who} keeps less than 80% of the article: {short}")

    print(f"\nthe {args.worst} worst pages for narrate (by F1), with what it dropped and what it added:")
    for r in sorted(results, key=lambda r: r.narrate.f1)[: args.worst]:
        print(
            f"\n{r.name}: narrate F1 {r.narrate.f1:.3f} (trafilatura {r.trafilatura.f1:.3f})"
            + (f"; refused: {r.error}" if r.error else "")
        )
        for run in r.dropped:
            print(f"   dropped {run}")
        for run in r.added:
            print(f"   added   {run}")

    behind = [r for r in results if r.narrate.recall < r.trafilatura.recall - RECALL_MARGIN]
    unexplained = [r for r in behind if r.name not in EXPLAINED_PAGES]
    print(f"\npages where narrate's recall is more than {RECALL_MARGIN} below trafilatura's: {len(behind)}")
    for r in behind:
        reason = EXPLAINED_PAGES.get(r.name, "NOT EXPLAINED")
        print(f"  {r.name}: {r.narrate.recall:.3f} vs {r.trafilatura.recall:.3f} - {reason}")
    print(f"\n{len(results)} pages in {elapsed:.1f} s; load average {os.getloadavg()[0]:.2f} at the end")
    return 1 if unexplained or n.f1 < t.f1 + 0.01 else 0


if __name__ == "__main__":
    raise SystemExit(main())
