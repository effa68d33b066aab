"""What Jekyll, Hugo and static-site posts really contain, read as CommonMark reads it (issue #18).

Each class the regular expressions got wrong, in cases of our own: link reference definitions and labels,
indented headings, autolinks and e-mail links, list items with indented continuations, raw HTML blocks with
Markdown after them, raw HTML that is not text (processing instructions, declarations), footnotes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from narrate.errors import SourceError
from narrate.extract import extract_markdown
from tests.hostile.site import narrate


def blocks(text: str) -> list[tuple[str, int, str]]:
    return [(block.kind, block.level, block.text) for block in extract_markdown(text).blocks]


def test_link_reference_definitions_are_not_read_and_references_read_as_their_text() -> None:
    text = (
        "# Water rates\n\nThe [rate study][study] and the [Council's vote] both said so; see [the minutes][].\n\n"
        "[study]: https://example.org/study.pdf \"The 2024 rate study\"\n"
        "  [council's VOTE]: <https://example.org/votes/12 34>\n"
        "   'Roll call,\n   12 March'\n"
        "[The Minutes]:\n  https://example.org/minutes\n  (Minutes of the meeting)\n\n"
        "> [quoted]: https://example.org/q\n> A [quoted] source agreed.\n"
    )
    assert blocks(text) == [
        ("paragraph", 0, "The rate study and the Council's vote both said so; see the minutes."),
        ("quote", 0, "A quoted source agreed."),
    ]


def test_a_label_without_a_definition_is_read_as_written() -> None:
    assert blocks("# T\n\nThe [draft budget] and [the plan][missing] are due.\n") == [
        ("paragraph", 0, "The [draft budget] and [the plan][missing] are due.")
    ]


@pytest.mark.parametrize(
    "heading",
    ["   ## Costs", "## Costs ##", "##\tCosts", "  Costs\n  -----", "Costs\n---", " ## *Costs*"],
)
def test_indented_and_decorated_headings_are_chapters(heading: str) -> None:
    assert blocks(f"# T\n\nIntro text.\n\n{heading}\n\nMore text.\n") == [
        ("paragraph", 0, "Intro text."),
        ("heading", 2, "Costs"),
        ("paragraph", 0, "More text."),
    ]


def test_seven_hashes_or_an_indented_code_line_are_no_heading() -> None:
    assert blocks("# T\n\nIntro text.\n\n####### Seven\n\n    ## code\n\n#5 is a bolt.\n") == [
        ("paragraph", 0, "Intro text."),
        ("paragraph", 0, "####### Seven"),
        ("paragraph", 0, "#5 is a bolt."),
    ]


def test_autolinks_and_e_mail_links_are_read() -> None:
    text = (
        "# T\n\nWrite to <desk@example.org>, read <https://example.org/report?id=4&x=1> or "
        "<mailto:tips@example.org>.\n"
    )
    assert blocks(text) == [
        (
            "paragraph",
            0,
            "Write to desk@example.org, read https://example.org/report?id=4&x=1 or mailto:tips@example.org.",
        )
    ]


def test_list_items_with_indented_continuations_are_read_not_dropped_as_code() -> None:
    text = (
        "# T\n\n1.  Apply at the library.\n\n    Bring a proof of address.\n\n        print('code in a list')\n\n"
        "2.  Pick up the card.\n    - a nested point\n\n      with its own second paragraph.\n"
        "10. Tenth step.\n"
    )
    assert blocks(text) == [
        ("list_item", 1, "Apply at the library."),
        ("list_item", 1, "Bring a proof of address."),
        ("list_item", 1, "Pick up the card."),
        ("list_item", 2, "a nested point"),
        ("list_item", 2, "with its own second paragraph."),
        ("list_item", 1, "Tenth step."),
    ]


def test_markdown_after_a_raw_html_block_is_read_as_markdown() -> None:
    text = (
        "# T\n\n<div class=\"callout\">\n<p>Polls open at <b>7 a.m.</b></p>\n</div>\n\n## Where to vote\n\n"
        "**Bring** an [ID](https://example.org/id).\n\n<details><summary>Accessible sites</summary>\n\n"
        "- Ramps at every *site*\n\n</details>\n"
    )
    assert blocks(text) == [
        ("paragraph", 0, "Polls open at 7 a.m."),
        ("heading", 2, "Where to vote"),
        ("paragraph", 0, "Bring an ID."),
        ("paragraph", 0, "Accessible sites"),
        ("list_item", 1, "Ramps at every site"),
    ]


def test_raw_html_that_is_not_text_is_not_read() -> None:
    text = (
        "# T\n\n<!DOCTYPE html>\n\n<?php echo 'hidden'; ?>\n\nRates rise <?= $rate ?>by 2% <![CDATA[x < y]]>"
        "this year<!-- TODO: check -->.\n\n<pre>\nraw code\n</pre>\n\n<a title=\"a <b> in a value\">The end</a>.\n"
    )
    assert blocks(text) == [("paragraph", 0, "Rates rise by 2% this year."), ("paragraph", 0, "The end.")]


def test_footnotes_and_their_notes_are_not_read() -> None:
    text = (
        "# T\n\nFares rose.[^fares] Buses ran late.^[An inline note.] Trains did not.[^2]\n\n"
        "[^fares]: Source: the transit board.\n\n    A second paragraph of the note.\n\n[^2]: Another note.\n\n"
        "The board meets again in June.\n"
    )
    assert blocks(text) == [
        ("paragraph", 0, "Fares rose. Buses ran late. Trains did not."),
        ("paragraph", 0, "The board meets again in June."),
    ]


def test_entities_breaks_and_intraword_underscores() -> None:
    text = "# T\n\nThe snake_case_budget is &copy; the city &#38; county,  \nline two\\\nline three.\n"
    assert blocks(text) == [("paragraph", 0, "The snake_case_budget is © the city & county, line two line three.")]


def test_long_runs_of_raw_html_are_read_past() -> None:
    """Python's html.parser takes minutes on the first two; the scans here are forward only (bench/scale.py)."""
    storms = ["<div>\n" + piece * 20000 for piece in ("<a ", '<a b="', "<!--", "<?", "<![CDATA[", "<!x", "<pre>")]
    for storm in storms:
        article = extract_markdown(f"# Storm\n\nThe council voted.\n\n{storm}\n\nThe end.\n")
        assert article.blocks[0].text == "The council voted."


