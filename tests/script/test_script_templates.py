"""The intro and outro: template fields, the byline, rendering and its errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from narrate.article import Article, Block
from narrate.errors import ConfigError
from narrate.script import ScriptOptions, build_script
from narrate.script.templates import byline, render_template, template_fields


def _article(*blocks: Block, **meta: object) -> Article:
    return Article(title=str(meta.pop("title", "Peace Now")), blocks=list(blocks), **meta)  # type: ignore[arg-type]


FULL = {"author": "Jane Doe", "site": "FCNL", "published": dt.date(2024, 3, 5)}


def test_default_intro_and_outro() -> None:
    script = build_script(_article(Block("paragraph", "Body."), **FULL), ScriptOptions())
    assert [(s.kind, s.caption) for s in script.segments] == [
        ("intro", "Peace Now."),
        ("intro", "By Jane Doe, published by FCNL on March 5, 2024."),
        ("intro", "This is an audio version of the article, read by a computer-generated voice."),
        ("body", "Body."),
        ("outro", "This was an audio version of Peace Now from FCNL."),
        ("outro", "Thank you for listening."),
    ]
    assert script.segments[1].text == "By Jane Doe, published by F C N L on March fifth, twenty twenty-four."


@pytest.mark.parametrize(
    ("author", "site", "date", "expected"),
    [
        ("Jane Doe", "FCNL", "March 5, 2024", "By Jane Doe, published by FCNL on March 5, 2024. "),
        ("", "FCNL", "March 5, 2024", "Published by FCNL on March 5, 2024. "),
        ("Jane Doe", "", "March 5, 2024", "By Jane Doe, published on March 5, 2024. "),
        ("Jane Doe", "FCNL", "", "By Jane Doe, published by FCNL. "),
        ("Jane Doe", "", "", "By Jane Doe. "),
        ("", "FCNL", "", "Published by FCNL. "),
        ("", "", "March 5, 2024", "Published on March 5, 2024. "),
        ("", "", "", ""),
    ],
)
def test_byline_leaves_out_what_is_not_known(author: str, site: str, date: str, expected: str) -> None:
    assert byline(author, site, date) == expected


def test_intro_with_nothing_known_but_the_title() -> None:
    script = build_script(_article(Block("paragraph", "Body.")), ScriptOptions())
    assert [s.caption for s in script.segments if s.kind != "body"] == [
        "Peace Now.",
        "This is an audio version of the article, read by a computer-generated voice.",
        "This was an audio version of Peace Now.",
        "Thank you for listening.",
    ]


def test_template_fields() -> None:
    article = _article(title="  Why  now? ", author=" Jane  Doe ", site="FCNL", published=dt.date(2019, 12, 1))
    assert template_fields(article, "FCNL Updates") == {
        "title": "Why now?",
        "author": "Jane Doe",
        "site": "FCNL",
        "date": "December 1, 2019",
        "feed": "FCNL Updates",
        "byline": "By Jane Doe, published by FCNL on December 1, 2019. ",
        "from_site": " from FCNL",
    }


def test_rendered_template_has_no_doubled_punctuation() -> None:
    fields = template_fields(_article(title="Is peace possible?", author="J. Smith Jr."), "Weekly")
    template = "{title}. {byline}Welcome to {feed}{from_site}."
    assert render_template(template, fields, "intro") == (
        "Is peace possible? By J. Smith Jr. Welcome to Weekly."
    )


def test_untitled_article_intro_does_not_start_with_a_full_stop() -> None:
    script = build_script(_article(Block("paragraph", "Body."), title=""), ScriptOptions())
    assert script.segments[0].caption == "This is an audio version of the article, read by a computer-generated voice."
    assert script.segments[0].chapter == "Introduction"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("Hello {name}.", "unknown field {name}"),
        ("Hello {title.upper}.", "unknown field {title.upper}"),
        ("Hello {title!r}.", "unknown field {title}"),
        ("Hello {0}.", "unknown field {0}"),
        ("Hello {title.", "malformed"),
    ],
)
def test_bad_template_is_a_config_error(template: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        build_script(_article(Block("paragraph", "Body.")), ScriptOptions(outro_template=template))


def test_custom_templates_use_every_field() -> None:
    options = ScriptOptions(
        intro_template="Welcome to {feed}. {author} wrote {title} for {site} on {date}.",
        outro_template="",
        feed_title="Peace Talk",
    )
    script = build_script(_article(Block("paragraph", "Body."), **FULL), options)
    assert [s.caption for s in script.segments] == [
        "Welcome to Peace Talk.",
        "Jane Doe wrote Peace Now for FCNL on March 5, 2024.",
        "Body.",
    ]
