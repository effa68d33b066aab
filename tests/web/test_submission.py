"""Articles submitted over HTTP: exactly one source, overrides, and no fetches of private addresses."""

from __future__ import annotations

import pytest

from narrate.errors import SourceError
from narrate.settings import Settings
from narrate.web.submission import Submission, article_from_submission

HTML = """<html lang="en"><head><title>Parks reopen | City Desk</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Parks reopen</h1><p>The city's parks reopen on Monday after the storm.</p>
<p>Crews cleared 120 fallen trees in two weeks.</p></article></body></html>"""


@pytest.mark.parametrize(
    "submission",
    [Submission(), Submission(text="a", markdown="b"), Submission(url="https://x.example", html="<p>x</p>")],
)
def test_exactly_one_source(settings: Settings, submission: Submission) -> None:
    with pytest.raises(SourceError, match="exactly one of url, html, text or markdown"):
        article_from_submission(settings, submission)


def test_each_kind_of_source_is_extracted(settings: Settings) -> None:
    html = article_from_submission(settings, Submission(html=HTML))
    assert html.title == "Parks reopen"
    assert "Crews cleared 120 fallen trees in two weeks." in html.body_text and "Home" not in html.body_text
    md = article_from_submission(settings, Submission(markdown="# Budget day\n\nThe council meets at noon.\n"))
    assert md.title == "Budget day" and md.body_text == "The council meets at noon."
    text = article_from_submission(
        settings, Submission(text="Budget day\n\nThe council meets at noon.", title="Budget", author="R. Li")
    )
    assert (text.title, text.author) == ("Budget", "R. Li")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/a", "http://10.0.0.1/a", "http://169.254.169.254/"])
def test_private_urls_are_refused(settings: Settings, url: str) -> None:
    with pytest.raises(SourceError, match="refusing to fetch"):
        article_from_submission(settings, Submission(url=url))
    assert Submission(url=url).source == url


def test_empty_text_has_no_article(settings: Settings) -> None:
    with pytest.raises(SourceError, match="no article text"):
        article_from_submission(settings, Submission(text="   "))
