"""Plain text scraped from pages: one rule per test, on small inputs written here."""

from __future__ import annotations

import datetime as dt

import pytest

from narrate.errors import EmptyArticleError
from narrate.extract import extract_text

PARAGRAPH_A = (
    "Heat waves closed 120 schools across the region last year, most of them in buildings without air conditioning."
)
PARAGRAPH_B = "District officials say retrofitting every building would cost $85 million over a decade."
PARAGRAPH_C = (
    "Parents have asked the board to publish a list of the hottest classrooms before the next school year starts."
)


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in extract_text(text).blocks]


def test_byline_without_by_and_kicker_above_title() -> None:
    article = extract_text(
        "Jump to navigation\nHome | News | Donate\nAnalysis\nSchools Brace for a Hotter Summer\n"
        f"Jane Doe | June 12, 2023\n{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n"
    )
    assert article.title == "Schools Brace for a Hotter Summer"
    assert article.author == "Jane Doe"
    assert article.published == dt.date(2023, 6, 12)
    assert [block.text for block in article.blocks] == [PARAGRAPH_A, PARAGRAPH_B]


def test_by_line_and_separate_date_line() -> None:
    article = extract_text(
        f"Schools Brace for a Hotter Summer\n\nBy Jane Doe and Sam Roe\nUpdated: 3 March 2024\n\n{PARAGRAPH_A}"
    )
    assert (article.author, article.published) == ("Jane Doe and Sam Roe", dt.date(2024, 3, 3))
    assert [block.text for block in article.blocks] == [PARAGRAPH_A]


def test_long_headline_over_a_byline_without_blank_lines_and_crlf() -> None:
    headline = "Schools Brace for a Hotter Summer After Three Years of Closures, Broken Fans and Empty Promises"
    article = extract_text(
        f"Skip to content\r\nHome\r\n{headline}\r\nBy Jane Doe\r\nMarch 3, 2024\r\n{PARAGRAPH_A}\r\n"
        f"What parents want\r\n{PARAGRAPH_B}\r\nJane Doe\r\nJane Doe\r\nEducation Reporter\r\n"
    )
    assert (article.title, article.author, article.published) == (headline, "Jane Doe", dt.date(2024, 3, 3))
    assert [(block.kind, block.text) for block in article.blocks] == [
        ("paragraph", PARAGRAPH_A),
        ("heading", "What parents want"),
        ("paragraph", PARAGRAPH_B),
    ]


def test_block_kinds() -> None:
    text = (
        f"A Title Line\n\n{PARAGRAPH_A}\n\nWhat parents want\n\n{PARAGRAPH_B}\n\n"
        "- shade sails over the playgrounds;\n* water stations in every hallway;\n• later start times in June.\n\n"
        "1. Publish the list.\n2. Fund the repairs.\n\n"
        "> “We cannot teach children who are\n> too hot to think,” said one teacher.\n\n"
        f"{PARAGRAPH_C}\n"
    )
    assert kinds_and_texts(text) == [
        ("paragraph", PARAGRAPH_A),
        ("heading", "What parents want"),
        ("paragraph", PARAGRAPH_B),
        ("list_item", "shade sails over the playgrounds;"),
        ("list_item", "water stations in every hallway;"),
        ("list_item", "later start times in June."),
        ("list_item", "Publish the list."),
        ("list_item", "Fund the repairs."),
        ("quote", "“We cannot teach children who are too hot to think,” said one teacher."),
        ("paragraph", PARAGRAPH_C),
    ]


def test_wrapped_lines_are_one_paragraph() -> None:
    wrapped = (
        "A Title Line\n\nHeat waves closed 120 schools across the region last year, most of\n"
        "them in buildings without air conditioning. District officials say that\n"
        "Retrofitting every building would cost $85 million over a decade.\n"
    )
    assert kinds_and_texts(wrapped) == [
        (
            "paragraph",
            "Heat waves closed 120 schools across the region last year, most of them in buildings without "
            "air conditioning. District officials say that Retrofitting every building would cost $85 million "
            "over a decade.",
        )
    ]


def test_furniture_inside_the_body_is_dropped_but_menu_words_as_subheadings_stay() -> None:
    text = (
        f"A Title Line\n\n{PARAGRAPH_A}\n\nShare this story\nFacebook\nEmail\n\n"
        "Read more: Five ways to cool a classroom\n\n"
        "We use cookies to improve your experience. Accept cookies\n\n"
        f"Take Action\n\n{PARAGRAPH_B}\n\nRelated content\nThe cost of a hot classroom\nWhy shade matters\n\n"
        f"{PARAGRAPH_C}\n\nGet the latest updates delivered to your inbox.\n"
    )
    assert kinds_and_texts(text) == [
        ("paragraph", PARAGRAPH_A),
        ("heading", "Take Action"),
        ("paragraph", PARAGRAPH_B),
        ("paragraph", PARAGRAPH_C),
    ]


def test_about_the_author_box_ends_the_article() -> None:
    article = extract_text(
        f"A Title Line\n\n{PARAGRAPH_A}\n\nAbout the author\nSam Roe\nSam covers schools for the Gazette.\n"
    )
    assert article.author == "Sam Roe"
    assert [block.text for block in article.blocks] == [PARAGRAPH_A]


def test_byline_at_the_end_printed_twice_with_by() -> None:
    article = extract_text(f"{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n\nBy Jane Doe\n\nBy Jane Doe\n")
    assert article.author == "Jane Doe"
    assert [block.text for block in article.blocks] == [PARAGRAPH_A, PARAGRAPH_B]


