"""espeak-ng: the last-resort offline voice, run as a program when it is installed."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import wave
from pathlib import Path

from narrate.engines.base import Speech
from narrate.errors import ConfigError, EngineError, NarrateError
from narrate.settings import Settings

DEFAULT_VOICE = "en"


class EspeakEngine:
    """espeak-ng (or the older espeak) on PATH; ``voice`` is an espeak voice name such as "en" or "de"."""

    name = "espeak"
    max_chars = 400
    settings_used = ("engine_timeout",)

    def __init__(self, settings: Settings, voice: str = "") -> None:
        program = shutil.which("espeak-ng") or shutil.which("espeak")
        if program is None:
            raise ConfigError(
                "espeak: espeak-ng is not installed (e.g. apt-get install espeak-ng); choose another engine"
            )
        self._program = program
        self._voice = voice or DEFAULT_VOICE
        self._timeout = settings.engine_timeout
        # Speaking nothing checks the voice once, here, and tells the sample rate.
        silence = self._run("", error=ConfigError)
        with wave.open(io.BytesIO(silence)) as wav:
            self.sample_rate: int = wav.getframerate()
        version = subprocess.run([program, "--version"], capture_output=True, text=True, check=False).stdout
        found = re.search(r"\d+(?:\.\d+)+", version)
        self.voice_id = f"{Path(program).name} {found.group() if found else 'unknown'} voice={self._voice}"

    def synthesize(self, text: str) -> Speech:
        if not text.strip():
            return Speech(b"", self.sample_rate)
        with wave.open(io.BytesIO(self._run(text, error=EngineError))) as wav:
            if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                raise EngineError("espeak: expected mono 16-bit WAV output")
            # On a pipe espeak cannot go back to write the length, so the header overstates it: read to the end.
            return Speech(wav.readframes(wav.getnframes()), wav.getframerate())

    def _run(self, text: str, error: type[NarrateError]) -> bytes:
        """WAV bytes of ``text``; ``error`` is raised when espeak fails."""
        command = [self._program, "--stdout", "-v", self._voice, "--", text]
        try:
            result = subprocess.run(command, capture_output=True, timeout=self._timeout, check=False)
        except subprocess.TimeoutExpired:
            raise EngineError(f"espeak: no audio within {self._timeout:g} s") from None
        if result.returncode != 0 or not result.stdout:
            message = result.stderr.decode("utf-8", "replace").strip() or f"exit status {result.returncode}"
            raise error(f"espeak: voice {self._voice!r}: {message}")
        return result.stdout
