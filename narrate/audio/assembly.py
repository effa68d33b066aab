"""Assembly: stitch the parts, pauses and music into one WAV, and encode it to a loudness-normalised MP3."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import warnings
import wave
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from narrate.audio import ffmpeg
from narrate.audio.ffmpeg import SAMPLE_WIDTH
from narrate.audio.loudness import (
    ABSOLUTE_GATE_LUFS,
    EBUR128,
    Loudness,
    LoudnessMeter,
    loudness_summary,
    measure_loudness,
)
from narrate.errors import AudioError

with warnings.catch_warnings():
    # pydub looks for ffmpeg on PATH when imported and warns; it gets imageio's binary just below.
    warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
    warnings.filterwarnings("ignore", message="'audioop' is deprecated", category=DeprecationWarning)
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError

# pydub only ever sees WAV or raw PCM: every decode of anything else goes through ffmpeg.run.
AudioSegment.converter = ffmpeg.EXECUTABLE

_log = logging.getLogger(__name__)

_CORRECTION_TOLERANCE_LU = 0.5
"""Re-encode when the encoded MP3 misses the loudness target by more than this..."""
_MAX_CORRECTIONS = 2
"""...but at most this many times: heavy limiting (clicks, pops) can take two corrections."""
_PEAK_MARGIN_DB = 0.3
"""Extra limiter reduction when correcting a true-peak overshoot."""
_ENCODER_LOSS_LU = 0.5
"""Loudness that resampling to 44.1 kHz and LAME take away from speech (0.45-0.55 LU measured at 64 kbps).

Aiming this much higher lets one encode normally land on the target; the check after encoding still corrects."""

_LAME_QUALITY = 7
"""LAME's algorithm quality (0 best and slowest, 9 fastest); LAME's own default is 3. At 7 the encoder keeps its
psychoacoustic model but skips noise shaping: it takes about half the CPU (0.63 CPU-seconds instead of 1.25 for a
220 s episode), which the synthesis processes beside it get back. On narrated speech at 64 kbps PESQ (wideband,
against the unencoded speech) scored 4.56 against 4.59 for the default, the loudness was the same, and Whisper's word
error rate was no worse: 4.9% against 5.1% (BENCHMARKS.md)."""

# Share of the progress bar each stage gets: stitching and measuring, then encoding (checked as it goes).
_STITCHED, _ENCODED = 0.15, 0.95

_EARLY_SHARE, _EARLY_SECONDS = 0.5, 30.0
"""Parts (a share of them) and audio stitched before an early encoding may start: enough to tell the gain."""
_EARLY_TOLERANCE_DB = 0.2
"""An early encoding stands when the gain the whole episode asks for is within this of the one it started with."""


@dataclass(frozen=True)
class Part:
    """One synthesised segment of the episode and the silence after it."""

    path: Path
    """A mono 16-bit PCM WAV file."""
    pause_ms: int
    """Silence after the segment, in milliseconds."""


@dataclass(frozen=True)
class AudioOptions:
    """How the episode is mastered and encoded."""

    bitrate_kbps: int
    """Constant MP3 bitrate."""
    loudness_lufs: float
    """Integrated loudness of the whole episode (EBU R128, mono measured as one channel)."""
    true_peak_db: float
    """Ceiling for the true peak of the encoded MP3, in dBTP."""
    sample_rate: int = 44100
    """Sample rate of the MP3."""
    fade_ms: int = 500
    """Fade in and out of intro and outro music."""
    music_gap_ms: int = 400
    """Silence between intro or outro music and the speech next to it."""
    limiter_headroom_db: float = 0.5
    """How far below the true-peak ceiling the limiter aims: MP3 encoding adds a little peak."""


@dataclass(frozen=True)
class Assembly:
    """The finished MP3 and where each part sits in it."""

    duration: float
    """Seconds of audio in the MP3."""
    cues: list[tuple[float, float]]
    """(start, end) in seconds of parts[i] in the MP3's timeline, after any intro music."""
    size: int
    """Bytes of the MP3 before tagging (tags change it: measure again after write_tags)."""
    loudness: Loudness
    """Loudness of the MP3 as encoded."""


