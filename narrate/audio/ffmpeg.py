"""The ffmpeg boundary: the bundled binary, running it, its errors and progress, its capabilities, and probe."""

from __future__ import annotations

import contextlib
import functools
import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

from narrate.errors import AudioError

# The imageio-ffmpeg wheel has no ffprobe: every decode goes through ffmpeg itself.
EXECUTABLE = imageio_ffmpeg.get_ffmpeg_exe()

SAMPLE_WIDTH = 2
"""Bytes per sample of every PCM stream stitched here (signed 16-bit, mono), and of ffmpeg's pcm_s16le."""


@dataclass(frozen=True)
class AudioInfo:
    """What ffmpeg reports about an audio file, with the duration counted by decoding it."""

    duration: float
    """Seconds, from the number of decoded samples."""
    sample_rate: int
    channels: int
    bitrate_kbps: int | None
    """The first audio stream's bitrate, when ffmpeg states one."""


def run(
    args: list[str],
    *,
    failure: str,
    loglevel: str = "error",
    stdout: Callable[[bytes], None] | None = None,
) -> str:
    """Run ffmpeg and return its log; on failure raise AudioError "<failure>: <ffmpeg's first error>".

    ``stdout`` receives what ffmpeg writes to pipe:1, chunk by chunk, so big outputs never sit in memory.
    """
    command = _command(args, loglevel)
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
        raise AudioError(f"{failure}: {_error(log)}")
    return log


def _command(args: list[str], loglevel: str) -> list[str]:
    # "level+" tags each log line with its severity, which is how the error line is found. -nostdin: no keyboard
    # commands; an input named pipe:0 is still read from standard input (Feed).
    return [EXECUTABLE, "-hide_banner", "-nostdin", "-nostats", "-loglevel", f"level+{loglevel}", *args]


class Feed:
    """An ffmpeg run that reads its input from this process as it is made (``pipe:0`` in ``args``): ``write`` the
    bytes, then ``finish`` for the log, or ``abandon`` to stop it. It runs beside this process, on another core."""

    def __init__(self, args: list[str], *, failure: str, loglevel: str = "error") -> None:
        self._failure = failure
        self._log = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(
                _command(args, loglevel), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log
            )
        except OSError as error:
            self._log.close()
            raise AudioError(f"{failure}: cannot run ffmpeg: {error}") from None
        self._stopped = False
        """ffmpeg closed its input early: it failed, and ``finish`` says why."""

    def write(self, data: bytes) -> None:
        """Hand ffmpeg the next bytes (waits while it is behind)."""
        if self._stopped:
            return
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(data)
        except (BrokenPipeError, ValueError):
            self._stopped = True

    def finish(self) -> str:
        """The end of the input: wait for ffmpeg and return its log; AudioError "<failure>: <error>" if it failed."""
        assert self._process.stdin is not None
        try:
            self._process.stdin.close()
        except BrokenPipeError:
            pass
        code = self._process.wait()
        self._log.seek(0)
        log = self._log.read().decode("utf-8", errors="replace")
        self._log.close()
        if code != 0:
            raise AudioError(f"{self._failure}: {_error(log)}")
        return log

    def abandon(self) -> None:
        """Stop ffmpeg where it is (what it wrote is the caller's to remove)."""
        if self._process.poll() is None:
            self._process.kill()
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        self._process.wait()
        self._log.close()


def _error(log: str) -> str:
    # The first error is the cause; ffmpeg's last line is usually a generic "Conversion failed!".
    for line in log.splitlines():
        tagged = re.search(r"\[(?:error|fatal|panic)\] (.*)", line)
        if tagged and tagged.group(1).strip():
            return tagged.group(1).strip()
    lines = [line for line in log.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "ffmpeg failed without a message"


def progress_reader(report: Callable[[float], None]) -> Callable[[bytes], None]:
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


def resampler() -> str:
    """The aresample option selecting SoX's resampler when this ffmpeg build has it."""
    return ":resampler=soxr" if "--enable-libsoxr" in version() else ""


def has_loopback_decoders() -> bool:
    """Whether this ffmpeg can decode what it encodes in the same run (-dec: FFmpeg 7.0, libavformat 61)."""
    found = re.search(r"^libavformat\s+(\d+)\.", version(), re.MULTILINE)
    return found is not None and int(found.group(1)) >= 61


@functools.cache
def version() -> str:
    """``ffmpeg -version``: the build's configuration and library versions."""
    try:
        command = [EXECUTABLE, "-hide_banner", "-version"]
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout
    except OSError:
        return ""


def probe(path: Path) -> AudioInfo:
    """Sample rate, channels and bitrate as ffmpeg reports them; the duration by decoding every sample."""
    decoded = 0

    def count(chunk: bytes) -> None:
        nonlocal decoded
        decoded += len(chunk)

    log = run(
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
