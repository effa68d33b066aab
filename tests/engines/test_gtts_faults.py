"""The gtts engine against every fault a real server can send, scripted on the local protocol server."""

import datetime as dt
import email.utils
import re
import socket
import time

import numpy as np
import pytest

from narrate.engines import gtts
from narrate.engines.gtts import GttsEngine
from narrate.engines.speak import MIN_MS_PER_CHARACTER
from narrate.errors import EngineError
from narrate.settings import Settings
from tests.support.gtts_server import GttsServer, speech_seconds

TEXT = "Hello there, neighbours."
SPOKEN = sum(character.isalnum() for character in TEXT)
FLOOR = MIN_MS_PER_CHARACTER * SPOKEN
BACKOFF = 0.05
LATE = 3.0
"""How much later than its wait a retry may reach the server: the client's own work on a bad answer includes an
ffmpeg decode, which once took 1.5 s on the loaded 2-core CI machine. Each wait is also checked exactly as the
engine announced it, and every test where a wrong wait could pass unseen makes it longer than this (a 5 s backoff,
an hour's Retry-After, a server answering after 10 s)."""

NOT_AUDIO = "the answer is not audio: Failed to find two consecutive MPEG audio frames"
FAULTS = {
    "500": r"HTTP 500",
    "503": r"HTTP 503",
    "429": r"HTTP 429",
    "cut": r"the answer was cut short",
    "truncated-json": r"the answer's JSON was cut short",
    "truncated-base64": r"the answer's base64 audio was cut short",
    "truncated": NOT_AUDIO,
    "garbage": NOT_AUDIO,
    "random": NOT_AUDIO,
    "binary": r"the answer holds no audio",
    "html": r"the answer is an HTML page, not audio",
    "silence": rf"the server returned silence \(\d+ ms\) for {SPOKEN} spoken characters",
    "short": rf"the server returned \d+ ms of audio for {SPOKEN} spoken characters \(at least {FLOOR} ms expected\)",
}


def make_engine(url: str, retries: int = 2, backoff: float = BACKOFF, timeout: float = 2.0) -> GttsEngine:
    settings = Settings(
        engine="gtts", gtts_url=url, engine_retries=retries, engine_backoff=backoff, engine_timeout=timeout
    )
    return GttsEngine(settings)


def level_dbfs(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, "<i2").astype(float)
    return float(20 * np.log10(np.sqrt(np.mean(samples**2)) / 32768))


def announced_waits(caplog: pytest.LogCaptureFixture) -> list[float]:
    """The waits between attempts, as the engine's warnings announced them."""
    return [float(wait) for wait in re.findall(r"; again in (\S+) s$", caplog.text, re.MULTILINE)]


def assert_waits(
    server: GttsServer, caplog: pytest.LogCaptureFixture, waits: list[float], *, stalled: float = 0.0
) -> None:
    """The engine waited exactly ``waits`` between its attempts, and each retry reached the server no sooner than
    its wait (plus ``stalled``: how long a stalled answer is waited for) after the answer before it began to go out,
    and not much later."""
    assert announced_waits(caplog) == pytest.approx(waits)
    gaps = server.gaps()
    assert len(gaps) == len(waits)
    for gap, wait in zip(gaps, waits):
        assert wait + stalled <= gap <= wait + stalled + LATE, (gaps, waits)


@pytest.fixture
def clean_speech(gtts_server: GttsServer) -> bytes:
    """The PCM a fault-free answer to TEXT decodes to (from a server of its own, so requests are not counted)."""
    with GttsServer() as server:
        return make_engine(server.url).synthesize(TEXT).pcm


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fault_on_every_attempt_fails_with_its_reason_and_the_attempts(
    gtts_server: GttsServer, caplog: pytest.LogCaptureFixture, fault: str
) -> None:
    gtts_server.default = fault
    with pytest.raises(EngineError) as failure:
        make_engine(gtts_server.url, retries=2).synthesize(TEXT)

    assert str(failure.value).startswith("gtts: ")
    assert str(failure.value).endswith(" (gave up after 3 attempts)")
    assert failure.match(rf"^gtts: {FAULTS[fault]} \(gave up")
    assert gtts_server.texts == [TEXT] * 3
    # "429" alone sends Retry-After: 0, which wins over the backoff.
    assert_waits(gtts_server, caplog, [0.0, 0.0] if fault == "429" else [BACKOFF, 2 * BACKOFF])


@pytest.mark.parametrize("fault", FAULTS)
def test_one_fault_then_a_good_answer_gives_exactly_the_good_audio(
    gtts_server: GttsServer, clean_speech: bytes, fault: str
) -> None:
    gtts_server.queue(fault)
    speech = make_engine(gtts_server.url).synthesize(TEXT)

    assert gtts_server.texts == [TEXT, TEXT]
    assert speech.pcm == clean_speech  # nothing of the bad answer is left in the audio
    assert speech.duration == pytest.approx(speech_seconds(TEXT), abs=0.08)
    assert level_dbfs(speech.pcm) > -30  # the server's tone (ffmpeg's sine is at -21 dBFS)


def test_backoff_doubles_between_attempts(gtts_server: GttsServer, caplog: pytest.LogCaptureFixture) -> None:
    gtts_server.default = "500"
    with pytest.raises(EngineError, match=r"^gtts: HTTP 500 \(gave up after 4 attempts\)$"):
        make_engine(gtts_server.url, retries=3).synthesize(TEXT)
    assert_waits(gtts_server, caplog, [BACKOFF, 2 * BACKOFF, 4 * BACKOFF])


