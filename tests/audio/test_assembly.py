"""assemble(): real WAV parts in, a real MP3 out, checked by walking its frames, measuring it and decoding it."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from narrate.audio import Part, assemble, ffmpeg, measure_loudness, probe
from narrate.errors import AudioError
from tests.audio.inputs import RATE, decode, mp3_frames, music_file, options, speechlike, tone, write_wav

OPTIONS = options()


def _quiet_speech_with_clicks(seconds: float) -> np.ndarray:
    """Quiet speech-like bursts with three full-scale clicks: normalising it needs the limiter."""
    signal = speechlike(seconds, -32.0, seed=3)
    for at in (0.7, 1.9, 3.1):
        i = int(at * RATE)
        signal[i : i + 3] = [0.99, -0.99, 0.99]
    return signal


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda tmp, piper: [write_wav(tmp / "a.wav", speechlike(4.0, -30.0))], id="quiet-bursts"),
        pytest.param(lambda tmp, piper: [write_wav(tmp / "a.wav", speechlike(4.0, -12.0, seed=1))], id="loud-bursts"),
        pytest.param(lambda tmp, piper: [write_wav(tmp / "a.wav", _quiet_speech_with_clicks(4.0))], id="clicks"),
        pytest.param(lambda tmp, piper: [piper, piper], id="piper"),
        pytest.param(
            lambda tmp, piper: [
                write_wav(tmp / "a.wav", speechlike(2.0, -30.0, seed=4)),
                piper,
                write_wav(tmp / "b.wav", speechlike(2.0, -12.0, seed=5)),
            ],
            id="mixed",
        ),
    ],
)
def test_mp3_is_cbr_mono_44k_at_the_loudness_target(tmp_path: Path, piper_sentence: Path, make) -> None:
    out = tmp_path / "episode.mp3"
    assembly = assemble([Part(p, 300) for p in make(tmp_path, piper_sentence)], out, OPTIONS)

    frames = mp3_frames(out)
    assert {(f.kbps, f.rate, f.mono) for f in frames} == {(64, 44100, True)}
    # ffmpeg marks a constant-bitrate file with an "Info" header frame, a variable one with "Xing".
    assert b"Info" in frames[0].data and b"Xing" not in frames[0].data
    loudness = measure_loudness(out)
    assert -20.0 <= loudness.integrated <= -18.0
    assert loudness.true_peak <= -1.0
    assert assembly.loudness == loudness
    assert assembly.size == out.stat().st_size


def test_bitrate_option_sets_every_frame(tmp_path: Path) -> None:
    out = tmp_path / "episode.mp3"
    assemble([Part(write_wav(tmp_path / "a.wav", speechlike(2.0, -20.0)), 0)], out, options(bitrate_kbps=96))
    assert {(f.kbps, f.rate, f.mono) for f in mp3_frames(out)} == {(96, 44100, True)}
    assert probe(out).bitrate_kbps == 96


def test_duration_and_cues_follow_parts_and_pauses(tmp_path: Path) -> None:
    lengths = [0.7, 1.3, 0.4]
    pauses = [250, 600, 0]
    freqs = [300.0, 500.0, 700.0]
    parts = [
        Part(write_wav(tmp_path / f"{i}.wav", tone(s, f, -12.0)), p)
        for i, (s, p, f) in enumerate(zip(lengths, pauses, freqs))
    ]
    out = tmp_path / "episode.mp3"
    assembly = assemble(parts, out, OPTIONS)

    expected, start = [], 0.0
    for length, pause in zip(lengths, pauses):
        expected.append((start, start + length))
        start += length + pause / 1000
    assert _flat(assembly.cues) == pytest.approx(_flat(expected), abs=1 / RATE)
    assert assembly.duration == pytest.approx(sum(lengths) + sum(pauses) / 1000, abs=1 / RATE)
    info = probe(out)
    assert info.duration == pytest.approx(assembly.duration, abs=0.05)
    assert (info.sample_rate, info.channels, info.bitrate_kbps) == (44100, 1, 64)
    # The cues are where the tones really are in the decoded MP3.
    audio = decode(out)
    for (begin, end), freq in zip(assembly.cues, freqs):
        assert _dominant_frequency(audio, begin + 0.05, end - 0.05) == pytest.approx(freq, abs=5)
        assert _sound_edges(audio, begin - 0.1, end + 0.1) == pytest.approx((begin, end), abs=0.002)


def _flat(cues: list[tuple[float, float]]) -> list[float]:
    return [t for cue in cues for t in cue]


def _dominant_frequency(audio: np.ndarray, start: float, end: float) -> float:
    window = audio[int(start * 44100) : int(end * 44100)]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(window.size)))
    return float(np.fft.rfftfreq(window.size, 1 / 44100)[np.argmax(spectrum)])


def _sound_edges(audio: np.ndarray, start: float, end: float) -> tuple[float, float]:
    """First and last moment between ``start`` and ``end`` where the audio is louder than -26 dBFS."""
    first = max(int(start * 44100), 0)
    loud = np.flatnonzero(np.abs(audio[first : int(end * 44100)]) > 0.05)
    return (first + loud[0]) / 44100, (first + loud[-1] + 1) / 44100


def test_intro_and_outro_music_shift_the_cues_and_fade(tmp_path: Path) -> None:
    parts = [
        Part(write_wav(tmp_path / "0.wav", speechlike(1.0, -20.0)), 200),
        Part(write_wav(tmp_path / "1.wav", speechlike(1.5, -20.0, seed=2)), 300),
    ]
    plain = assemble(parts, tmp_path / "plain.mp3", OPTIONS)
    intro = music_file(tmp_path / "intro.flac", 440, 2.0)
    outro = music_file(tmp_path / "outro.ogg", 660, 1.5)
    out = tmp_path / "music.mp3"
    assembly = assemble(parts, out, OPTIONS, intro_audio=intro, outro_audio=outro)

    shift = 2.0 + OPTIONS.music_gap_ms / 1000
    assert _flat(assembly.cues) == pytest.approx([t + shift for t in _flat(plain.cues)], abs=1 / RATE)
    assert assembly.duration == pytest.approx(plain.duration + shift + OPTIONS.music_gap_ms / 1000 + 1.5, abs=0.05)
    assert probe(out).duration == pytest.approx(assembly.duration, abs=0.05)

    audio = decode(out)

    def rms(start: float, end: float) -> float:
        return float(np.sqrt(np.mean(audio[int(start * 44100) : int(end * 44100)] ** 2)))

    assert _dominant_frequency(audio, 0.6, 1.4) == pytest.approx(440, abs=5)
    assert _dominant_frequency(audio, assembly.duration - 1.2, assembly.duration - 0.6) == pytest.approx(660, abs=5)
    # Faded in, faded out, and a silent gap before the speech.
    assert rms(0.0, 0.05) < rms(0.8, 1.2) / 10
    assert rms(assembly.duration - 0.05, assembly.duration) < rms(assembly.duration - 1.0, assembly.duration - 0.6) / 10
    assert rms(2.05, 2.0 + OPTIONS.music_gap_ms / 1000 - 0.05) < 0.001
    loudness = measure_loudness(out)
    assert -20.0 <= loudness.integrated <= -18.0 and loudness.true_peak <= -1.0


def test_parts_at_another_sample_rate_are_converted(tmp_path: Path) -> None:
    parts = [
        Part(write_wav(tmp_path / "0.wav", tone(1.0, 400, -12.0)), 100),
        Part(write_wav(tmp_path / "1.wav", tone(0.8, 900, -12.0, rate=16000), rate=16000), 100),
        Part(write_wav(tmp_path / "2.wav", tone(0.5, 400, -12.0)), 0),
    ]
    out = tmp_path / "episode.mp3"
    assembly = assemble(parts, out, OPTIONS)

    # Resampling may round the converted part by a sample.
    assert assembly.cues[1] == pytest.approx((1.1, 1.9), abs=2 / RATE)
    assert assembly.duration == pytest.approx(2.5, abs=2 / RATE)
    assert _dominant_frequency(decode(out), 1.2, 1.8) == pytest.approx(900, abs=5)


def test_stitching_streams_to_disk_one_part_at_a_time(tmp_path: Path) -> None:
    # Linear work shows in the structure: after part k the stitched file holds exactly parts 0..k,
    # and memory does not grow with the number of parts (only by the meter's 16 bytes per 100 ms).
    part_seconds, pause_ms = 0.2, 100
    part = write_wav(tmp_path / "part.wav", speechlike(part_seconds, -20.0))
    step_bytes = int(part_seconds * RATE) * 2 + int(pause_ms * RATE / 1000) * 2

    def stitch(count: int) -> tuple[list[int], int]:
        work = tmp_path / f"work-{count}"
        sizes: list[int] = []

        def progress(fraction: float) -> None:
            stitched = list(work.rglob("*.wav"))
            if len(sizes) < count and stitched:
                sizes.append(stitched[0].stat().st_size)

        tracemalloc.start()
        try:
            assembly = assemble([Part(part, pause_ms)] * count, tmp_path / "long.mp3", OPTIONS, work_dir=work,
                                progress=progress)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert assembly.duration == pytest.approx(count * (part_seconds + pause_ms / 1000), abs=1e-6)
        assert list(work.iterdir()) == []  # the scratch space is cleaned up
        return sizes, peak

    short_sizes, short_peak = stitch(50)
    sizes, peak = stitch(250)

    header = 44
    assert short_sizes == [header + step_bytes * (k + 1) for k in range(50)]
    assert sizes == [header + step_bytes * (k + 1) for k in range(250)]
    # 200 more parts are 2.6 MB of audio; holding even a tenth of it would show.
    assert peak - short_peak < 200 * step_bytes / 10
    assert peak < 1_000_000


def test_progress_rises_to_one(tmp_path: Path) -> None:
    parts = [Part(write_wav(tmp_path / f"{i}.wav", speechlike(0.5, -20.0, seed=i)), 100) for i in range(4)]
    seen: list[float] = []
    assemble(parts, tmp_path / "episode.mp3", OPTIONS, progress=seen.append)
    assert seen == sorted(seen)
    assert 0 < seen[0] < 1 and seen[-1] == 1.0
    assert len(seen) >= len(parts) + 2


def test_failed_encode_leaves_the_previous_file_and_no_partial(tmp_path: Path) -> None:
    out = tmp_path / "episode.mp3"
    out.write_bytes(b"the episode as published before")
    part = Part(write_wav(tmp_path / "0.wav", speechlike(1.0, -20.0)), 0)

    # MP3 has no 96 kHz: ffmpeg's encoder refuses, and its reason reaches the message.
    with pytest.raises(AudioError, match="MP3 encoding failed: .*96000"):
        assemble([part], out, options(sample_rate=96000))

    assert out.read_bytes() == b"the episode as published before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.wav", "episode.mp3"]


def test_failed_encode_creates_no_file(tmp_path: Path) -> None:
    out = tmp_path / "new" / "episode.mp3"
    part = Part(write_wav(tmp_path / "0.wav", speechlike(1.0, -20.0)), 0)
    with pytest.raises(AudioError):
        assemble([part], out, options(sample_rate=96000))
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("content", [None, b"this is not audio at all\n"], ids=["missing", "garbage"])
def test_unreadable_intro_is_a_one_line_audio_error(tmp_path: Path, content: bytes | None) -> None:
    intro = tmp_path / "jingle.mp3"
    if content is not None:
        intro.write_bytes(content)
    out = tmp_path / "episode.mp3"
    part = Part(write_wav(tmp_path / "0.wav", speechlike(1.0, -20.0)), 0)

    with pytest.raises(AudioError, match="cannot read intro audio .*jingle.mp3: ") as caught:
        assemble([part], out, OPTIONS, intro_audio=intro)
    assert "\n" not in str(caught.value)
    assert not out.exists()


def test_unreadable_part_names_the_part(tmp_path: Path) -> None:
    good = write_wav(tmp_path / "0.wav", speechlike(1.0, -20.0))
    bad = tmp_path / "1.wav"
    bad.write_bytes(b"RIFF....WAVEjunk")
    with pytest.raises(AudioError, match=r"part 1: cannot read WAV .*1\.wav"):
        assemble([Part(good, 0), Part(bad, 0)], tmp_path / "episode.mp3", OPTIONS)
    assert not (tmp_path / "episode.mp3").exists()


def test_no_parts_is_an_audio_error(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="no audio parts"):
        assemble([], tmp_path / "episode.mp3", OPTIONS)
    empty = Part(write_wav(tmp_path / "empty.wav", np.zeros(0)), 0)
    with pytest.raises(AudioError, match="hold no samples"):
        assemble([empty, empty], tmp_path / "episode.mp3", OPTIONS)
    assert not (tmp_path / "episode.mp3").exists()


def test_speech_takes_one_ffmpeg_run(tmp_path: Path, piper_sentence: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The gain comes from the meter fed while stitching and the MP3 is checked as it is encoded:
    # no measuring pass before, no reading the MP3 again after, and no second encode for ordinary speech.
    runs: list[list[str]] = []
    real_run = ffmpeg.run

    def counted(args: list[str], **kwargs):
        runs.append(args)
        return real_run(args, **kwargs)

    monkeypatch.setattr(ffmpeg, "run", counted)
    out = tmp_path / "episode.mp3"
    assembly = assemble([Part(piper_sentence, 300)] * 6, out, OPTIONS)

    assert len(runs) == 1 and "libmp3lame" in runs[0]
    assert assembly.loudness == measure_loudness(out)
    assert -19.5 <= assembly.loudness.integrated <= -18.5 and assembly.loudness.true_peak <= -1.0


def test_an_ffmpeg_without_loopback_decoders_measures_the_file_after(
    tmp_path: Path, piper_sentence: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = [Part(piper_sentence, 300)] * 3
    checked = assemble(parts, tmp_path / "checked.mp3", OPTIONS)
    monkeypatch.setattr(ffmpeg, "has_loopback_decoders", lambda: False)
    measured = assemble(parts, tmp_path / "measured.mp3", OPTIONS)

    assert (tmp_path / "measured.mp3").read_bytes() == (tmp_path / "checked.mp3").read_bytes()
    assert measured.loudness == checked.loudness == measure_loudness(tmp_path / "measured.mp3")
