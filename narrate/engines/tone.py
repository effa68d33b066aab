"""Tone: a deterministic stand-in voice for fast tests of everything around the engines.

Each word becomes a short sine tone: its pitch comes from a stable hash of the word (punctuation included),
its length from the word's length, with short gaps between words and longer ones after sentence
punctuation. The same text always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import math
import time

import numpy as np

from narrate.engines.base import Speech
from narrate.settings import Settings

SAMPLE_RATE = 22050
TONE_RMS_DBFS = -20.0
"""Deliberately quieter than the episode target, so loudness normalisation has real work."""

_PEAK = 32767 * 10 ** (TONE_RMS_DBFS / 20) * math.sqrt(2)  # a sine's RMS is its peak over sqrt(2)
_GAP_SECONDS = 0.06
_PAUSE_SECONDS = 0.25
_FADE_SECONDS = 0.005
_PAUSE_AFTER = (".", "!", "?", ";", ":")


class ToneEngine:
    name = "tone"
    voice_id = "tone v1"
    """Bump the version whenever the sound changes, so cached audio is not reused."""
    max_chars = 400
    sample_rate = SAMPLE_RATE
    settings_used: tuple[str, ...] = ()

    def __init__(self, settings: Settings | None = None, voice: str = "") -> None:
        # The only "voice" is "delay=SECONDS": every segment then takes that long, so fault tests can stop a
        # worker in the middle of a render. The sound is the same; the cache key is not (voice_id differs).
        self._delay = 0.0
        if voice.startswith("delay="):
            self._delay = float(voice.removeprefix("delay="))
            self.voice_id = f"tone v1 {voice}"

    def synthesize(self, text: str) -> Speech:
        time.sleep(self._delay)
        parts: list[np.ndarray] = []
        for word in text.split():
            parts.append(_tone(word))
            gap = _PAUSE_SECONDS if word.endswith(_PAUSE_AFTER) else _GAP_SECONDS
            parts.append(np.zeros(round(gap * SAMPLE_RATE)))
        if not parts:
            return Speech(b"", SAMPLE_RATE)
        samples = np.round(np.concatenate(parts)).astype("<i2")
        return Speech(samples.tobytes(), SAMPLE_RATE)


def _tone(word: str) -> np.ndarray:
    """One word's sine tone, faded in and out so words do not click."""
    digest = hashlib.sha256(word.encode("utf-8")).digest()
    frequency = 200 + int.from_bytes(digest[:4], "big") % 600
    seconds = min(0.08 + 0.03 * len(word), 0.5)
    count = round(seconds * SAMPLE_RATE)
    tone = _PEAK * np.sin(2 * np.pi * frequency * np.arange(count) / SAMPLE_RATE)
    fade = round(_FADE_SECONDS * SAMPLE_RATE)
    ramp = np.linspace(0.0, 1.0, fade)
    tone[:fade] *= ramp
    tone[-fade:] *= ramp[::-1]
    return tone
