"""Inputs for the audio tests, made here (speech-like noise bursts, tones, music files, options), and MP3 inspection."""

from __future__ import annotations

import dataclasses
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from narrate.audio import AudioOptions
from narrate.settings import Settings

RATE = 22050
"""Piper's rate, and the rate of every generated part."""


def options(**changes: object) -> AudioOptions:
    """AudioOptions with the bitrate and loudness targets of the default settings, as a render passes them."""
    settings = Settings()
    defaults = AudioOptions(
        bitrate_kbps=settings.bitrate_kbps, loudness_lufs=settings.loudness_lufs, true_peak_db=settings.true_peak_db
    )
    return dataclasses.replace(defaults, **changes)  # type: ignore[arg-type]


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """Float samples in -1..1 as a mono 16-bit WAV file."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(2)
        sink.setframerate(rate)
        sink.writeframes(pcm.tobytes())
    return path


def speechlike(seconds: float, rms_dbfs: float, seed: int = 0, rate: int = RATE) -> np.ndarray:
    """Noise in syllable-like bursts (about 4 a second) whose voiced stretches have the given RMS level."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    envelope = np.clip(np.sin(2 * np.pi * 4 * t), 0.0, None) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.7 * t) ** 2)
    # Pink-ish: speech has more energy low than high, so smooth white noise a little.
    noise = np.convolve(rng.standard_normal(t.size), np.ones(4) / 4, mode="same")
    signal = noise * envelope
    voiced = signal[envelope > 0.1]
    return signal * (10 ** (rms_dbfs / 20) / np.sqrt(np.mean(voiced**2)))


def tone(seconds: float, freq: float, peak_dbfs: float, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(round(seconds * rate))) / rate
    return 10 ** (peak_dbfs / 20) * np.sin(2 * np.pi * freq * t)


def ffmpeg(*args: str) -> None:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], check=True
    )


def music_file(path: Path, freq: float, seconds: float) -> Path:
    """A stereo 48 kHz tone in whatever format ``path``'s extension names (encoded by ffmpeg)."""
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency={freq}:sample_rate=48000:duration={seconds}", "-ac", "2", str(path))
    return path


def decode(path: Path, rate: int = 44100) -> np.ndarray:
    """Any audio file as mono float samples at ``rate``."""
    out = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path),
         "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"],
        check=True, capture_output=True,
    ).stdout
    return np.frombuffer(out, "<i2").astype(np.float64) / 32768


@dataclass(frozen=True)
class Mp3Frame:
    version: int
    """3: MPEG-1."""
    layer: int
    """1: Layer III."""
    kbps: int
    rate: int
    mono: bool
    data: bytes


_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
_RATES = [44100, 48000, 32000]


def mp3_frames(path: Path) -> list[Mp3Frame]:
    """Every MPEG-1 Layer III frame of the file, walked header by header; fails unless the frames fill the file."""
    data = path.read_bytes()
    offset = 0
    if data[:3] == b"ID3":
        size = 0
        for byte in data[6:10]:
            size = size << 7 | byte
        offset = 10 + size
    frames = []
    while offset < len(data):
        header = int.from_bytes(data[offset : offset + 4], "big")
        assert header >> 21 == 0x7FF, f"no frame sync at byte {offset}"
        version, layer = header >> 19 & 3, header >> 17 & 3
        assert (version, layer) == (3, 1), "not MPEG-1 Layer III"
        kbps, rate = _KBPS[header >> 12 & 15], _RATES[header >> 10 & 3]
        length = 144000 * kbps // rate + (header >> 9 & 1)
        frames.append(Mp3Frame(version, layer, kbps, rate, header >> 6 & 3 == 3, data[offset : offset + length]))
        offset += length
    assert offset == len(data), "the last frame runs past the end of the file"
    return frames
