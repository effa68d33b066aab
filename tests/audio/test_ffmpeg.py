"""probe() on files whose answers are known (tones made by ffmpeg), and ffmpeg's errors as one-line AudioErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrate.audio import measure_loudness, probe
from narrate.errors import AudioError
from tests.audio.inputs import ffmpeg, music_file


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
