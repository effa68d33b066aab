"""Episode audio: stitch synthesised parts, normalise the loudness, encode MP3, write ID3 tags and chapters.

ffmpeg comes from the imageio-ffmpeg wheel, which has no ffprobe: every decode here goes through ffmpeg
itself, and pydub only ever sees WAV or raw PCM.
"""

from __future__ import annotations

import array
import datetime as dt
import functools
import logging
import math
import os
import re
import subprocess
import tempfile
import warnings
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg
import mutagen
import numpy as np
from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TDRC, TIT2, TLAN, TPE1, CTOCFlags, Encoding, PictureType

from narrate.errors import AudioError

with warnings.catch_warnings():
    # pydub looks for ffmpeg on PATH when imported and warns; it gets imageio's binary just below.
    warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
    warnings.filterwarnings("ignore", message="'audioop' is deprecated", category=DeprecationWarning)
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError

_FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
AudioSegment.converter = _FFMPEG

_log = logging.getLogger(__name__)

__all__ = [
    "Assembly",
    "AudioInfo",
    "AudioOptions",
    "Chapter",
    "Loudness",
    "LoudnessMeter",
    "Part",
    "Tags",
    "assemble",
    "measure_loudness",
    "probe",
    "write_tags",
]

SAMPLE_WIDTH = 2
"""Bytes per sample of every PCM stream stitched here (signed 16-bit, mono)."""

_CORRECTION_TOLERANCE_LU = 0.5
"""Re-encode when the encoded MP3 misses the loudness target by more than this..."""
_MAX_CORRECTIONS = 2
"""...but at most this many times: heavy limiting (clicks, pops) can take two corrections."""
_PEAK_MARGIN_DB = 0.3
"""Extra limiter reduction when correcting a true-peak overshoot."""
_ABSOLUTE_GATE_LUFS = -70.0
"""EBU R128's absolute gate: ebur128 reports it as the loudness of silence."""
_ENCODER_LOSS_LU = 0.5
"""Loudness that resampling to 44.1 kHz and LAME take away from speech (0.45-0.55 LU measured at 64 kbps).

Aiming this much higher lets one encode normally land on the target; the check after encoding still corrects."""
_EBUR128 = "ebur128=peak=true:framelog=quiet"

# Share of the progress bar each stage gets: stitching and measuring, then encoding (checked as it goes).
_STITCHED, _ENCODED = 0.15, 0.95


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

    bitrate_kbps: int = 64
    """Constant MP3 bitrate."""
    loudness_lufs: float = -19.0
    """Integrated loudness of the whole episode (EBU R128, mono measured as one channel)."""
    true_peak_db: float = -1.0
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
class Loudness:
    """EBU R128 measurements of a whole file."""

    integrated: float
    """Integrated loudness in LUFS (-70.0 when nothing rises above the absolute gate)."""
    true_peak: float
    """True peak in dBTP (-inf for digital silence)."""


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


@dataclass(frozen=True)
class AudioInfo:
    """What ffmpeg reports about an audio file, with the duration counted by decoding it."""

    duration: float
    """Seconds, from the number of decoded samples."""
    sample_rate: int
    channels: int
    bitrate_kbps: int | None
    """The first audio stream's bitrate, when ffmpeg states one."""


@dataclass(frozen=True)
class Chapter:
    """One chapter of the episode."""

    title: str
    start: float
    """Seconds from the start of the MP3."""
    end: float
    """Seconds from the start of the MP3."""


@dataclass(frozen=True)
class Tags:
    """The ID3 tags of an episode."""

    title: str
    artist: str = ""
    album: str = ""
    """The feed's title."""
    date: str = ""
    """Publication date, YYYY-MM-DD; empty: no date."""
    language: str = ""
    """ISO 639 code ("en" or "eng"); two-letter codes are written as ID3's three-letter ones."""
    comment: str = ""
    cover: bytes | None = None
    """Image file contents for the front cover."""
    cover_mime: str = "image/jpeg"
    chapters: list[Chapter] = field(default_factory=list)


# -- assembly ------------------------------------------------------------------------------------