# -- assembly ------------------------------------------------------------------------------------


class Arrival(Protocol):
    """Parts still being made while they are stitched: the embedded renderer's segments, spoken meanwhile."""

    def ready(self, index: int) -> bool:
        """Whether part ``index`` is there now."""
        ...

    def wait(self, index: int) -> None:
        """Return once part ``index`` is there; raise why it never will be."""
        ...


def assemble(
    parts: Sequence[Part],
    out_path: Path,
    options: AudioOptions,
    *,
    intro_audio: Path | None = None,
    outro_audio: Path | None = None,
    work_dir: Path | None = None,
    progress: Callable[[float], None] | None = None,
    arrival: Arrival | None = None,
) -> Assembly:
    """Stitch ``parts`` (with optional music around them) into a loudness-normalised CBR MP3 at ``out_path``.

    ``out_path`` appears only when everything succeeded; a previous file there stays until then.
    ``progress`` receives fractions from 0 to 1. With ``arrival``, parts are taken as they come, and the encoding
    starts while later ones are still being made (``_EarlyEncoding``).
    """
    if not parts:
        raise AudioError("no audio parts to assemble")
    report = progress or _ignore
    try:
        if work_dir is not None:
            work_dir.mkdir(parents=True, exist_ok=True)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        with (
            tempfile.TemporaryDirectory(prefix="narrate-audio-", dir=work_dir) as tmp,
            _partial(out_path) as partial,
        ):
            stitched = Path(tmp) / "stitched.wav"
            early = _EarlyEncoding(partial, options) if arrival is not None else None
            try:
                timeline = _stitch(parts, stitched, options, intro_audio, outro_audio, Path(tmp), report, arrival, early)
                if timeline.duration == 0:
                    raise AudioError("the audio parts hold no samples")
                first = early.finish() if early is not None else None
            finally:
                if early is not None:
                    early.abandon()
            loudness = _encode_to(partial, stitched, timeline, options, report, first)
            os.replace(partial, out_path)
        size = out_path.stat().st_size
    except OSError as error:  # a full disk or an unwritable directory
        raise AudioError(f"audio assembly failed: {error}") from None
    report(1.0)
    return Assembly(duration=timeline.duration, cues=timeline.cues, size=size, loudness=loudness)


@contextlib.contextmanager
def _partial(out_path: Path) -> Iterator[Path]:
    """A temporary file beside ``out_path`` (so it can replace it at once), removed unless it did."""
    handle, name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent)
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


@dataclass(frozen=True)
class _Timeline:
    duration: float
    cues: list[tuple[float, float]]
    meter: LoudnessMeter
    """Has heard every sample of the stitched file."""


