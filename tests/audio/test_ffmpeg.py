"""probe() on files whose answers are known (tones made by ffmpeg), ffmpeg's errors as one-line AudioErrors, and a
Feed (ffmpeg reading what this process hands it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrate.audio import measure_loudness, probe
from narrate.audio.ffmpeg import Feed
from narrate.errors import AudioError
from tests.audio.inputs import RATE, decode, ffmpeg, music_file, tone


def test_probe_counts_samples_and_reads_the_stream(tmp_path: Path) -> None:
    flac = music_file(tmp_path / "tone.flac", 440, 2.5)
    info = probe(flac)
    assert info.duration == pytest.approx(2.5, abs=1e-6)
    assert (info.sample_rate, info.channels) == (48000, 2)

    mp3 = tmp_path / "tone.mp3"
    ffmpeg("-i", str(flac), "-ac", "1", "-ar", "22050", "-c:a", "libmp3lame", "-b:a", "32k", str(mp3))
    info = probe(mp3)
    assert info.duration == pytest.approx(2.5, abs=0.001)
    assert (info.sample_rate, info.channels, info.bitrate_kbps) == (22050, 1, 32)


def test_probe_and_measure_reject_what_is_not_audio(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp3"
    text.write_text("not audio\n")
    with pytest.raises(AudioError, match="cannot read audio .*notes.mp3: "):
        probe(text)
    with pytest.raises(AudioError, match="cannot measure the loudness of .*notes.mp3: "):
        measure_loudness(text)


def test_a_feed_encodes_what_it_is_handed_as_it_comes(tmp_path: Path) -> None:
    samples = (tone(3.0, 440, -6.0) * 32767).astype("<i2").tobytes()
    out = tmp_path / "fed.wav"
    feed = Feed(["-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", "pipe:0", "-y", str(out)], failure="feeding")
    for start in range(0, len(samples), 10_000):  # in pieces, as parts arrive
        feed.write(samples[start : start + 10_000])
    feed.finish()
    info = probe(out)
    assert info.duration == pytest.approx(3.0, abs=1 / RATE) and info.sample_rate == RATE
    assert _dominant(decode(out, RATE)) == pytest.approx(440, abs=2)


def test_a_feed_that_ffmpeg_refuses_says_why_when_finished(tmp_path: Path) -> None:
    feed = Feed(["-f", "s16le", "-ar", "22050", "-i", "pipe:0", "-c:a", "no-such-codec", str(tmp_path / "x.mp3")],
                failure="MP3 encoding failed")  # fmt: skip
    for _ in range(50):
        feed.write(bytes(100_000))  # ffmpeg has stopped reading: the writes do not raise or hang
    with pytest.raises(AudioError, match=r"^MP3 encoding failed: .*no-such-codec"):
        feed.finish()
    assert not (tmp_path / "x.mp3").exists()


def test_an_abandoned_feed_stops_ffmpeg(tmp_path: Path) -> None:
    feed = Feed(["-f", "s16le", "-ar", "22050", "-i", "pipe:0", "-y", str(tmp_path / "x.wav")], failure="feeding")
    feed.write(bytes(44_100))
    process = feed._process
    feed.abandon()
    assert process.returncode == -9  # killed while it still waited for input, and reaped


def _dominant(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.argmax(spectrum) * RATE / samples.size)
