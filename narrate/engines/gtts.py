"""gTTS: Google Translate's online voice through the gtts package, retried with backoff."""

from __future__ import annotations

import subprocess
import time
from urllib.parse import urlsplit

import imageio_ffmpeg
import requests
from gtts import gTTS, gTTSError

from narrate.engines.base import Speech
from narrate.errors import ConfigError, EngineError
from narrate.settings import Settings

GOOGLE_HOST = "https://translate.google.com"
MP3_SAMPLE_RATE = 24000
"""Google Translate sends 24 kHz mono MP3."""
MAX_RETRY_AFTER = 60.0
"""Longest Retry-After we honour, in seconds; a server asking for more gets this."""


class GttsEngine:
    """Google Translate TTS; ``voice`` is a language tag ("en", "de", ...) overriding settings.gtts_lang."""

    name = "gtts"
    # gTTS cuts text into Google's ~100-character requests itself, at punctuation where it can.
    max_chars = 200
    sample_rate = MP3_SAMPLE_RATE
    settings_used = ("gtts_url", "gtts_lang", "engine_retries", "engine_backoff", "engine_timeout")

    def __init__(self, settings: Settings, voice: str = "") -> None:
        self._host = settings.gtts_url.rstrip("/")
        self._attempts = max(settings.engine_retries, 0) + 1
        self._backoff = max(settings.engine_backoff, 0.0)
        self._timeout = settings.engine_timeout
        language = voice or settings.gtts_lang
        try:
            # gTTS checks the language (and maps deprecated tags) when built; it sends nothing yet.
            self._language = gTTS("-", lang=language).lang
        except ValueError:
            raise ConfigError(f"gtts: unsupported language {language!r}") from None
        self.voice_id = f"gtts lang={self._language} host={self._host or GOOGLE_HOST}"

    def synthesize(self, text: str) -> Speech:
        # gTTS refuses text with nothing to say (blank, punctuation only); such text is silence, not an error.
        if not any(character.isalnum() for character in text):
            return Speech(b"", self.sample_rate)
        return Speech(_decode_mp3(self._fetch_with_retries(text)), self.sample_rate)

    def _fetch_with_retries(self, text: str) -> bytes:
        attempt, delay = 1, self._backoff
        while True:
            try:
                return self._fetch(text)
            except _TransientError as error:
                if attempt >= self._attempts:
                    raise EngineError(f"gtts: {error} after {attempt} attempts") from None
                time.sleep(delay if error.retry_after is None else error.retry_after)
                attempt, delay = attempt + 1, delay * 2

    def _fetch(self, text: str) -> bytes:
        """The MP3 for ``text``: one request per part gTTS cut it into, parts joined."""
        tts = _HostedTTS(text, host=self._host, lang=self._language, lang_check=False, timeout=self._timeout)
        try:
            return b"".join(tts.stream())
        except gTTSError as error:
            response = error.rsp
            if response is None:
                # gTTS raises from inside its handler of the requests error, which says what went wrong.
                if isinstance(error.__context__, requests.Timeout):
                    raise _TransientError(f"no answer within {self._timeout:g} s") from None
                raise _TransientError(f"cannot reach {self._host or GOOGLE_HOST}") from None
            status = response.status_code
            if status == 429 or status >= 500:
                raise _TransientError(f"HTTP {status}", _retry_after(response)) from None
            if status < 400:
                raise EngineError("gtts: the response holds no audio") from None
            raise EngineError(f"gtts: HTTP {status} {response.reason}") from None


class _HostedTTS(gTTS):
    """gTTS sending its requests to ``host`` (another server speaking Google's protocol); empty: Google."""

    def __init__(self, text: str, host: str, **options: object) -> None:
        super().__init__(text, **options)
        self._host = host

    def _prepare_requests(self) -> list[requests.PreparedRequest]:
        prepared: list[requests.PreparedRequest] = super()._prepare_requests()
        if self._host:
            for request in prepared:
                request.prepare_url(self._host + urlsplit(request.url).path, None)
        return prepared


class _TransientError(Exception):
    """A failure worth retrying: no connection, a timeout, HTTP 429 or 5xx."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _retry_after(response: requests.Response) -> float | None:
    """The server's Retry-After in seconds, capped; None when absent or given as a date."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _decode_mp3(mp3: bytes) -> bytes:
    """Mono s16le PCM at MP3_SAMPLE_RATE; EngineError when ``mp3`` holds no decodable audio."""
    if not mp3:
        raise EngineError("gtts: the response holds no audio")
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-f", "mp3", "-i", "pipe:0",
        "-f", "s16le", "-ac", "1", "-ar", str(MP3_SAMPLE_RATE), "pipe:1",
    ]  # fmt: skip
    result = subprocess.run(command, input=mp3, capture_output=True, check=False)
    if result.returncode != 0 or not result.stdout:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise EngineError(f"gtts: the response is not audio ({lines[-1] if lines else 'no samples'})")
    return result.stdout
