"""What an HTML page loses before trafilatura reads it, and what becomes of tables and embedded posts."""

from __future__ import annotations

import datetime as dt

from lxml.html import HtmlElement, fromstring, tostring

from narrate.extract import extract_html
from narrate.extract.pagetree import tidy_page

P1 = "Heat waves closed 120 schools across the region last year, most of them in buildings without air conditioning."
P2 = "District officials say retrofitting every building would cost $85 million over a decade, money it lacks."
P3 = "Parents have asked the board to publish a list of the hottest classrooms before the next school year."


def page(body: str, title: str = "Schools Brace for Heat | The Gazette") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<main><article><h1>Schools Brace for Heat</h1>{body}</article></main></body></html>"
    )


def tidied(body: str) -> str:
    tree: HtmlElement = fromstring(f"<div>{body}</div>")
    return tostring(tidy_page(tree), encoding="unicode")


def blocks(html: str) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in extract_html(html).blocks]


def test_captions_and_credits_go_with_their_figure_text_only() -> None:
    html = tidied(
        "<figure><img src='a.jpg'><figcaption>Students in a hot classroom. Photo: Ann Lee</figcaption></figure>"
        "<div class='wp-caption'><img src='b.jpg'><p class='wp-caption-text'>A fan in the hall.</p></div>"
        f"<p>{P1}<span class='photo-credit'>Getty Images</span> {P2}</p>"
        "<div class='tax-credit'>The tax credit stays.</div>"
    )
    assert "Ann Lee" not in html and "A fan in the hall" not in html and "Getty" not in html
    assert f"{P1} {P2}" in html
    assert "The tax credit stays." in html


def test_footnote_markers_and_notes_go_but_powers_stay() -> None:
    article = extract_html(
        page(
            f"<p>{P1[:-1]}.<a href='#fn1' id='r1'>1</a> {P2[:-1]}.<sup>[2]</sup></p>"
            "<p>The new wing adds 4,000 m<sup>2</sup> of shaded space, the district said in its report.</p>"
            f"<p>{P3}</p>"
            "<div class='footnote'><a id='fn1' href='#r1'>1</a><div class='footnote-content'>"
            "<p>Regional schools report, 2023.</p></div></div>"
            "<ol class='wp-block-footnotes'><li id='fn-2'>Budget office estimate.</li></ol>"
        )
    )
    assert article.body_text == (
        f"{P1} {P2}\n\nThe new wing adds 4,000 m2 of shaded space, the district said in its report.\n\n{P3}"
    )


def test_pull_quotes_and_standfirsts_by_their_markup() -> None:
    """A pull quote goes; the standfirst is read first, after the title; a "subtitle" below the text is a heading."""
    assert blocks(
        page(
            "<p class='article-subtitle'>A summary of the story, set under the headline.</p>"
            f"<p>{P1}</p><aside class='pull-quote'><p>Money it lacks.</p></aside><p>{P2}</p>"
            "<h2 class='subtitle'>What parents want</h2>"
            f"<p>{P3}</p>"
        )
    ) == [
        ("paragraph", "A summary of the story, set under the headline."),
        ("paragraph", P1),
        ("paragraph", P2),
        ("heading", "What parents want"),
        ("paragraph", P3),
    ]


def test_an_embedded_post_is_read_only_after_a_lead_in_with_a_colon() -> None:
    tweet = (
        "<blockquote class='twitter-tweet'><p lang='en'>Every classroom deserves a working fan. "
        "<a href='https://t.co/abc'>pic.twitter.com/abc</a></p>&mdash; Mayor Ruiz (@mayorruiz) "
        "<a href='https://twitter.com/mayorruiz/status/1'>June 3, 2024</a></blockquote>"
    )
    other = tweet.replace("Every classroom deserves a working fan.", "Thread on summer camps.")
    assert blocks(page(f"<p>{P1}</p><p>The mayor answered on Tuesday:</p>{tweet}<p>{P2}</p>{other}<p>{P3}</p>")) == [
        ("paragraph", P1),
        ("paragraph", "The mayor answered on Tuesday:"),
        ("quote", "Every classroom deserves a working fan."),
        ("paragraph", P2),
        ("paragraph", P3),
    ]


