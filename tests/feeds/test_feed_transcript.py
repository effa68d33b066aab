"""WebVTT transcripts."""

from __future__ import annotations

import pytest

from feeds import Cue, webvtt
from feeds.errors import FeedError


def test_webvtt_exact_text() -> None:
    cues = [
        Cue(0.0, 2.5, "Tom & Jerry <live> at 5 > 4."),
        Cue(2.5, 61.0496, "Arrows --> are\nnot   cue timings."),
        Cue(3725.0, 3726.001, "An hour later."),
    ]
    assert webvtt(cues) == (
        "WEBVTT\n"
        "\n"
        "00:00:00.000 --> 00:00:02.500\n"
        "Tom &amp; Jerry &lt;live&gt; at 5 &gt; 4.\n"
        "\n"
        "00:00:02.500 --> 00:01:01.050\n"
        "Arrows --&gt; are not cue timings.\n"
        "\n"
        "01:02:05.000 --> 01:02:06.001\n"
        "An hour later.\n"
    )


def test_webvtt_of_nothing_is_just_the_header() -> None:
    assert webvtt([]) == "WEBVTT\n"


def test_cue_text_never_contains_the_timing_arrow() -> None:
    text = webvtt([Cue(0, 1, "a-->b"), Cue(1, 2, "c -- > d")])
    payloads = [block.split("\n")[1] for block in text.strip().split("\n\n")[1:]]
    assert payloads == ["a--&gt;b", "c -- &gt; d"]
    assert text.count("-->") == 2  # only the two timing lines


@pytest.mark.parametrize(
    ("cues", "message"),
    [
        ([Cue(5, 6, "later"), Cue(1, 2, "earlier")], "before the previous"),
        ([Cue(0, 1, " \n\x07 ")], "no text"),
    ],
)
def test_webvtt_refuses_bad_cues(cues: list[Cue], message: str) -> None:
    with pytest.raises(FeedError, match=message):
        webvtt(cues)


@pytest.mark.parametrize(("start", "end"), [(-1.0, 1.0), (2.0, 2.0), (3.0, 1.0)])
def test_cue_times_must_be_ordered(start: float, end: float) -> None:
    with pytest.raises(FeedError, match="start < end"):
        Cue(start, end, "text")
