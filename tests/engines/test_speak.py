"""speak(): every engine's audio is checked to hold speech, inside the engine's concurrency limit."""

import re
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from narrate.engines import get_engine
from narrate.engines.base import Speech
from narrate.engines.limit import engine_slot
from narrate.engines.speak import (
    MIN_MS_PER_CHARACTER,
    MIN_SOUND_MS_PER_CHARACTER,
    check_speech,
    sound_milliseconds,
    speak,
)
from narrate.engines.tone import ToneEngine
from narrate.errors import EngineError
from narrate.settings import Settings
from tests.support.gtts_server import GttsServer, speech_seconds

SENTENCES = [
    "The council met on Tuesday evening to discuss the library budget.",
    "Quote.",
    "Supercalifragilistic.",
    "Senator Maria Okonkwo, Democrat of New Mexico, voted against it.",
]


def spoken(text: str) -> int:
    return sum(character.isalnum() for character in text)


def rms_dbfs(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, "<i2").astype(float)
    return float(20 * np.log10(np.sqrt(np.mean(samples**2)) / 32768))


class Clipped:
    """A real engine whose answers lose their end, as an engine giving up after a syllable would."""

    name = "clipped"
    voice_id = "clipped"
    max_chars = 400
    sample_rate = ToneEngine.sample_rate

    def __init__(self, keep_seconds: float) -> None:
        self._keep = round(keep_seconds * self.sample_rate) * 2

    def synthesize(self, text: str) -> Speech:
        return Speech(ToneEngine().synthesize(text).pcm[: self._keep], self.sample_rate)


@pytest.mark.parametrize(
    "engine",
    [
        "tone",
        pytest.param("piper", marks=pytest.mark.slow),
        pytest.param(
            "espeak",
            marks=pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"),
        ),
    ],
)
def test_real_engines_pass_the_checks_on_real_sentences(settings: Settings, engine: str) -> None:
    tts = get_engine(engine, settings)
    for text in SENTENCES:
        speech = speak(settings, tts, text)
        assert speech.duration * 1000 >= 1.5 * MIN_MS_PER_CHARACTER * spoken(text), (engine, text)
        assert sound_milliseconds(speech) >= 2 * MIN_SOUND_MS_PER_CHARACTER * spoken(text), (engine, text)
        assert rms_dbfs(speech.pcm) > -35, (engine, text)


def test_speak_returns_the_engines_audio(settings: Settings) -> None:
    text = "Councillors approved the budget on Tuesday."
    assert speak(settings, ToneEngine(), text) == ToneEngine().synthesize(text)


def test_text_with_nothing_to_say_may_be_any_audio_or_none(settings: Settings) -> None:
    assert speak(settings, ToneEngine(), " — … ") == ToneEngine().synthesize(" — … ")
    check_speech("tone", " — … ", Speech(b"", 22050))
    check_speech("tone", "", Speech(bytes(2000), 22050))


def test_audio_too_short_for_its_words_is_an_engine_error(settings: Settings) -> None:
    text = "The council met on Tuesday evening."  # 30 letters: at least 600 ms
    with pytest.raises(EngineError) as failure:
        speak(settings, Clipped(0.25), text)
    assert str(failure.value) == (
        f"clipped: returned 250 ms of audio for {spoken(text)} spoken characters"
        f" (at least {MIN_MS_PER_CHARACTER * spoken(text)} ms expected)"
    )


def test_silence_is_an_engine_error(settings: Settings) -> None:
    text = "The council met on Tuesday evening."
    real = ToneEngine().synthesize(text)
    for pcm in (bytes(len(real.pcm)), np.full(len(real.pcm) // 2, 8, "<i2").tobytes()):  # zeros; -72 dBFS hum
        with pytest.raises(EngineError) as failure:
            check_speech("tone", text, Speech(pcm, real.sample_rate))
        duration_ms = round(real.duration * 1000)
        assert str(failure.value) == f"tone: returned silence ({duration_ms} ms) for {spoken(text)} spoken characters"


def test_speech_that_is_mostly_a_silent_gap_is_an_engine_error(settings: Settings) -> None:
    text = "The council met on Tuesday evening. Residents asked for longer opening hours at weekends."
    real = ToneEngine().synthesize(text)
    # Only the first word's tone is left; the rest, where the sentences should be, is silent.
    first_word = ToneEngine().synthesize("The").pcm
    gap = Speech(first_word + bytes(len(real.pcm) - len(first_word)), real.sample_rate)
    with pytest.raises(EngineError) as failure:
        check_speech("tone", text, gap)

    found = re.fullmatch(
        rf"tone: returned {round(real.duration * 1000)} ms of audio for {spoken(text)} spoken characters,"
        r" only (\d+) ms of it above -50 dBFS",
        str(failure.value),
    )
    assert found, str(failure.value)
    # The sound found is the first word's tone, give or take one 50 ms window at each end.
    assert abs(int(found.group(1)) - len(first_word) / 2 / real.sample_rate * 1000) <= 100


def test_gtts_through_speak_against_the_local_server(settings: Settings) -> None:
    text = "The old bridge reopened on Friday."
    with GttsServer() as server:
        settings.gtts_url = server.url
        speech = speak(settings, get_engine("gtts", settings), text)
    assert server.texts == [text]
    assert speech.duration == pytest.approx(speech_seconds(text), abs=0.08)


def test_speak_waits_for_a_slot_of_its_engine(settings: Settings) -> None:
    settings.engine_concurrency = "tone=1"
    settings.engine_slot_timeout = 0.2
    with engine_slot(settings, "tone"):
        with pytest.raises(EngineError, match=r"^no free tone slot after 0.2 s \(engine_concurrency tone=1\)$"):
            speak(settings, ToneEngine(), "Hello there.")
    assert speak(settings, ToneEngine(), "Hello there.").duration > 0


@pytest.mark.parametrize("limit", [2, 0])
def test_gtts_requests_at_once_stay_within_the_limit(settings: Settings, limit: int) -> None:
    texts = [f"Segment number {word} of the article." for word in ("one", "two", "three", "four", "five", "six")]
    results: dict[str, Speech] = {}
    errors: list[BaseException] = []
    with GttsServer(default="slow:0.25") as server:
        settings.gtts_url = server.url
        settings.engine_concurrency = f"gtts={limit}"
        tts = get_engine("gtts", settings)

        def run(text: str) -> None:
            try:
                results[text] = speak(settings, tts, text)
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)

        threads = [threading.Thread(target=run, args=(text,)) for text in texts]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        elapsed = time.monotonic() - started

    assert errors == []
    assert sorted(server.texts) == sorted(texts)
    for text in texts:
        assert results[text].duration == pytest.approx(speech_seconds(text), abs=0.08)
    if limit:
        assert server.max_in_flight == 2
        assert elapsed >= 3 * 0.25  # six requests, two at a time
        assert sorted(path.name for path in (settings.home / "locks").iterdir()) == ["gtts-0.lock", "gtts-1.lock"]
    else:
        assert server.max_in_flight == len(texts)
        assert not Path(settings.home / "locks").exists()
