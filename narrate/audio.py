"""Episode audio: stitch synthesised parts, normalise the loudness, encode MP3, write ID3 tags and chapters.

ffmpeg comes from the imageio-ffmpeg wheel, which has no ffprobe: every decode here goes through ffmpeg
itself, and pydub only ever sees WAV or raw PCM.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
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

# Share of the progress bar each stage gets: stitching, measuring, encoding, then checking the MP3.
_STITCHED, _MEASURED, _ENCODED = 0.3, 0.4, 0.9


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
            loudness = _encode_to(out_path, stitched, timeline.duration, options, report)
        size = out_path.stat().st_size
    except OSError as error:  # a full disk or an unwritable directory
        raise AudioError(f"audio assembly failed: {error}") from None
    report(1.0)
    return Assembly(duration=timeline.duration, cues=timeline.cues, size=size, loudness=loudness)


@dataclass(frozen=True)
class _Timeline:
    duration: float
    cues: list[tuple[float, float]]


def _stitch(
    parts: Sequence[Part],
    wav_path: Path,
    options: AudioOptions,
    intro_audio: Path | None,
    outro_audio: Path | None,
    tmp: Path,
    report: Callable[[float], None],
) -> _Timeline:
    """Write every part, pause and music clip to one WAV file as it goes, so memory holds one part at a time."""
    cues: list[tuple[float, float]] = []
    frames = 0
    rate = _read_part(parts[0], 0).frame_rate  # the engine's own rate: resampled once, at encoding
    with wave.open(str(wav_path), "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(SAMPLE_WIDTH)
        sink.setframerate(rate)

        def write(pcm: bytes) -> None:
            nonlocal frames
            sink.writeframes(pcm)
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
    return _Timeline(duration=frames / rate, cues=cues)


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
    out_path: Path, stitched: Path, duration: float, options: AudioOptions, report: Callable[[float], None]
) -> Loudness:
    """Measure, encode with the gain that reaches the target, then check the MP3 and correct the gain if needed."""
    measured = measure_loudness(stitched)
    report(_MEASURED)
    # Below the absolute gate there is nothing to normalise: do not amplify hiss.
    silent = measured.integrated <= _ABSOLUTE_GATE_LUFS
    gain = 0.0 if silent else options.loudness_lufs - measured.integrated
    limit = options.true_peak_db - options.limiter_headroom_db
    out_path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent)
    os.close(handle)
    partial = Path(name)
    try:
        for attempt in range(1 + _MAX_CORRECTIONS):
            encoding_report = _scaled(report, _MEASURED, _ENCODED, duration) if attempt == 0 else _ignore
            _encode(stitched, partial, options, gain, limit, encoding_report)
            result = measure_loudness(partial)
            # LAME lowers loudness a little (about 0.4 LU) and a busy limiter lowers it more: aim again.
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


def _encode(
    source: Path, target: Path, options: AudioOptions, gain_db: float, limit_db: float,
    report: Callable[[float], None],
) -> None:
    # alimiter's own auto-level would undo the gain; latency=1 keeps the timeline (and the cues) in place.
    limit = min(max(10 ** (limit_db / 20), 0.0625), 1.0)
    filters = (
        f"aresample={options.sample_rate}{_resampler()},"
        f"volume={gain_db:.3f}dB,"
        f"alimiter=limit={limit:.5f}:level=0:latency=1"
    )
    _ffmpeg(
        ["-progress", "pipe:1", "-i", str(source), "-af", filters, "-ac", "1", "-ar", str(options.sample_rate),
         "-c:a", "libmp3lame", "-b:a", f"{options.bitrate_kbps}k", "-map_metadata", "-1",
         # No ffmpeg ID3 tag (write_tags writes ours); the Xing/LAME frame stays: it makes durations exact.
         "-id3v2_version", "0", "-f", "mp3", "-y", str(target)],
        failure="MP3 encoding failed",
        stdout=_progress_reader(report),
    )


def measure_loudness(path: Path) -> Loudness:
    """Integrated loudness and true peak of the first audio stream of ``path`` (ffmpeg's ebur128)."""
    log = _ffmpeg(
        ["-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
        failure=f"cannot measure the loudness of {path}",
        loglevel="info",
    )
    summary = log.rpartition("Summary:")[2]
    integrated = re.search(r"I:\s+(\S+) LUFS", summary)
    peak = re.search(r"Peak:\s+(\S+) dBFS", summary)
    if not (integrated and peak):
        raise AudioError(f"cannot measure the loudness of {path}: ffmpeg printed no ebur128 summary")
    return Loudness(integrated=float(integrated.group(1)), true_peak=float(peak.group(1)))


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


@functools.cache
def _resampler() -> str:
    """The aresample option selecting SoX's resampler when this ffmpeg build has it."""
    try:
        config = subprocess.run(
            [_FFMPEG, "-hide_banner", "-buildconf"], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        return ""
    return ":resampler=soxr" if "--enable-libsoxr" in config else ""