def test_tables_keep_rows_cells_caption_and_header() -> None:
    assert blocks(
        page(
            f"<p>{P1}</p><table><caption>Closures by county</caption>"
            "<tr><th>County</th><th>Schools closed</th></tr><tr><td>Ash</td><td>41</td></tr>"
            "<tr><td>Birch</td><td>79</td></tr></table>"
            f"<p>{P2}</p><table><tr><td><b>Month</b></td><td><b>Days</b></td></tr>"
            "<tr><td>May</td><td>3</td></tr><tr><td>June</td><td>9</td></tr></table>"
            f"<p>{P3}</p>"
        )
    ) == [
        ("paragraph", P1),
        ("table", "Closures by county\nCounty\tSchools closed\nAsh\t41\nBirch\t79"),
        ("paragraph", P2),
        ("table", "Month\tDays\nMay\t3\nJune\t9"),
        ("paragraph", P3),
    ]
    article = extract_html(page(f"<p>{P1}</p><table><tr><td>Ash</td><td>41</td></tr></table><p>{P2}</p>"))
    assert [(block.kind, block.level) for block in article.blocks] == [("paragraph", 0), ("table", 0), ("paragraph", 0)]


def test_a_table_that_lays_out_the_page_is_read_as_its_text() -> None:
    html = (
        "<html><head><title>County Board Approves Clinic Funding</title></head><body><table><tr>"
        "<td><a href='/'>Home</a><br><a href='/news'>News</a></td>"
        f"<td><h1>County Board Approves Clinic Funding</h1><p>{P1}</p><p>{P2}</p><p>{P3}</p></td>"
        "</tr></table></body></html>"
    )
    article = extract_html(html)
    assert article.title == "County Board Approves Clinic Funding"
    assert blocks(html) == [("paragraph", P1), ("paragraph", P2), ("paragraph", P3)]


def test_site_name_from_the_title_when_the_page_names_only_its_host() -> None:
    html = page(f"<p>{P1}</p><p>{P2}</p>", title="Schools Brace for Heat | Gazette Online")
    assert extract_html(html, url="https://gazette.example.com/heat").site == "Gazette Online"
    named = html.replace("</title>", "</title><meta property='og:site_name' content='The Gazette'>")
    assert extract_html(named, url="https://gazette.example.com/heat").site == "The Gazette"


def test_an_old_page_laid_out_in_tables_keeps_its_headline_date_subheadings_and_data_table() -> None:
    html = (
        "<html><head><title>Ash County - Public Notice: Cooling Centers</title></head><body><table><tr>"
        "<td><a href='/'>Home</a><br><a href='/depts'>Departments</a></td><td>"
        "<p><b>Cooling Centers Open for the Summer</b></p><p><i>Posted June 2, 2025 by the Health Office</i></p>"
        f"<p>{P1}</p><p><b>Where to go</b></p><p>{P2}</p>"
        "<table><tr><td><b>Site</b></td><td><b>Hours</b></td></tr><tr><td>Library</td><td>9 to 5</td></tr></table>"
        f"<p>{P3}</p></td></tr><tr><td colspan='2'>This page was last updated on 07/08/2025.</td></tr>"
        "</table></body></html>"
    )
    article = extract_html(html)
    assert (article.title, article.published) == ("Cooling Centers Open for the Summer", dt.date(2025, 6, 2))
    assert [(block.kind, block.text) for block in article.blocks] == [
        ("paragraph", P1),
        ("heading", "Where to go"),
        ("paragraph", P2),
        ("table", "Site\tHours\nLibrary\t9 to 5"),
        ("paragraph", P3),
    ]


def test_a_date_the_markup_states_wins_over_one_in_the_text() -> None:
    body = f"<p>By Ann Lee | June 2, 2025</p><p>{P1}</p><p>{P2}</p>"
    stated = page(body).replace("</title>", "</title><meta property='article:published_time' content='2025-06-01'>")
    assert extract_html(stated).published == dt.date(2025, 6, 1)
    assert extract_html(page(body)).published == dt.date(2025, 6, 2)
