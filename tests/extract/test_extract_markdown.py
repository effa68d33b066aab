"""Markdown: structure kept, syntax gone."""

from __future__ import annotations

import datetime as dt

from narrate.extract import extract_markdown


def blocks(text: str) -> list[tuple[str, int, str]]:
    return [(block.kind, block.level, block.text) for block in extract_markdown(text).blocks]


def test_front_matter_gives_title_author_and_date() -> None:
    article = extract_markdown(
        "---\ntitle: 'Clean Water, Fair Bills'\nauthor:\n  - Ana Ruiz\n  - Ben Ode\ndate: March 3, 2024\n"
        "lang: en-GB\n---\n\nThe council votes on Tuesday.\n"
    )
    assert article.title == "Clean Water, Fair Bills"
    assert article.author == "Ana Ruiz and Ben Ode"
    assert article.published == dt.date(2024, 3, 3)
    assert article.language == "en"
    assert article.body_text == "The council votes on Tuesday."


def test_leading_h1_is_the_title_and_later_headings_keep_their_level() -> None:
    article = extract_markdown("# Clean Water\n\nIntro text.\n\n## Costs\n\nMore text.\n\nDetails\n-------\n\nEnd.\n")
    assert article.title == "Clean Water"
    assert [(b.kind, b.level, b.text) for b in article.blocks] == [
        ("paragraph", 0, "Intro text."),
        ("heading", 2, "Costs"),
        ("paragraph", 0, "More text."),
        ("heading", 2, "Details"),
        ("paragraph", 0, "End."),
    ]


def test_inline_syntax_becomes_plain_words() -> None:
    text = (
        "# T\n\nA **bold** claim, an *aside*, a __strong__ _word_ and `code`, with a "
        '[link](https://example.org/a_(b) "title") and a [reference][r] plus ![a chart](chart.png).'
        "[^1] Costs rose <sup>2</sup> by 40% in the snake_case_budget, \\*really\\*. "
        "Fees of ~~$5~~ $6 and <https://example.org> &amp; more.\n\n[r]: https://example.org\n[^1]: A note.\n"
    )
    assert extract_markdown(text).body_text == (
        "A bold claim, an aside, a strong word and code, with a link and a reference plus. "
        "Costs rose by 40% in the snake_case_budget, *really*. Fees of $6 and https://example.org & more."
    )


def test_lists_quotes_tables_and_what_is_not_read() -> None:
    text = (
        "# T\n\nIntro.\n\n- first\n  - nested\n    - deeper\n- second item\n  continued lazily\n"
        "- [x] done task\n\n1) one\n2) two\n\n"
        "> Quoted line one\n> line two.\n>\n> Second quoted paragraph.\n\n"
        "```python\nprint('no')\n```\n\n"
        "Name | Cost\n--- | ---\nA | 1\n\n"
        "    indented code\n\n<!-- a comment\nover lines -->\n\n***\n\nLast.\n"
    )
    assert blocks(text) == [
        ("paragraph", 0, "Intro."),
        ("list_item", 1, "first"),
        ("list_item", 2, "nested"),
        ("list_item", 3, "deeper"),
        ("list_item", 1, "second item continued lazily"),
        ("list_item", 1, "done task"),
        ("list_item", 1, "one"),
        ("list_item", 1, "two"),
        ("quote", 0, "Quoted line one line two."),
        ("quote", 0, "Second quoted paragraph."),
        ("table", 1, "Name\tCost\nA\t1"),
        ("paragraph", 0, "Last."),
    ]


def test_without_a_title_the_first_sentence_is_used() -> None:
    article = extract_markdown("## Background\n\nThe water board met on Monday to review rates. It adjourned.\n")
    assert article.title == "The water board met on Monday to review rates"
    assert article.blocks[0].text == "Background"


def test_tables_with_and_without_outer_pipes_and_escaped_pipes() -> None:
    text = (
        "# T\n\nIntro.\n\n| Year | Farms | Note |\n|------|------:|:----:|\n| 2023 | **15** | a \\| b |\n"
        "| 2024 | 18 | |\n\nA lead-in line\nYear | Count\n--- | ---\n2024 | 7\nNext paragraph.\n"
    )
    assert blocks(text) == [
        ("paragraph", 0, "Intro."),
        ("table", 1, "Year\tFarms\tNote\n2023\t15\ta | b\n2024\t18\t"),
        ("paragraph", 0, "A lead-in line"),
        ("table", 1, "Year\tCount\n2024\t7"),
        ("paragraph", 0, "Next paragraph."),
    ]


def test_an_image_caption_goes_with_the_image() -> None:
    text = (
        "# T\n\n![Volunteers in a field](field.jpg)\n*Volunteers count monarchs. Photo: Ann Lee.*\n\n"
        "The count rose this year.\n\n![A chart](chart.png)\n\n_Counts by year._\n\n*An aside the author wrote.*\n"
    )
    assert blocks(text) == [
        ("paragraph", 0, "The count rose this year."),
        ("paragraph", 0, "An aside the author wrote."),
    ]


def test_related_posts_and_share_lines_at_the_end_are_not_read() -> None:
    text = (
        "# T\n\nThe count rose this year.\n\n---\n\n*Share this post:* [Facebook](https://f.example) · "
        "[Email](mailto:?s=x)\n\n**Related posts:** [Milkweed from seed](https://t.example/a) · "
        "[The regal fritillary](https://t.example/b)\n"
    )
    assert blocks(text) == [("paragraph", 0, "The count rose this year.")]


def test_raw_script_and_style_elements_are_dropped_with_their_content() -> None:
    article = extract_markdown(
        "# Budget <script>alert(1)</script>\n\nThe council voted.\n\n<script>\nsteal(document.cookie)\n</script>\n\n"
        "<style>p { color: red }</style>Fares stay the same. A <SCRIPT src=x>never closed\n"
    )
    assert article.title == "Budget"
    assert article.body_text == "The council voted.\n\nFares stay the same. A never closed"


def test_code_spans_pair_runs_of_equal_length() -> None:
    assert blocks("Use `a` and ``b ` c`` but not ```d.\n") == [("paragraph", 0, "Use a and b ` c but not ```d.")]


def test_pathological_markup_is_read_as_text() -> None:
    """Each of these once sent a regex into backtracking (bench/scale.py measures that they now take linear time)."""
    storms = ["`" * 50000, "[" * 50000 + "](x)"] + [
        piece * 20000 for piece in ("*a ", "_a ", "**a ", "~~a ", "[a](", "<http:", "[^a", "<b ", "<!--", "<script>")
    ]
    for storm in storms:
        article = extract_markdown(f"# Storm\n\nThe council voted.\n\n{storm}\n")
        assert article.title == "Storm"
        assert article.blocks[0].text == "The council voted."
