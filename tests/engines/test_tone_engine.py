import numpy as np
import pytest

from narrate.engines import get_engine
from narrate.engines.base import Speech
from narrate.engines.tone import SAMPLE_RATE, TONE_RMS_DBFS, ToneEngine
from narrate.settings import Settings


def samples(speech: Speech) -> np.ndarray:
    return np.frombuffer(speech.pcm, "<i2").astype(float)


def tone_runs(speech: Speech) -> list[np.ndarray]:
    """The stretches of sound between silences (a sine touches zero inside a tone, so look 1 ms around)."""
    sound = samples(speech)
    loud = np.convolve(np.abs(sound) > 0, np.ones(22), "same") > 0
    edges = np.flatnonzero(np.diff(loud.astype(int))) + 1
    return [np.trim_zeros(run) for run in np.split(sound, edges) if np.any(run)]


def test_same_text_gives_identical_bytes() -> None:
    text = "Councillors approved the budget on Tuesday."
    assert ToneEngine().synthesize(text).pcm == ToneEngine().synthesize(text).pcm


def test_different_text_gives_different_bytes() -> None:
    engine = ToneEngine()
    assert engine.synthesize("The budget was approved.").pcm != engine.synthesize("The budget was rejected.").pcm


def test_one_tone_per_word_with_pitch_from_the_word() -> None:
    speech = ToneEngine().synthesize("alpha beta alpha")
    runs = tone_runs(speech)

    assert speech.sample_rate == SAMPLE_RATE == 22050
    assert len(runs) == 3
    assert np.array_equal(runs[0], runs[2])
    assert not np.array_equal(runs[0][: len(runs[1])], runs[1])


def test_tones_are_quiet_enough_to_need_normalising() -> None:
    middle = [run[200:-200] for run in tone_runs(ToneEngine().synthesize("loudness should be about minus twenty"))]
    level = 20 * np.log10(np.sqrt(np.mean(np.concatenate(middle) ** 2)) / 32768)
    assert level == pytest.approx(TONE_RMS_DBFS, abs=0.5)


def test_longer_text_lasts_longer_and_sentences_pause() -> None:
    engine = ToneEngine()
    assert engine.synthesize("one two three four").duration > engine.synthesize("one two").duration
    assert engine.synthesize("one. two").duration > engine.synthesize("one, two").duration


def test_blank_text_is_empty_speech() -> None:
    assert ToneEngine().synthesize(" \n ").pcm == b""


def test_registered_as_tone() -> None:
    engine = get_engine("tone", Settings())
    assert engine.name == "tone"
    assert engine.voice_id == "tone v1"
    assert engine.synthesize("hello").pcm == ToneEngine().synthesize("hello").pcm
