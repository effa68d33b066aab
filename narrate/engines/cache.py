"""Synthesised segments stored by content key under NARRATE_HOME/cache (never under public/).

Only keys and paths travel through the broker; the audio stays here.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import wave
from pathlib import Path

from narrate.engines.base import Speech


def segment_key(engine: str, voice_id: str, text: str) -> str:
    """Content key: anything that changes the sound changes the key."""
    payload = "\x1f".join(("narrate-segment-v1", engine, voice_id, text))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class SegmentCache:
    """A directory of mono 16-bit WAV files named by key."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Path | None:
        """The entry's path when it is present and intact; a corrupt entry is removed."""
        path = self.path(key)
        if not path.exists():
            return None
        if not _intact(path):
            path.unlink(missing_ok=True)
            return None
        os.utime(path)  # recency for least-recently-used eviction
        return path

    def put(self, key: str, speech: Speech) -> Path:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(speech.sample_rate)
                out.writeframes(speech.pcm)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path


    def prune(self, max_bytes: int) -> int:
        """Evict least recently used entries until the cache holds at most ``max_bytes``; returns bytes freed."""
        entries = []
        for path in self.root.glob("*/*.wav"):
            try:
                stat = path.stat()
            except FileNotFoundError:  # another worker evicted it
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        freed = 0
        for _, size, path in sorted(entries):
            if total - freed <= max_bytes:
                break
            path.unlink(missing_ok=True)
            freed += size
        return freed


def _intact(path: Path) -> bool:
    """A readable WAV header whose frame count matches the bytes on disk, with some audio."""
    try:
        with wave.open(str(path), "rb") as wav:
            frames = wav.getnframes()
            expected = 44 + frames * wav.getsampwidth() * wav.getnchannels()
            return frames > 0 and wav.getnchannels() == 1 and path.stat().st_size == expected
    except (wave.Error, EOFError, OSError):
        return False