def _stitch(
    parts: Sequence[Part],
    wav_path: Path,
    options: AudioOptions,
    intro_audio: Path | None,
    outro_audio: Path | None,
    tmp: Path,
    report: Callable[[float], None],
    arrival: Arrival | None = None,
    early: _EarlyEncoding | None = None,
) -> _Timeline:
    """Write every part, pause and music clip to one WAV file as it goes, so memory holds one part at a time.

    The loudness is measured on the way, so encoding needs no pass of its own to find the gain. With ``arrival``,
    each part is waited for; the ``early`` encoding starts the first time a part is not there yet once enough
    speech is stitched to tell the gain, and from then on hears every sample as it is written.
    """
    if arrival is not None:
        arrival.wait(0)
    cues: list[tuple[float, float]] = []
    frames = 0
    rate = _read_part(parts[0], 0).frame_rate  # the engine's own rate: resampled once, at encoding
    meter = LoudnessMeter(rate)
    with wav_path.open("wb") as file, wave.open(file, "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(SAMPLE_WIDTH)
        sink.setframerate(rate)

        def write(pcm: bytes) -> None:
            nonlocal frames
            sink.writeframes(pcm)
            meter.add(pcm)
            frames += len(pcm) // SAMPLE_WIDTH
            if early is not None:
                early.write(pcm)

        if intro_audio is not None:
            write(_music(intro_audio, "intro", rate, options.fade_ms, tmp))
            write(_silence(options.music_gap_ms, rate))
        for index, part in enumerate(parts):
            if arrival is not None and not arrival.ready(index):
                if early is not None and not early.started and _tells_gain(index, len(parts), frames / rate):
                    file.flush()
                    early.start(wav_path, file.tell() - frames * SAMPLE_WIDTH, rate, meter)
                arrival.wait(index)
            speech = _read_part(part, index)
            start = frames
            write(_conform(speech, rate).raw_data)
            cues.append((start / rate, frames / rate))
            write(_silence(part.pause_ms, rate))
            report(_STITCHED * (index + 1) / len(parts))
        if outro_audio is not None:
            write(_silence(options.music_gap_ms, rate))
            write(_music(outro_audio, "outro", rate, options.fade_ms, tmp))
    return _Timeline(duration=frames / rate, cues=cues, meter=meter)


def _tells_gain(stitched_parts: int, parts: int, seconds: float) -> bool:
    """Whether the audio stitched so far tells the whole episode's gain: within 0.15 dB from about two fifths of an
    article on (one voice, one article), while the first minute can be 0.7 dB off (the title, a loud sentence)."""
    return stitched_parts >= parts * _EARLY_SHARE and seconds >= _EARLY_SECONDS


def _read_part(part: Part, index: int) -> AudioSegment:
    try:
        # Parsed from bytes on purpose: AudioSegment.from_wav falls back to ffprobe on a bad file.
        return AudioSegment(data=part.path.read_bytes())
    except (OSError, CouldntDecodeError) as error:
        raise AudioError(f"part {index}: cannot read WAV {part.path}: {error}") from None


def _conform(segment: AudioSegment, rate: int) -> AudioSegment:
    """The segment as mono 16-bit PCM at ``rate`` (a fallback engine may speak at another rate)."""
    return segment.set_channels(1).set_sample_width(SAMPLE_WIDTH).set_frame_rate(rate)


def _silence(ms: int, rate: int) -> bytes:
    return bytes(SAMPLE_WIDTH * round(max(ms, 0) * rate / 1000))


def _music(path: Path, role: str, rate: int, fade_ms: int, tmp: Path) -> bytes:
    """A music clip decoded by ffmpeg to mono PCM at ``rate``, faded in and out."""
    if not path.is_file():
        raise AudioError(f"cannot read {role} audio {path}: no such file")
    raw = tmp / f"{role}.raw"
    ffmpeg.run(
        ["-i", str(path), "-map", "0:a:0", "-ac", "1", "-af", f"aresample={rate}{ffmpeg.resampler()}",
         "-c:a", "pcm_s16le", "-f", "s16le", "-y", str(raw)],
        failure=f"cannot read {role} audio {path}",
    )
    clip = AudioSegment(data=raw.read_bytes(), sample_width=SAMPLE_WIDTH, frame_rate=rate, channels=1)
    if len(clip) == 0:
        raise AudioError(f"cannot read {role} audio {path}: it holds no sound")
    fade = min(fade_ms, len(clip) // 2)
    return clip.fade_in(fade).fade_out(fade).raw_data


# -- encoding ------------------------------------------------------------------------------------


def _encode_to(
    partial: Path,
    stitched: Path,
    timeline: _Timeline,
    options: AudioOptions,
    report: Callable[[float], None],
    early: _Encoded | None = None,
) -> Loudness:
    """Encode with the gain that should reach the target, check the MP3, and correct the gain if it missed.

    An ``early`` encoding counts as the first attempt when its gain is the one the whole episode asks for."""
    measured = timeline.meter.integrated()
    # Below the absolute gate there is nothing to normalise: do not amplify hiss.
    silent = measured <= ABSOLUTE_GATE_LUFS
    limit = _limit(options)
    gain = 0.0 if silent else _aimed_gain(timeline.meter, measured, options.loudness_lufs, limit)
    if early is not None and abs(early.gain_db - gain) > _EARLY_TOLERANCE_DB:
        _log.info("%s: the early encoding's gain (%.2f dB) is not the episode's (%.2f dB): encoding again",
                  partial, early.gain_db, gain)  # fmt: skip
        early = None
    if early is not None:
        gain = early.gain_db
    for attempt in range(1 + _MAX_CORRECTIONS):
        if attempt == 0 and early is not None:
            result = early.loudness
        else:
            encoding_report = _scaled(report, _STITCHED, _ENCODED, timeline.duration) if attempt == 0 else _ignore
            result = _encode(stitched, partial, options, gain, limit, encoding_report)
        # The aim was an estimate: what the MP3 really measures corrects it.
        missed = options.loudness_lufs - result.integrated
        overshoot = result.true_peak - options.true_peak_db
        if silent or (abs(missed) <= _CORRECTION_TOLERANCE_LU and overshoot <= 0):
            break
        gain += missed
        if overshoot > 0:
            # The MP3 peaks above where the limiter held the samples: hold them lower, with a margin.
            limit -= overshoot + _PEAK_MARGIN_DB
    else:
        _log.warning("%s: loudness %s misses the target after %d corrections", partial, result, _MAX_CORRECTIONS)
    return result


def _limit(options: AudioOptions) -> float:
    """Where the limiter holds the samples, in dBFS: under the true-peak ceiling, since encoding adds a little."""
    return options.true_peak_db - options.limiter_headroom_db


def _aimed_gain(meter: LoudnessMeter, measured: float, target: float, limit_db: float) -> float:
    """The gain that should bring the MP3 to ``target``: what the limiter and the encoder take is added back."""
    gain = target - measured
    for _ in range(3):  # more gain, more limiting: a few steps settle it
        gain += target - (meter.limited(gain, limit_db) - _ENCODER_LOSS_LU)
    return gain


def _encoding(source: list[str], target: Path, options: AudioOptions, gain_db: float, limit_db: float) -> list[str]:
    """ffmpeg's arguments to encode the audio that ``source`` (input options and -i) names to an MP3 at ``target``,
    and, where this ffmpeg can, to measure the MP3 as it is encoded."""
    # alimiter's own auto-level would undo the gain; latency=1 keeps the timeline (and the cues) in place.
    limit = min(max(10 ** (limit_db / 20), 0.0625), 1.0)
    filters = (
        f"aresample={options.sample_rate}{ffmpeg.resampler()},"
        f"volume={gain_db:.3f}dB,"
        f"alimiter=limit={limit:.5f}:level=0:latency=1"
    )
    encode = [
        *source, "-map", "0:a:0", "-af", filters, "-ac", "1",
        "-ar", str(options.sample_rate), "-c:a", "libmp3lame", "-b:a", f"{options.bitrate_kbps}k",
        "-compression_level", str(_LAME_QUALITY),
        "-map_metadata", "-1",
        # No ffmpeg ID3 tag (write_tags writes ours); the Xing/LAME frame stays: it makes durations exact.
        "-id3v2_version", "0", "-f", "mp3", "-y", str(target),
    ]  # fmt: skip
    if not ffmpeg.has_loopback_decoders():
        return encode
    # A loopback decoder measures the encoder's own output while it encodes (in a thread of its own),
    # which is what measure_loudness(target) would report, without reading the file again afterwards.
    return [*encode, "-dec", "0:0", "-filter_complex", f"[dec:0]{EBUR128}[checked]", "-map", "[checked]",
            "-f", "null", "-"]  # fmt: skip


def _encoded_loudness(log: str, target: Path) -> Loudness:
    """The loudness of the MP3 an _encoding run made, from its log (or measured, where ffmpeg could not)."""
    if not ffmpeg.has_loopback_decoders():
        return measure_loudness(target)
    return loudness_summary(log, f"cannot measure the loudness of {target}")


def _encode(
    source: Path, target: Path, options: AudioOptions, gain_db: float, limit_db: float,
    report: Callable[[float], None],
) -> Loudness:
    """Encode ``source`` to an MP3 at ``target`` and return the loudness of the MP3 as encoded."""
    log = ffmpeg.run(
        ["-progress", "pipe:1", *_encoding(["-i", str(source)], target, options, gain_db, limit_db)],
        failure="MP3 encoding failed",
        loglevel="info",
        stdout=ffmpeg.progress_reader(report),
    )
    return _encoded_loudness(log, target)


@dataclass(frozen=True)
class _Encoded:
    gain_db: float
    """The gain it was encoded with."""
    loudness: Loudness
    """The MP3's, as encoded."""


class _EarlyEncoding:
    """The MP3 encoded while the later parts are still being made, so that little of the encoding is left once
    they are in: it starts with the gain that the speech stitched so far asks for, then hears each sample as it is
    stitched. Synthesis keeps every core busy, but an encoder beside it takes up the cores that synthesis leaves
    idle at its end, and what it does meanwhile is done when the last part comes.

    The gain is that of the episode's first half (_tells_gain); it is kept only when the whole episode asks for
    one within _EARLY_TOLERANCE_DB of it (speech from one voice keeps its level), else the MP3 is encoded again."""

    def __init__(self, target: Path, options: AudioOptions) -> None:
        self._target, self._options = target, options
        self._feed: ffmpeg.Feed | None = None
        self._gain = 0.0

    @property
    def started(self) -> bool:
        return self._feed is not None

    def start(self, stitched: Path, offset: int, rate: int, meter: LoudnessMeter) -> None:
        """Start encoding: the samples in ``stitched`` from byte ``offset`` first, then whatever ``write`` hands on."""
        measured = meter.integrated()
        if measured <= ABSOLUTE_GATE_LUFS:
            return  # nothing to tell the gain from yet
        limit = _limit(self._options)
        self._gain = _aimed_gain(meter, measured, self._options.loudness_lufs, limit)
        source = ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"]
        feed = ffmpeg.Feed(_encoding(source, self._target, self._options, self._gain, limit),
                           failure="MP3 encoding failed", loglevel="info")  # fmt: skip
        self._feed = feed
        _log.debug("%s: encoding early, with %.2f dB", self._target, self._gain)
        with stitched.open("rb") as stream:
            stream.seek(offset)
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                feed.write(chunk)

    def write(self, pcm: bytes) -> None:
        if self._feed is not None:
            self._feed.write(pcm)

    def finish(self) -> _Encoded | None:
        """The MP3 at the target and its loudness; None if it never started."""
        if self._feed is None:
            return None
        feed, self._feed = self._feed, None
        return _Encoded(self._gain, _encoded_loudness(feed.finish(), self._target))

    def abandon(self) -> None:
        """Stop an encoding still running (the parts failed); nothing once ``finish`` took it."""
        if self._feed is not None:
            feed, self._feed = self._feed, None
            feed.abandon()


def _ignore(fraction: float) -> None:
    pass


def _scaled(
    report: Callable[[float], None], low: float, high: float, duration: float
) -> Callable[[float], None]:
    """Map seconds of encoded audio onto the ``low``..``high`` stretch of the progress bar."""

    def seconds(done: float) -> None:
        report(low + (high - low) * min(done / duration, 1.0) if duration > 0 else low)

    return seconds