def test_retry_after_seconds_are_honoured_instead_of_the_backoff(
    gtts_server: GttsServer, caplog: pytest.LogCaptureFixture
) -> None:
    gtts_server.queue("429:0.4", "503:0.2")
    speech = make_engine(gtts_server.url, backoff=0.01).synthesize(TEXT)

    assert gtts_server.request_count == 3
    assert_waits(gtts_server, caplog, [0.4, 0.2])
    assert speech.duration == pytest.approx(speech_seconds(TEXT), abs=0.08)


def test_retry_after_zero_wins_over_a_long_backoff(gtts_server: GttsServer, caplog: pytest.LogCaptureFixture) -> None:
    gtts_server.queue("429")  # Retry-After: 0
    make_engine(gtts_server.url, backoff=5.0).synthesize(TEXT)
    assert gtts_server.request_count == 2
    assert_waits(gtts_server, caplog, [0.0])


def test_retry_after_is_capped(
    gtts_server: GttsServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gtts, "MAX_RETRY_AFTER", 0.3)
    gtts_server.queue("429:3600")
    make_engine(gtts_server.url, backoff=0.01).synthesize(TEXT)
    assert_waits(gtts_server, caplog, [0.3])


def test_retry_after_as_a_past_http_date_means_now(gtts_server: GttsServer, caplog: pytest.LogCaptureFixture) -> None:
    past = email.utils.format_datetime(dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5), usegmt=True)
    gtts_server.queue(f"503:{past}")
    make_engine(gtts_server.url, backoff=5.0).synthesize(TEXT)  # a date not understood would wait 5 s
    assert_waits(gtts_server, caplog, [0.0])


def test_a_server_hanging_past_the_timeout_is_abandoned_and_retried(
    gtts_server: GttsServer, caplog: pytest.LogCaptureFixture
) -> None:
    gtts_server.default = "slow"
    gtts_server.slow_seconds = 10.0  # far beyond the 0.2 s timeout, so waiting for it could not pass unseen
    started = time.monotonic()
    with pytest.raises(EngineError, match=r"^gtts: no answer within 0.2 s \(gave up after 2 attempts\)$"):
        make_engine(gtts_server.url, retries=1, timeout=0.2).synthesize(TEXT)
    finished = time.monotonic()

    assert gtts_server.request_count == 2
    assert announced_waits(caplog) == [BACKOFF]
    # No answer came, so the retry is timed from the client's start: the timeout, then the wait, at the least.
    assert 0.2 + BACKOFF <= gtts_server.arrivals[1] - started <= 0.2 + BACKOFF + LATE
    assert finished - started < 2 * 0.2 + BACKOFF + LATE  # did not wait for the server's late answers (10 s)


def test_an_answer_stalling_half_way_is_abandoned_and_retried(
    gtts_server: GttsServer, caplog: pytest.LogCaptureFixture
) -> None:
    gtts_server.queue("stall")  # then "ok", which must arrive whole within the timeout on a loaded machine: 1 s
    gtts_server.slow_seconds = 10.0  # the stalled answer's end, so waiting for it could not pass unseen
    speech = make_engine(gtts_server.url, timeout=1.0).synthesize(TEXT)
    assert gtts_server.request_count == 2
    assert_waits(gtts_server, caplog, [BACKOFF], stalled=1.0)
    assert speech.duration == pytest.approx(speech_seconds(TEXT), abs=0.08)

    gtts_server.default = "stall"
    with pytest.raises(EngineError, match=r"^gtts: the answer stalled for 0.2 s \(gave up after 2 attempts\)$"):
        make_engine(gtts_server.url, retries=1, timeout=0.2).synthesize(TEXT)


def test_a_slow_answer_within_the_timeout_succeeds_at_once(gtts_server: GttsServer, clean_speech: bytes) -> None:
    gtts_server.queue("slow:0.4")
    started = time.monotonic()
    speech = make_engine(gtts_server.url, timeout=1.0).synthesize(TEXT)

    assert time.monotonic() - started >= 0.4
    assert gtts_server.request_count == 1
    assert speech.pcm == clean_speech


def test_only_the_failed_part_of_a_long_text_is_sent_again(gtts_server: GttsServer) -> None:
    first = "The council met on Tuesday evening to discuss the library budget, which has grown again this year."
    second = "Residents asked for longer opening hours at weekends."
    gtts_server.queue("ok", "cut")
    speech = make_engine(gtts_server.url).synthesize(f"{first} {second}")

    sent = gtts_server.texts
    assert len(sent) >= 3 and sent[1] == sent[2] and sent.count(sent[1]) == 2
    parts = sent[:2] + sent[3:]
    # gTTS cuts at punctuation and drops it; every word is spoken once, in order.
    assert re.findall(r"\w+", " ".join(parts)) == re.findall(r"\w+", f"{first} {second}")
    assert speech.duration == pytest.approx(sum(speech_seconds(part) for part in parts), abs=0.08 * len(parts))


def test_a_client_error_fails_at_once(gtts_server: GttsServer) -> None:
    gtts_server.queue("403")
    with pytest.raises(EngineError, match=r"^gtts: HTTP 403 Forbidden$"):
        make_engine(gtts_server.url).synthesize(TEXT)
    assert gtts_server.request_count == 1


def test_an_unreachable_host_is_retried_then_fails() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(EngineError, match=rf"^gtts: cannot reach {url} \(gave up after 2 attempts\)$"):
        make_engine(url, retries=1).synthesize(TEXT)
