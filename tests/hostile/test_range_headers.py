"""Range headers made to break the public file server: numbers past Python's 4,300-digit limit, floods of ranges.

RFC 9110 14.1.1: a position is 1*DIGIT, any length. So a huge number is valid, not garbage: a first position past
the end is unsatisfiable (416), a last position past the end is cut to it (206), a huge suffix is the whole file
(206). Only a header that does not parse is ignored (200, the whole file). Never a 500, and never a long log line.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from narrate.web.files import MAX_RANGES, byte_ranges
from tests.web.conftest import Start
from tests.web.service import Running

AUDIO = bytes(range(256)) * 8  # 2048 bytes
PATH = "/audio/main/ep1-r1.mp3"
HUGE = "9" * 4400  # over sys.get_int_max_str_digits(): int(HUGE) raises ValueError
HUGER = "1" + "0" * 5000


@pytest.fixture
def audio(start_service: Start, home: Path) -> Running:
    path = home / "public" / PATH.lstrip("/")
    path.parent.mkdir(parents=True)
    path.write_bytes(AUDIO)
    return start_service()


@pytest.mark.parametrize(
    "asked",
    [
        f"bytes={HUGE}-",
        f"bytes={HUGE}-{HUGE}",
        f"bytes={HUGE}-{HUGER}",
        f"bytes=2048-{HUGE}",
        f"bytes={'0' * 4400}2048-",  # leading zeros do not make it small enough to be inside the file
    ],
)
def test_a_huge_first_position_is_416_with_the_size(
    audio: Running, asked: str, caplog: pytest.LogCaptureFixture
) -> None:
    with audio.client() as client, caplog.at_level(logging.INFO):
        answer = client.get(PATH, headers={"Range": asked})
    assert answer.status_code == 416
    assert answer.headers["content-range"] == "bytes */2048"
    assert answer.json() == {"error": "range not satisfiable"}
    assert_quiet(caplog)


@pytest.mark.parametrize(
    ("asked", "first", "last"),
    [
        (f"bytes=0-{HUGE}", 0, 2047),
        (f"bytes=100-{HUGER}", 100, 2047),
        (f"bytes=-{HUGE}", 0, 2047),  # a suffix longer than the file: the whole file
        (f"bytes={'0' * 4400}5-{'0' * 4400}9", 5, 9),  # long only because of leading zeros
        (f"bytes=2040-{'0' * 30}99999999999999999999", 2040, 2047),
    ],
)
def test_a_huge_last_position_or_suffix_is_cut_to_the_file(
    audio: Running, asked: str, first: int, last: int, caplog: pytest.LogCaptureFixture
) -> None:
    with audio.client() as client, caplog.at_level(logging.INFO):
        answer = client.get(PATH, headers={"Range": asked})
    assert answer.status_code == 206
    assert answer.headers["content-range"] == f"bytes {first}-{last}/2048"
    assert answer.content == AUDIO[first : last + 1]
    assert_quiet(caplog)


@pytest.mark.parametrize(
    "asked",
    [
        f"bytes={HUGER}-{HUGE}",  # last before first, both huge
        f"bytes=-{HUGE}-",
        f"bytes={HUGE}",
        f"bytes=0-{HUGE}x",
        f"bytes=1e{HUGE}-",
        "bytes=" + ",".join(["0-0"] * (MAX_RANGES + 1)),  # a flood of tiny parts: ignored, the file once
        "bytes=" + "0-1," * 2000,  # and a trailing comma
        "bytes=\u0661\u0662-",  # Arabic-Indic digits are digits to Python, not to HTTP
    ],
)
def test_an_unparseable_or_abusive_range_is_ignored(
    audio: Running, asked: str, caplog: pytest.LogCaptureFixture
) -> None:
    with audio.client() as client, caplog.at_level(logging.INFO):
        answer = client.get(PATH, headers={"Range": asked.encode("utf-8")})  # type: ignore[dict-item]
    assert answer.status_code == 200
    assert answer.content == AUDIO
    assert "content-range" not in answer.headers
    assert_quiet(caplog)


def test_a_huge_range_with_if_range_and_head_are_answered_too(audio: Running) -> None:
    with audio.client() as client:
        etag = client.head(PATH).headers["etag"]
        matched = client.get(PATH, headers={"Range": f"bytes={HUGE}-", "If-Range": etag})
        stale = client.get(PATH, headers={"Range": f"bytes={HUGE}-", "If-Range": '"older"'})
        head = client.head(PATH, headers={"Range": f"bytes=1000-{HUGE}"})
    assert matched.status_code == 416
    assert stale.status_code == 200 and stale.content == AUDIO  # another version: the whole file, no range
    assert head.status_code == 206 and head.headers["content-range"] == "bytes 1000-2047/2048" and head.content == b""


def test_byte_ranges_never_converts_a_huge_number() -> None:
    assert byte_ranges(f"bytes={HUGE}-", 10) == []
    assert byte_ranges(f"bytes=0-{HUGE}", 10) == [(0, 9)]
    assert byte_ranges(f"bytes=-{HUGE}", 10) == [(0, 9)]
    assert byte_ranges(f"bytes={HUGE}-{HUGE}", 10) == []
    assert byte_ranges(f"bytes={HUGE}-{HUGE[:-1]}", 10) is None  # last before first
    assert byte_ranges(f"bytes=3-{'0' * 5000}7", 10) == [(3, 7)]
    assert byte_ranges(f"bytes=0-{'0' * 5000}", 10) == [(0, 0)]
    assert byte_ranges("bytes=" + ",".join(["0-0"] * MAX_RANGES), 10) == [(0, 0)] * MAX_RANGES


def assert_quiet(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing above INFO was logged, and no line is long (a 4,400-digit number must not reach a log)."""
    assert [r.getMessage()[:200] for r in caplog.records if r.levelno > logging.INFO] == []
    assert max((len(r.getMessage()) for r in caplog.records), default=0) < 500