def assemble(
    parts: Sequence[Part],
    out_path: Path,
    options: AudioOptions,
    *,
    intro_audio: Path | None = None,
    outro_audio: Path | None = None,
    work_dir: Path | None = None,
    progress: Callable[[float], None] | None = None,
) -> Assembly:
    """Stitch ``parts`` (with optional music around them) into a loudness-normalised CBR MP3 at ``out_path``.

    ``out_path`` appears only when everything succeeded; a previous file there stays until then.
    ``progress`` receives fractions from 0 to 1.
    """
    if not parts:
        raise AudioError("no audio parts to assemble")
    report = progress or _ignore
    try:
        if work_dir is not None:
            work_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="narrate-audio-", dir=work_dir) as tmp:
            stitched = Path(tmp) / "stitched.wav"
            timeline = _stitch(parts, stitched, options, intro_audio, outro_audio, Path(tmp), report)
            if timeline.duration == 0:
                raise AudioError("the audio parts hold no samples")
            loudness = _encode_to(out_path, stitched, timeline, options, report)
        size = out_path.stat().st_size
    except OSError as error:  # a full disk or an unwritable directory
        raise AudioError(f"audio assembly failed: {error}") from None
    report(1.0)
    return Assembly(duration=timeline.duration, cues=timeline.cues, size=size, loudness=loudness)


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
) -> _Timeline:
    """Write every part, pause and music clip to one WAV file as it goes, so memory holds one part at a time.

    The loudness is measured on the way, so encoding needs no pass of its own to find the gain.
    """
    cues: list[tuple[float, float]] = []
    frames = 0
    rate = _read_part(parts[0], 0).frame_rate  # the engine's own rate: resampled once, at encoding
    meter = LoudnessMeter(rate)
    with wave.open(str(wav_path), "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(SAMPLE_WIDTH)
        sink.setframerate(rate)

        def write(pcm: bytes) -> None:
            nonlocal frames
            sink.writeframes(pcm)
            meter.add(pcm)
            frames += len(pcm) // SAMPLE_WIDTH

        if intro_audio is not None:
            write(_music(intro_audio, "intro", rate, options.fade_ms, tmp))
            write(_silence(options.music_gap_ms, rate))
        for index, part in enumerate(parts):
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
    _ffmpeg(
        ["-i", str(path), "-map", "0:a:0", "-ac", "1", "-af", f"aresample={rate}{_resampler()}",
         "-c:a", "pcm_s16le", "-f", "s16le", "-y", str(raw)],
        failure=f"cannot read {role} audio {path}",
    )
    clip = AudioSegment(data=raw.read_bytes(), sample_width=SAMPLE_WIDTH, frame_rate=rate, channels=1)
    if len(clip) == 0:
        raise AudioError(f"cannot read {role} audio {path}: it holds no sound")
    fade = min(fade_ms, len(clip) // 2)
    return clip.fade_in(fade).fade_out(fade).raw_data


# -- loudness and encoding -------------------------------------------------------------------------


def _encode_to(
    out_path: Path, stitched: Path, timeline: _Timeline, options: AudioOptions, report: Callable[[float], None]
) -> Loudness:
    """Encode with the gain that should reach the target, check the MP3, and correct the gain if it missed."""
    measured = timeline.meter.integrated()
    # Below the absolute gate there is nothing to normalise: do not amplify hiss.
    silent = measured <= _ABSOLUTE_GATE_LUFS
    limit = options.true_peak_db - options.limiter_headroom_db
    gain = 0.0 if silent else _aimed_gain(timeline.meter, measured, options.loudness_lufs, limit)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent)
    os.close(handle)
    partial = Path(name)
    try:
        for attempt in range(1 + _MAX_CORRECTIONS):
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
            _log.warning("%s: loudness %s misses the target after %d corrections", out_path, result, _MAX_CORRECTIONS)
        os.replace(partial, out_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return result


def _aimed_gain(meter: LoudnessMeter, measured: float, target: float, limit_db: float) -> float:
    """The gain that should bring the MP3 to ``target``: what the limiter and the encoder take is added back."""
    gain = target - measured
    for _ in range(3):  # more gain, more limiting: a few steps settle it
        gain += target - (meter.limited(gain, limit_db) - _ENCODER_LOSS_LU)
    return gain


def _encode(
    source: Path, target: Path, options: AudioOptions, gain_db: float, limit_db: float,
    report: Callable[[float], None],
) -> Loudness:
    """Encode ``source`` to an MP3 at ``target`` and return the loudness of the MP3 as encoded."""
    # alimiter's own auto-level would undo the gain; latency=1 keeps the timeline (and the cues) in place.
    limit = min(max(10 ** (limit_db / 20), 0.0625), 1.0)
    filters = (
        f"aresample={options.sample_rate}{_resampler()},"
        f"volume={gain_db:.3f}dB,"
        f"alimiter=limit={limit:.5f}:level=0:latency=1"
    )
    encode = [
        "-progress", "pipe:1", "-i", str(source), "-map", "0:a:0", "-af", filters, "-ac", "1",
        "-ar", str(options.sample_rate), "-c:a", "libmp3lame", "-b:a", f"{options.bitrate_kbps}k",
        "-map_metadata", "-1",
        # No ffmpeg ID3 tag (write_tags writes ours); the Xing/LAME frame stays: it makes durations exact.
        "-id3v2_version", "0", "-f", "mp3", "-y", str(target),
    ]
    if not _has_loopback_decoders():
        _ffmpeg(encode, failure="MP3 encoding failed", stdout=_progress_reader(report))
        return measure_loudness(target)
    # A loopback decoder measures the encoder's own output while it encodes (in a thread of its own),
    # which is what measure_loudness(target) would report, without reading the file again afterwards.
    check = ["-dec", "0:0", "-filter_complex", f"[dec:0]{_EBUR128}[checked]", "-map", "[checked]", "-f", "null", "-"]
    log = _ffmpeg([*encode, *check], failure="MP3 encoding failed", loglevel="info", stdout=_progress_reader(report))
    return _loudness_summary(log, f"cannot measure the loudness of {target}")


def measure_loudness(path: Path) -> Loudness:
    """Integrated loudness and true peak of the first audio stream of ``path`` (ffmpeg's ebur128)."""
    failure = f"cannot measure the loudness of {path}"
    log = _ffmpeg(
        ["-i", str(path), "-map", "0:a:0", "-af", _EBUR128, "-f", "null", "-"], failure=failure, loglevel="info"
    )
    return _loudness_summary(log, failure)


def _loudness_summary(log: str, failure: str) -> Loudness:
    summary = log.rpartition("Summary:")[2]
    integrated = re.search(r"I:\s+(\S+) LUFS", summary)
    peak = re.search(r"Peak:\s+(\S+) dBFS", summary)
    if not (integrated and peak):
        raise AudioError(f"{failure}: ffmpeg printed no ebur128 summary")
    return Loudness(integrated=float(integrated.group(1)), true_peak=float(peak.group(1)))


class LoudnessMeter:
    """Integrated loudness (ITU-R BS.1770-4) of a mono 16-bit PCM stream, fed in chunks of any size.

    It keeps two numbers per 100 ms of audio, so memory stays small however long the stream is.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        # Gating blocks are 400 ms long and start every 100 ms: sums over 100 ms hops make every block.
        self._hop = rate // 10
        taps = _k_weighting_response(rate)
        self._taps = taps.size
        self._fft_size = max(8192, 1 << (4 * taps.size - 1).bit_length())
        self._step = self._fft_size - taps.size + 1
        self._spectrum = np.fft.rfft(taps, self._fft_size)
        self._history = np.zeros(taps.size - 1, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)  # weighted samples short of a whole hop
        self._pending_peak = np.zeros(0, dtype=np.float32)
        self._energy = array.array("d")  # mean square of the K-weighted samples, per hop
        self._peak = array.array("d")  # largest absolute sample, per hop

    def add(self, pcm: bytes) -> None:
        """Hear the next samples of the stream."""
        samples = np.frombuffer(pcm, "<i2").astype(np.float32) / 32768
        # Bounded slices: a long music clip does not multiply into a big FFT workspace.
        for start in range(0, samples.size, 16 * self._step):
            self._add(samples[start : start + 16 * self._step])

    def integrated(self) -> float:
        """Integrated loudness in LUFS of everything heard; -70.0 when nothing rises above the absolute gate."""
        return _gated_loudness(np.frombuffer(self._energy))

    def limited(self, gain_db: float, limit_db: float) -> float:
        """Estimated integrated loudness after ``gain_db`` of gain and a limiter that holds samples at ``limit_db``.

        The limiter pulls a hop that peaks above the limit down to it and lets go within about 50 ms, so the
        estimate counts half of each such hop at the reduced level. That is within 0.2 LU for speech brought to
        a normal level; heavier limiting takes more than this says, and the check after encoding catches it.
        """
        gain = 10 ** (gain_db / 20)
        peak = np.maximum(np.frombuffer(self._peak) * gain, 1e-9)
        held = np.minimum(1.0, 10 ** (limit_db / 20) / peak) ** 2
        return _gated_loudness(np.frombuffer(self._energy) * gain**2 * (1 + held) / 2)

    def _add(self, samples: np.ndarray) -> None:
        weighted = np.concatenate([self._pending, self._weigh(samples)])
        peaks = np.concatenate([self._pending_peak, np.abs(samples)])
        whole = weighted.size - weighted.size % self._hop
        hops = weighted[:whole].reshape(-1, self._hop)
        self._energy.frombytes(np.mean(np.square(hops), axis=1, dtype=np.float64).tobytes())
        self._peak.frombytes(peaks[:whole].reshape(-1, self._hop).max(axis=1, initial=0.0).astype(np.float64).tobytes())
        self._pending, self._pending_peak = weighted[whole:], peaks[whole:]

    def _weigh(self, samples: np.ndarray) -> np.ndarray:
        """The samples through the K-weighting filter: overlap-save convolution with its impulse response."""
        frames = -(-samples.size // self._step)
        padded = np.concatenate([self._history, samples, np.zeros(frames * self._step - samples.size, np.float32)])
        windows = np.lib.stride_tricks.sliding_window_view(padded, self._fft_size)[:: self._step]
        filtered = np.fft.irfft(np.fft.rfft(windows, axis=1) * self._spectrum, self._fft_size, axis=1)
        self._history = padded[samples.size : samples.size + self._taps - 1]
        return filtered[:, self._taps - 1 :].ravel()[: samples.size].astype(np.float32, copy=False)


def _gated_loudness(hops: np.ndarray) -> float:
    """BS.1770 gating of the 400 ms blocks made of each four consecutive hops' mean squares."""
    if hops.size < 4:
        return _ABSOLUTE_GATE_LUFS
    blocks = (hops[:-3] + hops[1:-2] + hops[2:-1] + hops[3:]) / 4
    loud = blocks[_lufs(blocks) > _ABSOLUTE_GATE_LUFS]
    if loud.size == 0:
        return _ABSOLUTE_GATE_LUFS
    loud = loud[_lufs(loud) > _lufs(loud.mean()) - 10]
    return float(_lufs(loud.mean()))


def _lufs(mean_square: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return -0.691 + 10 * np.log10(mean_square)


_Biquad = tuple[tuple[float, float, float], tuple[float, float]]
"""(b0, b1, b2), (a1, a2) of a second-order IIR filter whose a0 is 1."""


def _k_weighting(rate: int) -> tuple[_Biquad, _Biquad]:
    """The two biquads of BS.1770's K-weighting at ``rate``.

    The standard lists them for 48 kHz only; here they come from their analogue prototypes for any rate
    (and match the standard's table at 48 kHz).
    """
    # Stage 1, a high shelf: about +4 dB above 2 kHz, for the acoustic effect of the head.
    k, q = math.tan(math.pi * 1681.974450955533 / rate), 0.7071752369554196
    high = 10 ** (3.999843853973347 / 20)
    mid = high**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = (
        ((high + mid * k / q + k * k) / a0, 2 * (k * k - high) / a0, (high - mid * k / q + k * k) / a0),
        (2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0),
    )
    # Stage 2, the "RLB" high-pass at 38 Hz. Its numerator stays unnormalised, as in the standard.
    k, q = math.tan(math.pi * 38.13547087602444 / rate), 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_pass = ((1.0, -2.0, 1.0), (2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0))
    return shelf, high_pass


@functools.cache
def _k_weighting_response(rate: int) -> np.ndarray:
    """The first 50 ms of the K-weighting filter's impulse response: all but 1e-10 of its energy."""
    response = [1.0] + [0.0] * (rate // 20 - 1)
    for (b0, b1, b2), (a1, a2) in _k_weighting(rate):
        x1 = x2 = y1 = y2 = 0.0
        for index, x in enumerate(response):
            y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            response[index] = y
            x1, x2, y1, y2 = x, x1, y, y1
    return np.array(response, dtype=np.float32)


# -- probing -------------------------------------------------------------------------------------


def probe(path: Path) -> AudioInfo:
    """Sample rate, channels and bitrate as ffmpeg reports them; the duration by decoding every sample."""
    decoded = 0

    def count(chunk: bytes) -> None:
        nonlocal decoded
        decoded += len(chunk)

    log = _ffmpeg(
        # Decoded to mono on purpose: samples per second then equal bytes / 2, whatever the layout.
        ["-i", str(path), "-map", "0:a:0", "-ac", "1", "-c:a", "pcm_s16le", "-f", "s16le", "pipe:1"],
        failure=f"cannot read audio {path}",
        loglevel="info",
        stdout=count,
    )
    stream = re.search(r"Stream #0:\d+.*?: Audio: (.*)", log)
    rate = re.search(r"(\d+) Hz", stream.group(1)) if stream else None
    if not (stream and rate):
        raise AudioError(f"cannot read audio {path}: ffmpeg found no audio stream")
    bitrate = re.search(r"(\d+) kb/s", stream.group(1))
    sample_rate = int(rate.group(1))
    return AudioInfo(
        duration=decoded / SAMPLE_WIDTH / sample_rate,
        sample_rate=sample_rate,
        channels=_channels(stream.group(1)),
        bitrate_kbps=int(bitrate.group(1)) if bitrate else None,
    )


def _channels(stream: str) -> int:
    """Channel count from an ffmpeg stream description ("44100 Hz, mono, fltp" or "..., 5.1(side), ...")."""
    fields = [f.strip() for f in stream.split(",")]
    for name in fields:
        if name == "mono":
            return 1
        if name == "stereo":
            return 2
        if counted := re.fullmatch(r"(\d+) channels.*", name):
            return int(counted.group(1))
        if layout := re.fullmatch(r"(\d+)\.(\d+)(\(.*\))?", name):
            return int(layout.group(1)) + int(layout.group(2))
    raise AudioError(f"cannot tell the channel count from ffmpeg's report: {stream}")


# -- tags ----------------------------------------------------------------------------------------

# ID3 wants ISO 639-2 language codes; articles carry ISO 639-1 ones.
_ISO_639_2 = {
    "ar": "ara", "ca": "cat", "cs": "ces", "cy": "cym", "da": "dan", "de": "deu", "el": "ell", "en": "eng",
    "es": "spa", "fa": "fas", "fi": "fin", "fr": "fra", "hu": "hun", "is": "isl", "it": "ita", "ka": "kat",
    "kk": "kaz", "nb": "nob", "ne": "nep", "nl": "nld", "no": "nor", "pl": "pol", "pt": "por", "ro": "ron",
    "ru": "rus", "sk": "slk", "sl": "slv", "sr": "srp", "sv": "swe", "sw": "swa", "tr": "tur", "uk": "ukr",
    "vi": "vie", "zh": "zho",
}


def write_tags(path: Path, tags: Tags) -> None:
    """Replace the ID3v2.3 tag of the MP3 at ``path``: text frames, front cover, and CHAP/CTOC chapters."""
    if not path.is_file():  # mutagen would create a file holding nothing but a tag
        raise AudioError(f"cannot write tags to {path}: no such file")
    id3 = ID3()
    text = Encoding.UTF16  # v2.3 has no UTF-8
    language = _id3_language(tags.language)
    id3.add(TIT2(encoding=text, text=[tags.title]))
    if tags.artist:
        id3.add(TPE1(encoding=text, text=[tags.artist]))
    if tags.album:
        id3.add(TALB(encoding=text, text=[tags.album]))
    if tags.date:
        try:
            dt.date.fromisoformat(tags.date)
        except ValueError:
            raise AudioError(f"tag date must be YYYY-MM-DD, got {tags.date!r}") from None
        id3.add(TDRC(encoding=text, text=[tags.date]))
    if tags.language:
        id3.add(TLAN(encoding=text, text=[language]))
    if tags.comment:
        id3.add(COMM(encoding=text, lang=language, desc="", text=[tags.comment]))
    if tags.cover:
        id3.add(APIC(encoding=text, mime=tags.cover_mime, type=PictureType.COVER_FRONT, desc="Cover", data=tags.cover))
    ids = []
    for number, chapter in enumerate(tags.chapters):
        if not 0 <= chapter.start <= chapter.end:
            raise AudioError(f"chapter {chapter.title!r} has bad times {chapter.start}..{chapter.end}")
        ids.append(f"chp{number}")
        id3.add(
            CHAP(
                element_id=ids[-1],
                start_time=round(chapter.start * 1000),
                end_time=round(chapter.end * 1000),
                sub_frames=[TIT2(encoding=text, text=[chapter.title])],
            )
        )
    if ids:
        id3.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=text, text=["Chapters"])],
            )
        )
    id3.update_to_v23()  # TDRC becomes TYER + TDAT, which v2.3 readers understand
    try:
        id3.save(path, v2_version=3)
    except (OSError, mutagen.MutagenError) as error:
        raise AudioError(f"cannot write tags to {path}: {error}") from None


