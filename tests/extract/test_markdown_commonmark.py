"""Markdown read as CommonMark says: every example of the specification (0.31.2) reads the words of its HTML.

The truth is each example's expected HTML, turned into what a listener should hear by narrate's reading rules:
code blocks (<pre>), images, comments, processing instructions, declarations and <script>/<style>-like
elements say nothing; links, autolinks, e-mail links and inline code read as their text; every other tag goes,
and block tags separate words. Narrate's side is read_markdown, every block extract_markdown gets, before the
tidying that web pages and copied text share (bylines, menus, a title taken from the text: assemble.py, tested
on its own). Both sides are compared word for word, a word being a run of characters between white space, so
punctuation counts: "*foo*" read with its asterisks is a mistake, as it would be aloud.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from narrate.extract.markdown import read_markdown

EXAMPLES = json.loads((Path(__file__).parent / "data" / "commonmark-0.31.2.json").read_text(encoding="utf-8"))

DIFFERENT_ON_PURPOSE = {
    # Front matter: a post that opens with "---" has front matter up to the next "---" (Jekyll, Hugo), not a
    # rule above a setext heading; narrate reads it for the title, author and date and does not read it aloud.
    96: "Bar Baz",
    # A <pre> opened in one raw HTML block and closed in another, after a blank line, with Markdown between:
    # narrate reads each block on its own, and an element never closed in its block loses only its tag.
    148: "**Hello**, world.",
    # A <style> never closed: a browser hides the rest of the page; narrate drops only the tag, so that one
    # stray tag cannot silence the rest of an article.
    173: "foo",
    # A processing instruction runs to "?>", as CommonMark reads it and narrate drops it; an HTML parser ends
    # it at the first ">", so the expected HTML shows the PHP code after that (" '; ?>"), which is not read.
    180: "okay",
}
_HIDDEN = {"pre", "script", "style", "textarea", "template", "noscript"}
_BREAKING = set(
    "address article aside blockquote body br caption center dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol p section summary table tbody "
    "td tfoot th thead title tr ul".split()
)
# Comments as HTML5 ends them ("<!-->" and "<!--->" are whole): html.parser's reading differs between versions.
_COMMENT = re.compile(r"<!--(?:-?>|.*?-->)", re.DOTALL)


class _Heard(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BREAKING:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BREAKING:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def heard(expected_html: str) -> str:
    """The words a listener should hear from the specification's expected HTML."""
    parser = _Heard()
    parser.feed(_COMMENT.sub("", expected_html))
    parser.close()
    return " ".join("".join(parser.parts).split())


def read(markdown: str) -> str:
    """The words narrate reads from ``markdown``."""
    return " ".join(" ".join(block.text for block in read_markdown(markdown)[1]).split())


@pytest.mark.parametrize(
    "example",
    [example for example in EXAMPLES if example["example"] not in DIFFERENT_ON_PURPOSE],
    ids=lambda example: str(example["example"]),
)
def test_every_other_example_reads_the_words_of_its_html(example: dict[str, str]) -> None:
    assert read(example["markdown"]) == heard(example["html"]), example["section"]


@pytest.mark.parametrize("number", sorted(DIFFERENT_ON_PURPOSE))
def test_examples_read_differently_on_purpose(number: int) -> None:
    example = EXAMPLES[number - 1]
    assert example["example"] == number
    assert read(example["markdown"]) == DIFFERENT_ON_PURPOSE[number] != heard(example["html"])


def test_the_examples_are_all_there_and_few_are_read_differently() -> None:
    assert [example["example"] for example in EXAMPLES] == list(range(1, 653))
    assert len({example["section"] for example in EXAMPLES}) == 26
    assert len(DIFFERENT_ON_PURPOSE) == 4
    # Not a vacuous truth: 549 examples have words to read; the other 103 have none to read (code blocks, images,
    # rules, link reference definitions alone, raw HTML), and narrate must read nothing there either.
    assert sum(1 for example in EXAMPLES if heard(example["html"])) == 549
