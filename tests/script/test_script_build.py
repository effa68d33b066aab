"""build_script: body sentences and quotes, long-sentence splitting, chapters, pauses, lexicon."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from narrate.article import Article, Block
from narrate.errors import ConfigError, EmptyArticleError
from narrate.script import ScriptOptions, build_script

NO_FRAME = ScriptOptions(intro_template="", outro_template="")


def _article(*blocks: Block, **meta: object) -> Article:
    return Article(title=str(meta.pop("title", "Peace Now")), blocks=list(blocks), **meta)  # type: ignore[arg-type]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


FULL = {"author": "Jane Doe", "site": "FCNL", "published": dt.date(2024, 3, 5)}


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


def test_a_twenty_thousand_word_script_keeps_every_word() -> None:
    """How long it takes is measured by bench/scale.py."""
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
    script = build_script(article, ScriptOptions())
    assert _words(" ".join(s.caption for s in script.segments if s.kind in ("body", "heading"))) == _words(
        article.body_text
    )