def _id3_language(code: str) -> str:
    code = code.strip().lower().split("-")[0].split("_")[0]
    if len(code) == 3:
        return code
    return _ISO_639_2.get(code, "und")


# -- ffmpeg --------------------------------------------------------------------------------------


def _ffmpeg(
    args: list[str],
    *,
    failure: str,
    loglevel: str = "error",
    stdout: Callable[[bytes], None] | None = None,
) -> str:
    """Run ffmpeg and return its log; on failure raise AudioError "<failure>: <ffmpeg's first error>".

    ``stdout`` receives what ffmpeg writes to pipe:1, chunk by chunk, so big outputs never sit in memory.
    """
    # "level+" tags each log line with its severity, which is how the error line is found.
    command = [_FFMPEG, "-hide_banner", "-nostdin", "-nostats", "-loglevel", f"level+{loglevel}", *args]
    with tempfile.TemporaryFile() as log_file:
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if stdout else subprocess.DEVNULL,
                stderr=log_file,  # a file, not a pipe: a chatty ffmpeg cannot block on a full pipe
            )
        except OSError as error:
            raise AudioError(f"{failure}: cannot run ffmpeg: {error}") from None
        with process:
            if stdout is not None:
                assert process.stdout is not None
                # read1: hand over what has arrived (progress lines) instead of waiting for a full buffer.
                for chunk in iter(functools.partial(process.stdout.read1, 1 << 16), b""):
                    stdout(chunk)
            code = process.wait()
        log_file.seek(0)
        log = log_file.read().decode("utf-8", errors="replace")
    if code != 0:
        raise AudioError(f"{failure}: {_ffmpeg_error(log)}")
    return log


