"""build_script: intro and outro, sentences, long-sentence splitting, chapters, pauses, lexicon."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from narrate.article import Article, Block
from narrate.errors import ConfigError, EmptyArticleError
from narrate.script import ScriptOptions, build_script, table_sentences
from narrate.script.tables import TABLE_MAX_COLUMNS, TABLE_MAX_ROWS
from narrate.script.templates import byline, render_template, template_fields

NO_FRAME = ScriptOptions(intro_template="", outro_template="")


def _article(*blocks: Block, **meta: object) -> Article:
    return Article(title=str(meta.pop("title", "Peace Now")), blocks=list(blocks), **meta)  # type: ignore[arg-type]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


# -- body sentences --------------------------------------------------------------------------------


def test_one_body_segment_per_sentence_with_speech_and_caption() -> None:
    script = build_script(_article(Block("paragraph", "Dr. Lee spoke. Aid rose 40%! Why?")), NO_FRAME)
    assert [(s.kind, s.caption, s.text) for s in script.segments] == [
        ("body", "Dr. Lee spoke.", "Doctor Lee spoke."),
        ("body", "Aid rose 40%!", "Aid rose forty percent!"),
        ("body", "Why?", "Why?"),
    ]
    assert [s.index for s in script.segments] == [0, 1, 2]


def test_list_items_are_sentences_after_a_lead_in_that_keeps_its_colon() -> None:
    article = _article(
        Block("paragraph", "The bill would:"),
        Block("list_item", "end shutoffs;", level=1),
        Block("list_item", "Call Congress", level=1),
    )
    assert [(s.kind, s.caption, s.text) for s in build_script(article, NO_FRAME).segments] == [
        ("body", "The bill would:", "The bill would:"),
        ("body", "end shutoffs;", "end shutoffs."),
        ("body", "Call Congress", "Call Congress."),
    ]


def test_a_block_quote_is_framed_once_with_short_segments_of_its_own() -> None:
    article = _article(
        Block("paragraph", "She said:"),
        Block("quote", "\u201cWe can. We will.\u201d"),
        Block("quote", "Second paragraph of the same quote."),
        Block("paragraph", "Then she left."),
        Block("quote", "Another quote."),
    )
    script = build_script(article, NO_FRAME)
    assert [(s.caption, s.text, s.pause_ms) for s in script.segments] == [
        ("She said:", "She said:", 700),
        ("Quote.", "Quote.", 300),
        ("\u201cWe can.", '"We can.', 300),
        ("We will.\u201d", 'We will."', 700),
        ("Second paragraph of the same quote.", "Second paragraph of the same quote.", 300),
        ("End quote.", "End quote.", 700),
        ("Then she left.", "Then she left.", 700),
        ("Quote.", "Quote.", 300),
        ("Another quote.", "Another quote.", 300),
        ("End quote.", "End quote.", 0),
    ]
    assert {s.kind for s in script.segments} == {"body"}


TABLE = "Cases by year\nYear\tCases filed\tWith a lawyer\n2022\t17,100\t2%\n2023\t18,400\t3%"


def test_a_small_table_is_read_row_by_row_with_the_column_names() -> None:
    assert table_sentences(Block("table", TABLE, level=1)) == [
        "Table.",
        "Cases by year",
        "2022: Cases filed, 17,100; With a lawyer, 2%.",
        "2023: Cases filed, 18,400; With a lawyer, 3%.",
        "End of table.",
    ]
    script = build_script(_article(Block("paragraph", "See below."), Block("table", TABLE, level=1)), NO_FRAME)
    texts = [s.text for s in script.segments]
    assert texts[1:3] == ["Table.", "Cases by year."]
    assert "seventeen thousand one hundred; With a lawyer, two percent." in texts[3]
    assert [s.pause_ms for s in script.segments] == [700, 300, 300, 300, 300, 0]


def test_a_table_without_column_names_and_with_empty_cells() -> None:
    assert table_sentences(Block("table", "Ash\t41\t\nBirch\t\u2014\t79", level=0)) == [
        "Table.",
        "Ash; 41.",
        "Birch; 79.",
        "End of table.",
    ]
    assert table_sentences(Block("table", "Year\tCases\n2022\t\n2023\t9", level=1))[1:3] == ["2022.", "2023: Cases, 9."]


def test_a_big_table_is_announced_not_read() -> None:
    rows = "\n".join(f"Town {n}\t{n}" for n in range(TABLE_MAX_ROWS + 1))
    assert table_sentences(Block("table", f"Name\tCount\n{rows}", level=1)) == [
        "Table.",
        f"This table, with {TABLE_MAX_ROWS + 1} rows, is not read aloud; see the article.",
    ]
    wide = "\t".join(["A"] * (TABLE_MAX_COLUMNS + 1))
    assert table_sentences(Block("table", f"{wide}\n{wide}", level=0))[-1] == (
        "This table, with 2 rows, is not read aloud; see the article."
    )


def test_blocks_with_nothing_to_say_leave_no_segment() -> None:
    article = _article(
        Block("paragraph", "First."), Block("paragraph", "   "), Block("paragraph", "* * *"),
        Block("paragraph", "\U0001f389\U0001f389"), Block("heading", " "), Block("paragraph", "Last."),
    )
    assert [s.text for s in build_script(article, NO_FRAME).segments] == ["First.", "Last."]


def test_article_without_speakable_body_is_refused() -> None:
    with pytest.raises(EmptyArticleError, match="no text to read"):
        build_script(_article(Block("heading", "Only a heading"), Block("paragraph", "\u2014")), ScriptOptions())


def test_lexicon_defaults_to_the_built_in_one_and_can_be_replaced() -> None:
    article = _article(Block("paragraph", "FCNL's Amy and NATO met."))
    assert build_script(article, NO_FRAME).segments[0].text == "F C N L's Amy and Nato met."
    # Normalisation already reads these acronyms as letters or as a word; the lexicon applies after it.
    assert build_script(article, NO_FRAME, {}).segments[0].text == "F C N L's Amy and Nato met."
    replaced = build_script(article, NO_FRAME, {"Amy": "Aimee", "Nato": "Nay-toe"}).segments[0].text
    assert replaced == "F C N L's Aimee and Nay-toe met."


def test_language_option_chooses_the_number_words() -> None:
    options = ScriptOptions(intro_template="", outro_template="", language="de")
    script = build_script(_article(Block("paragraph", "Es gibt 21 Wege.")), options)
    assert script.language == "de"
    assert script.segments[0].text == "Es gibt einundzwanzig Wege."


# -- long sentences --------------------------------------------------------------------------------

LONG = (
    "The committee, which had met every week since the spring, heard from farmers and nurses and teachers; "
    "it then wrote a report of 48 pages: it asked Congress to act before the recess, to fund the program "
    "in full, and to hold hearings in every region \u2014 not only in Washington but in small towns too"
)


def _fit(sentence: str, max_chars: int) -> list[tuple[str, str]]:
    options = ScriptOptions(intro_template="", outro_template="", max_chars=max_chars)
    return [(s.caption, s.text) for s in build_script(_article(Block("paragraph", sentence)), options).segments]


def test_long_sentence_is_cut_at_the_strongest_boundary_first() -> None:
    parts = _fit(LONG, 160)
    assert [caption for caption, _ in parts] == [
        "The committee, which had met every week since the spring, heard from farmers and nurses and teachers;",
        "it then wrote a report of 48 pages: it asked Congress to act before the recess, to fund the program in full,",
        "and to hold hearings in every region \u2014 not only in Washington but in small towns too",
    ]
    assert [text for _, text in parts][1:] == [
        "it then wrote a report of forty-eight pages: it asked Congress to act before the recess, "
        "to fund the program in full",
        "and to hold hearings in every region, not only in Washington but in small towns too.",
    ]


def test_a_dash_is_a_boundary_before_a_plain_space() -> None:
    sentence = "We will hold hearings in every region of the country \u2014 not only in Washington but in towns"
    assert _fit(sentence, 60) == [
        (
            "We will hold hearings in every region of the country \u2014",
            "We will hold hearings in every region of the country",
        ),
        ("not only in Washington but in towns", "not only in Washington but in towns."),
    ]


def test_without_punctuation_a_sentence_is_cut_between_words() -> None:
    sentence = " ".join(f"word{n}" for n in range(30))
    parts = _fit(sentence, 50)
    assert all(len(text) <= 50 for _, text in parts)
    assert all(re.fullmatch(r"(word\d+ )*word\d+\.?", text) for _, text in parts)
    assert " ".join(caption for caption, _ in parts) == sentence


@pytest.mark.parametrize("max_chars", [20, 33, 60, 100, 250, 400])
def test_no_segment_is_longer_than_max_chars_and_no_word_is_lost(max_chars: int) -> None:
    sentence = LONG + ", costing $1,250,000.50 or 12.5% of 2024's budget; see https://example.org/" + "x" * 500 + "."
    parts = _fit(sentence, max_chars)
    assert all(0 < len(text) <= max_chars for _, text in parts)
    # A 500-character token has to be cut inside; every character still comes, in order.
    assert "".join(caption for caption, _ in parts).replace(" ", "") == sentence.replace(" ", "")
    assert "fund the program in full" in " ".join(text for _, text in parts)


def test_speech_longer_than_the_writing_is_split_by_its_spoken_length() -> None:
    # Each "$1,250.50" is 9 characters written and 59 spoken.
    sentence = " ".join(["$1,250.50"] * 6)
    parts = _fit(sentence, 130)
    assert [caption for caption, _ in parts] == ["$1,250.50 $1,250.50", "$1,250.50 $1,250.50", "$1,250.50 $1,250.50"]
    assert all(len(text) <= 130 for _, text in parts)


def test_parts_of_a_split_sentence_get_the_clause_pause() -> None:
    options = ScriptOptions(intro_template="", outro_template="", max_chars=160, pause_clause_ms=123)
    segments = build_script(_article(Block("paragraph", LONG + ". Done.")), options).segments
    assert [s.pause_ms for s in segments] == [123, 123, options.pause_sentence_ms, 0]


def test_max_chars_too_small_for_any_speech_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="max_chars"):
        build_script(_article(Block("paragraph", "Hi.")), ScriptOptions(max_chars=5))


# -- intro, outro and templates --------------------------------------------------------------------

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


# -- chapters and pauses ---------------------------------------------------------------------------

STRUCTURED = (
    Block("paragraph", "Opening one. Opening two."),
    Block("heading", "First  part", level=2),
    Block("paragraph", "Alpha."),
    Block("heading", "Second part", level=2),
    Block("list_item", "Beta", level=1),
    Block("list_item", "Gamma", level=1),
)
PAUSES = ScriptOptions(pause_sentence_ms=1, pause_paragraph_ms=2, pause_heading_ms=30, pause_intro_ms=40)


def test_chapters_start_at_the_intro_and_at_each_heading() -> None:
    script = build_script(_article(*STRUCTURED, **FULL), PAUSES)
    assert [(s.kind, s.chapter) for s in script.segments if s.chapter] == [
        ("intro", "Peace Now"),
        ("heading", "First part"),
        ("heading", "Second part"),
    ]
    assert script.chapters() == [(0, "Peace Now"), (5, "First part"), (7, "Second part")]
    assert all(s.chapter is None for s in script.segments if s.kind == "outro")


def test_without_an_intro_the_first_segment_still_starts_a_chapter() -> None:
    script = build_script(_article(*STRUCTURED), NO_FRAME)
    assert script.chapters() == [(0, "Peace Now"), (2, "First part"), (4, "Second part")]


def test_headings_are_spoken_as_sentences_and_captioned_as_written() -> None:
    heading = build_script(_article(*STRUCTURED), NO_FRAME).segments[2]
    assert (heading.kind, heading.caption, heading.text) == ("heading", "First part", "First part.")


def test_pauses_follow_sentences_paragraphs_headings_intro_and_outro() -> None:
    script = build_script(_article(*STRUCTURED, **FULL), PAUSES)
    assert [(s.caption[:12], s.pause_ms) for s in script.segments] == [
        ("Peace Now.", 1),
        ("By Jane Doe,", 1),
        ("This is an a", 40),
        ("Opening one.", 1),
        ("Opening two.", 30),  # long pause before the heading
        ("First part", 30),
        ("Alpha.", 30),
        ("Second part", 30),
        ("Beta", 2),
        ("Gamma", 40),  # the article ends: the outro follows
        ("This was an ", 1),
        ("Thank you fo", 0),  # nothing after the last segment
    ]


# -- scale -----------------------------------------------------------------------------------------


def test_twenty_thousand_words_script_in_well_under_two_seconds() -> None:
    paragraph = (
        "In 2024 the U.S. Senate spent $2.3 million on 12,500 programs \u2014 e.g. Dr. Smith\u2019s plan, which grew "
        "40% since the 1990s; Sen. Warren approved it on Jan. 5. Was it enough? Nobody knows\u2026 yet. "
    )
    blocks = []
    while sum(len(b.text.split()) for b in blocks) < 20_000:
        blocks.append(Block("paragraph", paragraph * 3))
        if len(blocks) % 8 == 0:
            blocks.append(Block("heading", f"Part {len(blocks)}"))
    article = _article(*blocks)
    started = time.perf_counter()
    script = build_script(article, ScriptOptions())
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0
    assert _words(" ".join(s.caption for s in script.segments if s.kind in ("body", "heading"))) == _words(
        article.body_text
    )
