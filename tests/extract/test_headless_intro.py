"""A text without a headline: its first sentence is spoken once in the whole script, not in the intro and outro too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from narrate.article import Article, Block
from narrate.extract import extract_text
from narrate.script import ScriptOptions, build_script
from narrate.script.templates import template_fields

HEADLESS = Path(__file__).parents[1] / "fixtures" / "articles" / "headless-article.txt"
FIRST = (
    "Officials in three river towns walked away from their flood talks without a deal on the new levee. "
    "Each town says the others asked for too much."
)
REST = "The state will send a mediator in May. The towns have until the autumn to agree on who pays for what."


def speech(article: Article) -> list[tuple[str, str]]:
    return [(segment.kind, segment.caption) for segment in build_script(article, ScriptOptions()).segments]


def times_said(article: Article, words: str) -> int:
    return sum(caption.count(words) for _, caption in speech(article))


def test_the_fixture_without_a_headline_says_its_first_sentence_once() -> None:
    article = extract_text(HEADLESS.read_text(encoding="utf-8"))
    opening = "City councils across the river valley voted this week to open cooling centres earlier in the summer"
    assert article.title and opening.startswith(article.title)  # the title is only a guess from the sentence
    assert times_said(article, article.title) == 1
    intro = [caption for kind, caption in speech(article) if kind == "intro"]
    outro = [caption for kind, caption in speech(article) if kind == "outro"]
    assert intro[0] == "An article by Marisol Ferreira-Quint."
    assert outro[0] == "This was an audio version of an article by Marisol Ferreira-Quint."


@pytest.mark.parametrize(
    ("author", "site", "published", "intro", "outro"),
    [
        (
            "Anthony Wier",
            "FCNL",
            None,
            "An article by Anthony Wier, from FCNL.",
            "This was an audio version of an article by Anthony Wier, from FCNL.",
        ),
        (
            None,
            "The Gazette",
            None,
            "An article from The Gazette.",
            "This was an audio version of an article from The Gazette.",
        ),
        (
            "Ann Lee",
            None,
            dt.date(2025, 3, 1),
            "An article by Ann Lee.",
            "This was an audio version of an article by Ann Lee.",
        ),
        (None, None, None, "An untitled article.", "This was an audio version of an untitled article."),
    ],
    ids=["author-and-site", "site-only", "author-and-date", "nothing-known"],
)
def test_the_intro_names_the_article_by_who_and_where(
    author: str | None, site: str | None, published: dt.date | None, intro: str, outro: str
) -> None:
    article = extract_text(f"Skip to main content\n\n{FIRST}\n\n{REST}\n")
    article.author, article.site, article.published = author, site, published
    assert FIRST.startswith(article.title)
    script = speech(article)
    assert script[0] == ("intro", intro)
    if published:
        assert ("intro", "Published on March 1, 2025.") in script
    assert [caption for kind, caption in script if kind == "outro"][0] == outro
    assert times_said(article, article.title) == 1
    assert sum(caption.count("without a deal") for _, caption in script) == 1


def test_a_real_headline_is_still_said_in_the_intro_and_outro() -> None:
    article = Article(
        title="Towns fail to agree on levee",
        blocks=[Block("paragraph", FIRST), Block("paragraph", REST)],
        author="Ann Lee",
        site="The Gazette",
    )
    fields = template_fields(article)
    assert fields["title"] == "Towns fail to agree on levee"
    script = speech(article)
    assert script[0] == ("intro", "Towns fail to agree on levee.")
    assert [caption for kind, caption in script if kind == "outro"][0] == (
        "This was an audio version of Towns fail to agree on levee from The Gazette."
    )


def test_a_short_headline_that_opens_the_first_sentence_is_kept() -> None:
    article = Article(title="Flood talks", blocks=[Block("paragraph", "Flood talks failed again on Monday.")])
    assert template_fields(article)["title"] == "Flood talks"


def test_the_chapter_keeps_the_guessed_title_for_readers() -> None:
    article = extract_text(f"{FIRST}\n\n{REST}\n")
    script = build_script(article, ScriptOptions())
    assert script.segments[0].chapter == article.title
    assert script.title == article.title