def test_quotes_and_lists_nested_as_deep_as_the_parser_reads_are_read() -> None:
    assert blocks("# T\n\n" + "> " * 99 + "Deep words.\n") == [("quote", 0, "Deep words.")]
    nested = "".join("  " * depth + f"- item {depth}\n" for depth in range(49))
    assert blocks(f"# T\n\n{nested}")[-1] == ("list_item", 49, "item 48")


@pytest.mark.parametrize(
    "deep",
    ["> " * 100 + "Deep words.", "".join("  " * depth + f"- item {depth}\n" for depth in range(50)),
     "> " * 5000 + "Deep words.", "> - " * 50 + "Deep words."],
    ids=["100 quotes", "50 lists", "5000 quotes", "quotes in lists"],
)  # fmt: skip
def test_deeper_nesting_is_refused_rather_than_read_with_words_missing(deep: str) -> None:
    with pytest.raises(SourceError, match="^the post nests quotes and lists deeper than the Markdown parser reads"):
        extract_markdown(f"# T\n\nThe council voted.\n\n{deep}\n", source="the post")


def test_narrate_script_reads_a_post_and_refuses_one_nested_too_deep(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text(
        "---\ntitle: Rates\n---\n\nThe [rate study][s] is out.\n\n   ## Costs\n\n1.  Apply.\n\n    Bring proof.\n\n"
        '[s]: https://example.org/s "Study"\n',
        encoding="utf-8",
    )
    done = narrate(tmp_path / "home", "script", str(post))
    assert done.returncode == 0, done.stderr
    assert "The rate study is out.\n\nCosts.\nApply.\nBring proof.\n" in done.stdout
    assert "example" not in done.stdout and "Study" not in done.stdout
    post.write_text("> " * 120 + "Deep words.\n", encoding="utf-8")
    refused = narrate(tmp_path / "home", "script", str(post))
    assert refused.returncode == 4 and refused.stdout == ""
    assert refused.stderr == (
        f"narrate: error: {post} nests quotes and lists deeper than the Markdown parser reads (100 levels, "
        "two for each list): the words in there would be lost\n"
    )


def test_a_line_without_a_pipe_after_a_table_starts_the_next_paragraph() -> None:
    text = (
        "# T\n\n| Ward | Turnout |\n|---|--:|\n| 1 | 40% |\n| 2 | 45% |\n"
        "Turnout rose in every ward.\nIt fell in none.\n\n"
        "> Year | Seats\n> --- | ---\n> 2024 | 9\n> A quoted remark.\n"
    )
    assert blocks(text) == [
        ("table", 1, "Ward\tTurnout\n1\t40%\n2\t45%"),
        ("paragraph", 0, "Turnout rose in every ward. It fell in none."),
        ("table", 1, "Year\tSeats\n2024\t9"),
        ("quote", 0, "A quoted remark."),
    ]


def test_only_an_emphasised_line_right_under_an_image_is_its_caption() -> None:
    text = (
        "# T\n\n![Ward map](map.png)\n_The new ward map._\n\nThe map was redrawn.\n\n- ![Hall](hall.jpg)\n\n"
        "  *The hall, in 1920.*\n\nSee the map ![icon](i.png) *twice* today.\n\n![Chart](c.png)\n\n"
        "*Rates* and *fees* rose.\n\n![Chart](c.png)\n\nThe chart says it all.\n\n*An aside the author wrote.*\n"
    )
    assert blocks(text) == [
        ("paragraph", 0, "The map was redrawn."),
        ("paragraph", 0, "See the map twice today."),
        ("paragraph", 0, "Rates and fees rose."),
        ("paragraph", 0, "The chart says it all."),
        ("paragraph", 0, "An aside the author wrote."),
    ]
