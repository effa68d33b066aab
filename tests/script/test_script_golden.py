"""Golden file: a small article and the speech script a human reviewed once."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from narrate.article import Article, article_from_dict
from narrate.script import QUOTE_END, QUOTE_START, ScriptOptions, build_script, split_sentences

DATA = Path(__file__).parent / "data"


def _article() -> Article:
    return article_from_dict(json.loads((DATA / "article.json").read_text(encoding="utf-8")))


def test_article_scripts_exactly_as_reviewed() -> None:
    script = build_script(_article(), ScriptOptions(feed_title="FCNL Updates"))
    expected = json.loads((DATA / "article.script.json").read_text(encoding="utf-8"))
    assert script.title == expected["title"]
    assert script.language == expected["language"]
    actual = [dataclasses.asdict(segment) for segment in script.segments]
    # Segment by segment, so a failure names the first segment that changed.
    for got, want in zip(actual, expected["segments"]):
        assert got == want
    assert len(actual) == len(expected["segments"])


def test_golden_chapters_are_the_title_and_the_headings() -> None:
    script = build_script(_article(), ScriptOptions())
    assert script.chapters() == [
        (0, "Why Diplomacy With North Korea Still Matters"),
        (5, "What went wrong"),
        (11, "What comes next"),
    ]


def test_every_body_word_is_spoken_in_order() -> None:
    article = _article()
    script = build_script(article, ScriptOptions(max_chars=120))
    written = re.findall(r"\w+", " ".join(block.text for block in article.blocks))
    spoken = [s.caption for s in script.segments if s.kind in ("body", "heading")]
    captioned = re.findall(r"\w+", " ".join(c for c in spoken if c not in (QUOTE_START, QUOTE_END)))
    assert captioned == written
    assert all(len(segment.text) <= 120 for segment in script.segments)


def test_every_body_sentence_is_a_caption_or_split_into_consecutive_captions() -> None:
    article = _article()
    script = build_script(article, ScriptOptions())
    captions = " ".join(s.caption for s in script.segments if s.kind == "body")
    sentences = [s for block in article.blocks if block.kind != "heading" for s in split_sentences(block.text)]
    position = 0
    for sentence in sentences:
        found = captions.find(sentence.split()[0], position)
        assert found >= 0, sentence
        assert " ".join(captions[found:].split()).startswith(" ".join(sentence.split()))
        position = found + len(sentence.split()[0])
