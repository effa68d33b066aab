"""The text-to-speech engine interface: one method, ``synthesize(text) -> Speech``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Speech:
    """Mono signed 16-bit little-endian PCM that carries its own sample rate."""

    pcm: bytes
    sample_rate: int

    sample_width = 2
    channels = 1

    @property
    def duration(self) -> float:
        return len(self.pcm) / (self.sample_width * self.sample_rate)


class Engine(Protocol):
    name: str
    """Registry name: "piper", "gtts", "espeak", "tone"."""
    voice_id: str
    """Identifies the voice and every setting that changes the sound (part of the cache key)."""
    max_chars: int
    """Longest text one call accepts; the script never sends more."""
    sample_rate: int

    def synthesize(self, text: str) -> Speech:
        """Speak ``text``; raise EngineError (after any retries) when that is impossible."""
        ...