def _ffmpeg_error(log: str) -> str:
    # The first error is the cause; ffmpeg's last line is usually a generic "Conversion failed!".
    for line in log.splitlines():
        tagged = re.search(r"\[(?:error|fatal|panic)\] (.*)", line)
        if tagged and tagged.group(1).strip():
            return tagged.group(1).strip()
    lines = [line for line in log.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "ffmpeg failed without a message"


def _progress_reader(report: Callable[[float], None]) -> Callable[[bytes], None]:
    """A stdout consumer for ffmpeg's ``-progress pipe:1`` that reports the seconds encoded so far."""
    pending = b""

    def read(chunk: bytes) -> None:
        nonlocal pending
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            key, _, value = line.partition(b"=")
            if key == b"out_time_us" and value.strip().isdigit():
                report(int(value) / 1e6)

    return read


def _ignore(fraction: float) -> None:
    pass


def _scaled(
    report: Callable[[float], None], low: float, high: float, duration: float
) -> Callable[[float], None]:
    """Map seconds of encoded audio onto the ``low``..``high`` stretch of the progress bar."""

    def seconds(done: float) -> None:
        report(low + (high - low) * min(done / duration, 1.0) if duration > 0 else low)

    return seconds


def _resampler() -> str:
    """The aresample option selecting SoX's resampler when this ffmpeg build has it."""
    return ":resampler=soxr" if "--enable-libsoxr" in _ffmpeg_version() else ""


def _has_loopback_decoders() -> bool:
    """Whether this ffmpeg can decode what it encodes in the same run (-dec: FFmpeg 7.0, libavformat 61)."""
    found = re.search(r"^libavformat\s+(\d+)\.", _ffmpeg_version(), re.MULTILINE)
    return found is not None and int(found.group(1)) >= 61


@functools.cache
def _ffmpeg_version() -> str:
    """``ffmpeg -version``: the build's configuration and library versions."""
    try:
        return subprocess.run([_FFMPEG, "-hide_banner", "-version"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return ""
