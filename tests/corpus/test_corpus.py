"""The corpus: for every page, the script is exactly the reviewed one, complete, and free of page furniture."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from narrate import cli
from narrate.script import Script
from tests.corpus.pages import build, page_names, printed, reviewed, source

PAGES = page_names()
_TYPOGRAPHIC = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " "})


def _plain(text: str) -> str:
    """Whitespace and typographic quotes evened out, for comparisons only."""
    return " ".join(text.translate(_TYPOGRAPHIC).split())


def _lines(name: str, kind: str) -> list[str]:
    return [line for line in reviewed(name, kind).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def scripts() -> dict[str, Script]:
    return {name: build(name) for name in PAGES}


def test_the_corpus_has_the_shapes_real_sites_have() -> None:
    suffixes = [source(name).suffix for name in PAGES]
    assert len(PAGES) >= 12
    assert suffixes.count(".txt") >= 2 and suffixes.count(".md") >= 1 and suffixes.count(".html") >= 6
    for name in PAGES:
        for kind in ("body", "junk", "script"):
            assert reviewed(name, kind).exists(), f"{name}: no {kind} file"


@pytest.mark.parametrize("name", PAGES)
def test_script_is_the_reviewed_one(name: str, scripts: dict[str, Script]) -> None:
    expected = reviewed(name, "script").read_text(encoding="utf-8").splitlines()
    actual = printed(scripts[name]).splitlines()
    # Line by line, so a failure names the first line that changed.
    for number, (got, want) in enumerate(zip(actual, expected), 1):
        assert got == want, f"{name}.script.txt line {number}"
    assert len(actual) == len(expected)


def _first_missing(sentences: list[str], captions: list[str]) -> str | None:
    """The first sentence not found in the captions after the one before it; None when all are there."""
    said = _plain(" ".join(captions))
    position = 0
    for sentence in sentences:
        found = said.find(_plain(sentence), position)
        if found < 0:
            return sentence
        position = found + len(_plain(sentence))
    return None


def _spoken_junk(junk: list[str], script: Script) -> list[str]:
    said = _plain(" ".join(f"{s.caption} {s.text}" for s in script.segments)).casefold()
    return [phrase for phrase in junk if _plain(phrase).casefold() in said]


@pytest.mark.parametrize("name", PAGES)
def test_every_body_sentence_is_spoken_in_order(name: str, scripts: dict[str, Script]) -> None:
    captions = [s.caption for s in scripts[name].segments if s.kind in ("heading", "body")]
    missing = _first_missing(_lines(name, "body"), captions)
    assert missing is None, f"{name}: missing or out of order: {missing!r}"


@pytest.mark.parametrize("name", PAGES)
def test_no_page_furniture_is_spoken(name: str, scripts: dict[str, Script]) -> None:
    assert _spoken_junk(_lines(name, "junk"), scripts[name]) == [], name


def test_the_checks_catch_a_dropped_sentence_a_swapped_order_and_spoken_furniture(
    scripts: dict[str, Script],
) -> None:
    script = scripts["news-court-backlog"]
    captions = [s.caption for s in script.segments if s.kind in ("heading", "body")]
    sentences = _lines("news-court-backlog", "body")
    dropped = [caption for caption in captions if not caption.startswith("Landlords say")]
    assert _first_missing(sentences, dropped) == "Landlords say the wait is costing them too."
    assert _first_missing([sentences[1], sentences[0]], captions) == sentences[0]
    menu = dataclasses.replace(script.segments[3], caption="Most Read", text="Most Read.")
    spoken = dataclasses.replace(script, segments=[*script.segments, menu])
    assert _spoken_junk(_lines("news-court-backlog", "junk"), spoken) == ["Most Read"]


def test_narrate_script_prints_the_golden_file(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "drupal-heat-plan"
    assert cli.main(["script", str(source(name)), "--engine", "tone"]) == 0
    assert capsys.readouterr().out == reviewed(name, "script").read_text(encoding="utf-8")


def test_what_each_kind_of_block_sounds_like(scripts: dict[str, Script]) -> None:
    """One look at the decisions, as a listener hears them, across the corpus."""
    heat = [s.caption for s in scripts["drupal-heat-plan"].segments]
    table = heat.index("Table.")
    assert heat[table : table + 6] == [
        "Table.",
        "Share of heat plan actions funded in the following year\u2019s budget",
        "More than half: Cities, 6; Median plan cost, $18 million.",
        "A tenth to a half: Cities, 20; Median plan cost, $31 million.",
        "Less than a tenth: Cities, 14; Median plan cost, $44 million.",
        "End of table.",
    ]
    water = [s.caption for s in scripts["thinktank-water-report"].segments]
    assert "This table, with 12 rows, is not read aloud; see the article." in water
    union = [s.text for s in scripts["medium-tenant-union"].segments]
    tweet = union.index("Quote.")
    assert union[tweet - 1].endswith("posted about it:")
    assert union[tweet + 1].startswith("The elevator at the Garfield Arms is running again")
    assert union[tweet + 3] == "End quote."
    assert sum("Proud to stand with them" in text for text in union) == 1
    defender = " ".join(s.caption for s in scripts["interview-public-defender"].segments)
    assert len(re.findall("Investigation is what gets squeezed", defender)) == 1