def test_title_from_a_short_first_sentence_keeps_its_words_but_not_its_stop() -> None:
    article = extract_text("Skip to content\n\nThe U.S. Senate passed the bill. It now goes to the House.\n")
    assert article.title == "The U.S. Senate passed the bill"
    assert article.body_text == "The U.S. Senate passed the bill. It now goes to the House."


def test_nothing_but_furniture_is_an_empty_article() -> None:
    with pytest.raises(EmptyArticleError, match=r"^no article text found in page\.txt$"):
        extract_text("Skip to main content\nHome\nMenu\nSearch\n\nShare\nFacebook\n", source="page.txt")
    with pytest.raises(EmptyArticleError):
        extract_text("")


def test_language_is_detected_only_when_clear() -> None:
    assert extract_text(f"{PARAGRAPH_A} {PARAGRAPH_B} {PARAGRAPH_C}").language == "en"
    german = (
        "Die Stadt hat am Mittwoch beschlossen, dass die Preise für Wasser nicht weiter steigen dürfen. "
        "Das Gesetz soll im nächsten Jahr in Kraft treten und wird von vielen Verbänden begrüßt, auch wenn "
        "die Opposition Kritik übt und sich eine andere Lösung wünscht."
    )
    assert extract_text(german).language == "de"
    assert extract_text("Short note.").language is None


def test_standfirst_between_headline_and_byline_is_read_after_the_title_not_as_it() -> None:
    article = extract_text(
        "Subscribe\nSign In\nThe Gazette\nLocal\nPolitics\nSports\nLOCAL\nSchools Brace for a Hotter Summer\n"
        "Districts are buying fans and shade sails before the first heat wave.\nBy Jane Doe, Staff Writer\n"
        f"Updated June 2, 2025, 7:45 p.m.\nShare on Facebook\n{PARAGRAPH_A}\n{PARAGRAPH_B}\n"
    )
    assert (article.title, article.author, article.published) == (
        "Schools Brace for a Hotter Summer", "Jane Doe", dt.date(2025, 6, 2)
    )
    standfirst = "Districts are buying fans and shade sails before the first heat wave."
    assert [block.text for block in article.blocks] == [standfirst, PARAGRAPH_A, PARAGRAPH_B]


def test_teaser_and_caption_lines_are_never_joined_to_the_sentence_under_them() -> None:
    text = (
        f"A Title Line\n\n{PARAGRAPH_A}\nREAD MORE: Districts across the state scramble for air conditioners\n"
        f"{PARAGRAPH_B}\nA fan in a classroom at Elm Street School. (Ann Lee / The Gazette)\n{PARAGRAPH_C}\n"
        "Teachers at Oak Street hung wet towels in the windows. Photo courtesy of Oak Street PTA.\n"
    )
    assert [block.text for block in extract_text(text).blocks] == [PARAGRAPH_A, PARAGRAPH_B, PARAGRAPH_C]


def test_a_pull_quote_is_read_once_where_the_body_says_it() -> None:
    quote = "“Every classroom over 90 degrees is a classroom where nobody learns,” said Principal Ana Ruiz."
    pulled = "A classroom over 90 degrees is a classroom where nobody learns."
    text = f"A Title Line\n\n{PARAGRAPH_A}\n\n{pulled}\n\n{quote}\n"
    assert [block.text for block in extract_text(text).blocks] == [PARAGRAPH_A, quote]
    # Sharing a few words is not repeating: a short paragraph of its own stays.
    own = "Nobody learns in a classroom like that, teachers said."
    assert [block.text for block in extract_text(f"A Title Line\n\n{own}\n\n{quote}\n").blocks] == [own, quote]


def test_press_release_contact_lines_and_boilerplate_after_the_end_mark() -> None:
    text = (
        "FOR IMMEDIATE RELEASE\n\nContact: Ann Lee, ann@gazette.example.org, (555) 014-2290\n\n"
        f"Schools Brace for a Hotter Summer\n\n{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n\n###\n\n"
        "About the Coalition\nThe Coalition is a group of parents founded in 2016 that works for cool schools.\n"
    )
    article = extract_text(text)
    assert article.title == "Schools Brace for a Hotter Summer"
    assert [block.text for block in article.blocks] == [PARAGRAPH_A, PARAGRAPH_B]


def test_notes_sources_and_citation_sections_are_not_read_up_to_the_next_heading() -> None:
    text = (
        f"A Title Line\n\n{PARAGRAPH_A}\n\nSources\n\nRegional schools report, 2023.\n\n"
        f"What parents want\n\n{PARAGRAPH_B}\n\nCite this article\n\n"
        "Doe, Jane. “Schools Brace for Heat.” The Gazette, 2024.\n"
    )
    assert kinds_and_texts(text) == [
        ("paragraph", PARAGRAPH_A),
        ("heading", "What parents want"),
        ("paragraph", PARAGRAPH_B),
    ]


def test_the_authors_note_under_the_article_is_not_read() -> None:
    text = (
        f"A Title Line\n\nBy Jane Doe\n\n{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n\n"
        "Jane Doe covers schools for the Gazette. Reach her at jdoe@gazette.example.com.\n"
    )
    assert [block.text for block in extract_text(text).blocks] == [PARAGRAPH_A, PARAGRAPH_B]
    # Without a known author, or when the sentence is the article's, it stays.
    kept = f"A Title Line\n\n{PARAGRAPH_A}\n\nJane Doe covers schools for the Gazette.\n"
    assert [block.text for block in extract_text(kept).blocks] == [
        PARAGRAPH_A, "Jane Doe covers schools for the Gazette."
    ]
