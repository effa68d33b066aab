"""HTML pages through trafilatura, and our clean-up around it."""

from __future__ import annotations

import datetime as dt

import pytest

from narrate.errors import EmptyArticleError
from narrate.extract import extract_html

P1 = "Heat waves closed 120 schools across the region last year, most of them in buildings without air conditioning."
P2 = "District officials say retrofitting every building would cost $85 million over a decade, money it lacks."
P3 = "Parents have asked the board to publish a list of the hottest classrooms before the next school year."


def page(body: str, head: str = "", lang: str = "en", charset: str = "utf-8") -> str:
    lang_attribute = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attribute}><head><meta charset='{charset}'>"
        f"<title>Schools Brace for Heat | The Gazette</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/donate'>Donate</a></nav>"
        f"<main><article><h1>Schools Brace for Heat</h1>{body}</article></main>"
        "<footer><p>© 2024 The Gazette. All rights reserved.</p></footer></body></html>"
    )


def test_title_from_h1_byline_paragraph_and_nested_lists() -> None:
    article = extract_html(
        page(
            f"<p>By Jane Doe and John Roe | March 3, 2024</p><p>{P1}</p><p>{P2}</p>"
            "<ul><li>shade sails<ul><li>over playgrounds</li></ul></li><li>water stations</li></ul>"
            f"<h3>What parents want</h3><p>{P3}</p>"
        )
    )
    assert article.title == "Schools Brace for Heat"
    assert article.author == "Jane Doe and John Roe"
    assert article.published == dt.date(2024, 3, 3)
    assert [(b.kind, b.level, b.text) for b in article.blocks] == [
        ("paragraph", 0, P1),
        ("paragraph", 0, P2),
        ("list_item", 1, "shade sails"),
        ("list_item", 2, "over playgrounds"),
        ("list_item", 1, "water stations"),
        ("heading", 3, "What parents want"),
        ("paragraph", 0, P3),
    ]


def test_metadata_authors_and_no_date_guessed_from_the_copyright_line() -> None:
    article = extract_html(
        page(f"<p>{P1}</p><p>{P2}</p>", head="<meta name='author' content='Jane Doe; John Roe'>"),
        url="https://gazette.example.com/heat",
    )
    assert article.author == "Jane Doe and John Roe"
    assert article.published is None
    assert article.canonical_url == "https://gazette.example.com/heat"


def test_language_from_the_page_then_from_the_words() -> None:
    assert extract_html(page(f"<p>{P1}</p>", lang="de-DE")).language == "de"
    assert extract_html(page(f"<p>{P1} {P2} {P3}</p>", lang="")).language == "en"
    assert extract_html(page("<p>Short note here.</p>", lang="")).language is None


def test_footnote_markers_and_notes_are_not_read() -> None:
    article = extract_html(
        page(
            f"<p>{P1[:-1]}.<sup><a href='#n1'>1</a></sup> {P2[:-1]}.2</p><p>{P3}</p>"
            "<section class='footnotes'><ol><li id='n1'>Regional schools report, 2023.</li></ol></section>"
        )
    )
    assert article.body_text == f"{P1} {P2}\n\n{P3}"


def test_bytes_in_a_declared_legacy_charset() -> None:
    html = page(f"<p>“{P1}” — said Zoë Müller.</p>", charset="iso-8859-1").encode("cp1252")
    assert extract_html(html).body_text == f"“{P1}” — said Zoë Müller."


def test_a_page_without_article_text() -> None:
    with pytest.raises(EmptyArticleError, match=r"^no article text found in https://x\.example/a$"):
        extract_html("<html><body><nav><a href='/'>Home</a></nav></body></html>", url="https://x.example/a")
    with pytest.raises(EmptyArticleError, match="no article text found in the HTML page"):
        extract_html(b"")
