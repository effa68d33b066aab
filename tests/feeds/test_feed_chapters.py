"""Podcasting 2.0 JSON chapters."""

from __future__ import annotations

import json

import pytest

from feeds import chapters_json
from feeds.errors import FeedError


def test_chapters_json_exact_text() -> None:
    text = chapters_json([(0, "Introduction"), (12.5, "Why it matters"), (95.12345, "Café & \"quotes\"")])
    assert text == (
        "{\n"
        '  "version": "1.2.0",\n'
        '  "chapters": [\n'
        "    {\n"
        '      "startTime": 0,\n'
        '      "title": "Introduction"\n'
        "    },\n"
        "    {\n"
        '      "startTime": 12.5,\n'
        '      "title": "Why it matters"\n'
        "    },\n"
        "    {\n"
        '      "startTime": 95.123,\n'
        '      "title": "Café & \\"quotes\\""\n'
        "    }\n"
        "  ]\n"
        "}\n"
    )
    assert json.loads(text)["chapters"][2] == {"startTime": 95.123, "title": 'Café & "quotes"'}


def test_titles_are_one_clean_line() -> None:
    data = json.loads(chapters_json([(0.0, "  Two\nlines\x00 ")]))
    assert data == {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Two lines"}]}


def test_no_chapters_is_an_empty_list() -> None:
    assert json.loads(chapters_json([])) == {"version": "1.2.0", "chapters": []}


@pytest.mark.parametrize(
    ("chapters", "message"),
    [
        ([(10.0, "Second"), (5.0, "First")], "before the previous"),
        ([(-1.0, "Negative")], "negative"),
        ([(0.0, "  ")], "no title"),
    ],
)
def test_bad_chapters_are_refused(chapters: list[tuple[float, str]], message: str) -> None:
    with pytest.raises(FeedError, match=message):
        chapters_json(chapters)
