"""Loudness: EBU R128 / ITU-R BS.1770 measurement, by ffmpeg's ebur128 and by a meter fed while stitching."""

from __future__ import annotations

import array
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from narrate.audio import ffmpeg
from narrate.errors import AudioError

ABSOLUTE_GATE_LUFS = -70.0
"""EBU R128's absolute gate: ebur128 reports it as the loudness of silence."""
EBUR128 = "ebur128=peak=true:framelog=quiet"
"""ffmpeg's EBU R128 filter with true peak and no line per frame, for measuring a file or an encode as it runs."""


@dataclass(frozen=True)
class Loudness:
    """EBU R128 measurements of a whole file."""

    integrated: float
    """Integrated loudness in LUFS (-70.0 when nothing rises above the absolute gate)."""
    true_peak: float
    """True peak in dBTP (-inf for digital silence)."""


def measure_loudness(path: Path) -> Loudness:
    """Integrated loudness and true peak of the first audio stream of ``path`` (ffmpeg's ebur128)."""
    failure = f"cannot measure the loudness of {path}"
    log = ffmpeg.run(
        ["-i", str(path), "-map", "0:a:0", "-af", EBUR128, "-f", "null", "-"], failure=failure, loglevel="info"
    )
    return loudness_summary(log, failure)


def loudness_summary(log: str, failure: str) -> Loudness:
    """The loudness in the summary that ebur128 prints at the end of an ffmpeg log."""
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
        return ABSOLUTE_GATE_LUFS
    blocks = (hops[:-3] + hops[1:-2] + hops[2:-1] + hops[3:]) / 4
    loud = blocks[_lufs(blocks) > ABSOLUTE_GATE_LUFS]
    if loud.size == 0:
        return ABSOLUTE_GATE_LUFS
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
