"""measure_loudness() on a known tone and silence; LoudnessMeter (fed while stitching) against tones and ebur128."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from narrate.audio import LoudnessMeter, measure_loudness
from narrate.audio.loudness import _k_weighting
from tests.audio.inputs import RATE, ffmpeg, speechlike, tone, write_wav


def test_loudness_of_a_known_sine(tmp_path: Path) -> None:
    # A 1 kHz sine in one channel measures 3 dB below its peak level (ITU-R BS.1770).
    path = write_wav(tmp_path / "sine.wav", tone(5.0, 997.0, -10.0, rate=48000), rate=48000)
    loudness = measure_loudness(path)
    assert loudness.integrated == pytest.approx(-13.0, abs=0.2)
    assert loudness.true_peak == pytest.approx(-10.0, abs=0.2)


def test_loudness_of_silence(tmp_path: Path) -> None:
    loudness = measure_loudness(write_wav(tmp_path / "silence.wav", np.zeros(22050)))
    assert loudness.integrated == -70.0
    assert loudness.true_peak == float("-inf")


def _pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def _metered(samples: np.ndarray, rate: int = RATE, chunk: int | None = None) -> LoudnessMeter:
    meter = LoudnessMeter(rate)
    pcm = _pcm(samples)
    step = 2 * (chunk or len(samples) or 1)
    for start in range(0, len(pcm), step):
        meter.add(pcm[start : start + step])
    return meter


def test_k_weighting_at_48_khz_is_the_standards_table() -> None:
    # ITU-R BS.1770-4, tables 1 and 2.
    (shelf_b, shelf_a), (pass_b, pass_a) = _k_weighting(48000)
    assert shelf_b == pytest.approx((1.53512485958697, -2.69169618940638, 1.19839281085285), abs=1e-12)
    assert shelf_a == pytest.approx((-1.69065929318241, 0.73248077421585), abs=1e-12)
    assert pass_b == (1.0, -2.0, 1.0)
    assert pass_a == pytest.approx((-1.99004745483398, 0.99007225036621), abs=1e-12)


@pytest.mark.parametrize("rate", [48000, 44100, 22050, 16000])
def test_a_997_hz_sine_measures_3_db_below_its_peak(rate: int) -> None:
    # BS.1770's calibration: a full-scale 1 kHz sine in one channel reads -3.01 LUFS.
    meter = _metered(tone(5.0, 997.0, -10.0, rate=rate), rate)
    # The filter is designed for each rate from BS.1770's analogue prototype: low rates warp it a little.
    assert meter.integrated() == pytest.approx(-13.01, abs=0.05)


def _loud_then_quiet() -> np.ndarray:
    # Ten seconds of speech, then twenty far below it: the relative gate must leave the quiet stretch out.
    return np.concatenate([speechlike(10.0, -20.0, seed=7), speechlike(20.0, -50.0, seed=8)])


def _piper(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as source:
        return np.frombuffer(source.readframes(source.getnframes()), "<i2") / 32768


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda piper: speechlike(6.0, -30.0), id="quiet-bursts"),
        pytest.param(lambda piper: speechlike(6.0, -12.0, seed=1), id="loud-bursts"),
        pytest.param(lambda piper: tone(3.0, 60.0, -6.0), id="low-tone"),
        pytest.param(lambda piper: tone(3.0, 8000.0, -12.0), id="high-tone"),
        pytest.param(lambda piper: _loud_then_quiet(), id="gated"),
        pytest.param(lambda piper: np.tile(_piper(piper), 3), id="piper"),
    ],
)
def test_agrees_with_ffmpeg_ebur128(tmp_path: Path, piper_sentence: Path, make) -> None:
    samples = make(piper_sentence)
    reference = measure_loudness(write_wav(tmp_path / "signal.wav", samples)).integrated
    # ebur128 prints one decimal.
    assert _metered(samples).integrated() == pytest.approx(reference, abs=0.06)


def test_the_gate_leaves_the_quiet_stretch_out() -> None:
    speech = speechlike(10.0, -20.0, seed=7)
    assert _metered(_loud_then_quiet()).integrated() == pytest.approx(_metered(speech).integrated(), abs=0.05)


@pytest.mark.parametrize("chunk", [61, 777, 2205, 30001])
def test_chunk_sizes_do_not_change_the_answer(chunk: int) -> None:
    samples = np.concatenate([speechlike(0.8, -25.0, seed=2), np.zeros(RATE // 3), tone(0.5, 440.0, -20.0)])
    whole, pieces = _metered(samples), _metered(samples, chunk=chunk)
    assert pieces.integrated() == pytest.approx(whole.integrated(), abs=1e-4)
    assert pieces.limited(10.0, -6.0) == pytest.approx(whole.limited(10.0, -6.0), abs=1e-4)
    assert whole.integrated() > -40.0


def test_silence_and_too_short_sound_sit_at_the_absolute_gate() -> None:
    assert _metered(np.zeros(5 * RATE)).integrated() == -70.0
    assert _metered(speechlike(0.3, -20.0)).integrated() == -70.0  # shorter than one 400 ms block
    assert LoudnessMeter(RATE).integrated() == -70.0


def test_limited_estimates_what_the_limiter_takes(tmp_path: Path, piper_sentence: Path) -> None:
    samples = np.tile(_piper(piper_sentence), 4)
    meter = _metered(samples)
    loudness = meter.integrated()
    peak_db = 20 * np.log10(np.max(np.abs(samples)))
    # Nothing reaches the limit: plain gain.
    assert meter.limited(3.0, peak_db + 3.5) == pytest.approx(loudness + 3.0, abs=1e-6)
    # Raw Piper speech brought to just above -19 LUFS, as assembly aims it: its peaks go into the limiter (at
    # assembly's -1.5 dBFS, or 2 dB under the loudest peak when this reading of the sentence peaks lower: Piper
    # samples each reading afresh), and the estimate lands close to what ffmpeg's limiter really leaves.
    gain = -18.5 - loudness
    limit = min(-1.5, peak_db + gain - 2.0)
    source = write_wav(tmp_path / "speech.wav", samples)
    limited = tmp_path / "limited.wav"
    ffmpeg("-i", str(source), "-af", f"volume={gain:.3f}dB,alimiter=limit={10 ** (limit / 20):.5f}:level=0:latency=1",
           "-c:a", "pcm_f32le", str(limited))
    actual = measure_loudness(limited).integrated
    estimate = meter.limited(gain, limit)
    assert actual < loudness + gain - 0.1, (actual, loudness + gain, estimate)  # the limiter did take something
    assert estimate == pytest.approx(actual, abs=0.2)
