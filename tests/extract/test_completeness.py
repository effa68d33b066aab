"""The completeness guard on real pages of our own whose first reading is a fragment (tests/support/fragments.py)."""

from __future__ import annotations

import dataclasses

import pytest

from narrate.article import Article, Block
from narrate.errors import SourceError
from narrate.extract import Document, extract
from narrate.extract.completeness import (
    MIN_MISSING_WORDS,
    check_completeness,
    compare_readings,
    corrected_article,
    second_reading,
)
from tests.support import fragments


def html_document(html: str) -> Document:
    return Document(html.encode("utf-8"), "html", url="https://courier.example.org/news/night-buses", name="page")


def words(text: str) -> list[str]:
    return text.split()


def first_reading(html: str) -> Article:
    """narrate's own reading of the page, checked to be the fragment each of these pages is made to give."""
    article = extract(html_document(html))
    assert fragments.LEAD in article.body_text
    assert not any(text in article.body_text for text in fragments.REST), "this page no longer reads as a fragment"
    return article


def test_a_clean_fuller_reading_is_taken_with_a_notice() -> None:
    html = fragments.captioned_body_page()
    fragment = first_reading(html)
    verdict = check_completeness(html_document(html), fragment)
    assert verdict.hold is None
    body = verdict.article.body_text
    assert [block.text for block in verdict.article.blocks] == [fragments.LEAD, *fragments.REST]
    assert fragments.TITLE not in body  # narrate's rules still apply to the fuller reading: the headline is the title
    assert verdict.article.title == fragment.title == fragments.TITLE
    assert verdict.article.canonical_url == fragment.canonical_url
    count = len(words(fragment.body_text))
    assert verdict.notice and f"has {count} of the " in verdict.notice and "fuller reading" in verdict.notice


def test_a_fuller_reading_with_page_furniture_holds_the_episode_with_the_reason() -> None:
    html = fragments.captioned_body_with_share_bar_page()
    fragment = first_reading(html)
    verdict = check_completeness(html_document(html), fragment)
    assert verdict.article is fragment and verdict.notice is None
    assert verdict.hold and "page furniture" in verdict.hold and "Sign up for our newsletter" in verdict.hold


def test_a_reading_cut_at_a_heading_narrate_ends_articles_with_is_held() -> None:
    html = fragments.author_box_first_page()
    verdict = check_completeness(html_document(html), first_reading(html))
    assert verdict.hold and "“About the author”" in verdict.hold


def test_a_whole_reading_passes_untouched() -> None:
    html = fragments.whole_page()
    article = extract(html_document(html))
    verdict = check_completeness(html_document(html), article)
    assert verdict.article is article and verdict.hold is None and verdict.notice is None


@pytest.mark.parametrize("kind", ["text", "markdown"])
def test_sources_without_a_second_reading_pass(kind: str) -> None:
    document = Document(f"{fragments.TITLE}\n\n{fragments.LEAD}\n".encode(), kind, name="copied")  # type: ignore[arg-type]
    article = extract(document)
    assert check_completeness(document, article).article is article


# -- the comparison itself, on readings given -------------------------------------------------------------


def reading(*texts: str, title: str = fragments.TITLE) -> Article:
    return Article(title=title, blocks=[Block("paragraph", text) for text in texts])


def page_blocks(*texts: str) -> list[Block]:
    return [Block("heading", fragments.TITLE, level=1), *(Block("paragraph", text) for text in texts)]


def test_any_fragment_of_the_second_reading_is_completed_from_it() -> None:
    second = second_reading(fragments.whole_page())
    assert [b.text for b in second if b.kind == "paragraph"] == [fragments.LEAD, *fragments.REST]
    for kept in (1, 2, 3):  # the lead alone, or the first paragraphs: each a fragment of the story
        fragment = reading(fragments.LEAD, *fragments.REST[: kept - 1])
        verdict = compare_readings(fragment, second)
        assert verdict.hold is None and verdict.notice
        assert [b.text for b in verdict.article.blocks] == [fragments.LEAD, *fragments.REST]


def test_a_small_difference_on_a_short_page_is_no_fragment() -> None:
    short = ["One sentence about the new library opening on Sunday."] * 2 + ["A second one, a little longer."]
    verdict = compare_readings(reading(short[0]), page_blocks(*short))
    assert len(" ".join(short).split()) < MIN_MISSING_WORDS and verdict.hold is None and verdict.notice is None


def test_readings_that_disagree_hold_the_episode() -> None:
    ours = reading("A paragraph the second reading never saw, about a different story altogether, in its own words.")
    verdict = compare_readings(ours, page_blocks(fragments.LEAD, *fragments.REST))
    assert verdict.hold and "disagree" in verdict.hold and verdict.article is ours


def test_a_reading_with_a_table_the_second_reading_leaves_out_is_held() -> None:
    ours = dataclasses.replace(
        reading(fragments.LEAD), blocks=[Block("paragraph", fragments.LEAD), Block("table", "Line\tBuses\nN1\t4", 1)]
    )
    verdict = compare_readings(ours, page_blocks(fragments.LEAD, *fragments.REST))
    assert verdict.hold and "tables" in verdict.hold


@pytest.mark.parametrize(
    "line",
    ["Share on Facebook | Twitter | Email", "Related stories", "About the authors", "Home | News | Sports",
     "We use cookies to improve this site. Accept all"],
)  # fmt: skip
def test_each_kind_of_furniture_in_the_extra_text_holds_the_episode(line: str) -> None:
    verdict = compare_readings(reading(fragments.LEAD), page_blocks(fragments.LEAD, *fragments.REST[:3], line,
                                                                      *fragments.REST[3:]))  # fmt: skip
    assert verdict.hold and line[:20] in verdict.hold


# -- corrected text --------------------------------------------------------------------------------------


def test_corrected_text_replaces_the_body_and_keeps_the_metadata() -> None:
    held = dataclasses.replace(reading(fragments.LEAD), author="Dana Whitfield", canonical_url="https://c.example/n")
    text = f"{fragments.LEAD}\n\n## What riders said\n\n{fragments.REST[1]}\n  continued on a second line.\n"
    article = corrected_article(held, text)
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("paragraph", fragments.LEAD),
        ("heading", "What riders said"),
        ("paragraph", f"{fragments.REST[1]} continued on a second line."),
    ]
    assert (article.title, article.author, article.canonical_url) == (held.title, held.author, held.canonical_url)


def test_corrected_text_without_blank_lines_has_a_paragraph_a_line() -> None:
    article = corrected_article(reading(fragments.LEAD), "First line.\nSecond line.\n")
    assert [b.text for b in article.blocks] == ["First line.", "Second line."]


@pytest.mark.parametrize("text", ["", "   \n\n  ", "## Only a heading"])
def test_corrected_text_without_article_text_is_refused(text: str) -> None:
    with pytest.raises(SourceError, match="no article text"):
        corrected_article(reading(fragments.LEAD), text)
