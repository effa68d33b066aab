"""gTTS: Google Translate's online voice. gTTS cuts the text and builds the requests; we send them.

Sending them ourselves lets every fault be told apart and retried on its own: each of gTTS's ~100-character
requests is tried up to 1 + engine_retries times, waiting engine_backoff seconds, doubling, or what the server's
Retry-After asks (capped), before the engine gives up with the last fault in one line. Every answer is checked:
complete, Google's envelope, base64 that decodes, an MP3 that decodes, and audio long and loud enough for the
words of that request, so a bad answer is retried rather than becoming a silent gap in the episode.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.utils
import json
import logging
import re
import subprocess
import time
from urllib.parse import urlsplit

import imageio_ffmpeg
import requests
from gtts import gTTS
from urllib3.exceptions import DecodeError, HTTPError, ProtocolError, ReadTimeoutError

from narrate.engines.base import Speech
from narrate.engines.speak import speech_problem
from narrate.errors import ConfigError, EngineError
from narrate.settings import Settings

log = logging.getLogger(__name__)

GOOGLE_HOST = "https://translate.google.com"
TTS_RPC = "jQ1olc"
"""Google's name for the text-to-speech call inside a batchexecute request and its answer."""
MP3_SAMPLE_RATE = 24000
"""Google Translate sends 24 kHz mono MP3."""
MAX_RETRY_AFTER = 60.0
"""Longest Retry-After we honour, in seconds; a server asking for more gets this."""
MAX_ANSWER_BYTES = 16 * 1024 * 1024
"""Far more than the MP3 of ~100 characters (about 30 kB): anything larger is not an answer to our request."""


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
        tts = _HostedTTS(text, host=self._host, lang=self._language, lang_check=False)
        parts = tts._tokenize(text)
        # A session per call: the engine object is shared by threads, a requests.Session must not be.
        with requests.Session() as session:
            pcm = b"".join(
                self._speak_part(session, part, request) for part, request in zip(parts, tts._prepare_requests())
            )
        return Speech(pcm, self.sample_rate)

    def _speak_part(self, session: requests.Session, part: str, request: requests.PreparedRequest) -> bytes:
        """PCM of one request's text, retried until it comes back right or the attempts run out."""
        attempt = 1
        while True:
            try:
                return self._attempt(session, part, request)
            except _TransientError as error:
                if attempt >= self._attempts:
                    raise EngineError(f"gtts: {error} (gave up after {attempt} attempts)") from None
                wait = self._backoff * 2 ** (attempt - 1) if error.retry_after is None else error.retry_after
                log.warning("gtts: %s (attempt %d of %d); again in %.3g s", error, attempt, self._attempts, wait)
                time.sleep(wait)
                attempt += 1

    def _attempt(self, session: requests.Session, part: str, request: requests.PreparedRequest) -> bytes:
        pcm = _decode_mp3(_audio_in(*self._download(session, request)))
        problem = speech_problem(part, Speech(pcm, MP3_SAMPLE_RATE))
        if problem is not None:
            raise _TransientError(f"the server {problem}")
        return pcm

    def _download(self, session: requests.Session, request: requests.PreparedRequest) -> tuple[str, bytes]:
        """The answer's Content-Type and whole body; _TransientError for a fault worth another try."""
        deadline = time.monotonic() + self._timeout
        try:
            response = session.send(request, stream=True, timeout=self._timeout)
        except requests.Timeout:
            raise _TransientError(f"no answer within {self._timeout:g} s") from None
        except requests.RequestException:
            raise _TransientError(f"cannot reach {self._host or GOOGLE_HOST}") from None
        with response:
            status = response.status_code
            if status in (408, 429) or status >= 500:
                raise _TransientError(f"HTTP {status}", _retry_after(response))
            if status >= 400:
                raise EngineError(f"gtts: HTTP {status} {response.reason}")
            body = bytearray()
            try:
                # The socket timeout bounds each read; the deadline bounds a server that trickles its answer.
                for chunk in response.raw.stream(64 * 1024, decode_content=True):
                    body += chunk
                    if time.monotonic() > deadline:
                        raise _TransientError(f"no complete answer within {self._timeout:g} s")
                    if len(body) > MAX_ANSWER_BYTES:
                        raise _TransientError(f"the answer is larger than {MAX_ANSWER_BYTES // 2**20} MiB")
            except ReadTimeoutError:
                raise _TransientError(f"the answer stalled for {self._timeout:g} s") from None
            except (ProtocolError, DecodeError):
                raise _TransientError("the answer was cut short") from None
            except (HTTPError, OSError) as error:
                raise _TransientError(f"the answer could not be read ({type(error).__name__})") from None
            return response.headers.get("Content-Type", ""), bytes(body)


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
    """A fault worth another try: no connection, a timeout, HTTP 408, 429 or 5xx, an answer that is not speech."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _retry_after(response: requests.Response) -> float | None:
    """The server's Retry-After (seconds or an HTTP date) in seconds, capped; None when absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        seconds = (when - dt.datetime.now(dt.timezone.utc)).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _audio_in(content_type: str, body: bytes) -> bytes:
    """The MP3 bytes in a batchexecute answer: base64 in a JSON string in the JSON chunk that answers TTS_RPC."""
    text = body.decode("utf-8", "replace")
    if "html" in content_type.lower() or text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        raise _TransientError("the answer is an HTML page, not audio")
    for line in text.splitlines():
        if TTS_RPC not in line:
            continue
        try:
            chunk = json.loads(line)
        except ValueError:
            raise _TransientError("the answer's JSON was cut short") from None
        for entry in chunk if isinstance(chunk, list) else []:
            if isinstance(entry, list) and entry[:2] == ["wrb.fr", TTS_RPC] and len(entry) > 2:
                return _decode_base64(entry[2])
    raise _TransientError("the answer holds no audio")


def _decode_base64(payload: object) -> bytes:
    """The MP3 in ``payload``, the JSON text of a list whose first item is the base64 audio."""
    try:
        encoded = json.loads(payload)[0] if isinstance(payload, str) else None
    except (ValueError, LookupError, TypeError):
        encoded = None
    if not isinstance(encoded, str) or not encoded:
        raise _TransientError("the answer holds no audio")
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error:
        if len(encoded) % 4:
            raise _TransientError("the answer's base64 audio was cut short") from None
        raise _TransientError("the answer's audio is not base64") from None


def _decode_mp3(mp3: bytes) -> bytes:
    """Mono s16le PCM at MP3_SAMPLE_RATE; _TransientError when ``mp3`` holds no decodable audio."""
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-f", "mp3", "-i", "pipe:0",
        "-f", "s16le", "-ac", "1", "-ar", str(MP3_SAMPLE_RATE), "pipe:1",
    ]  # fmt: skip
    result = subprocess.run(command, input=mp3, capture_output=True, check=False)
    if result.returncode != 0 or not result.stdout:
        # ffmpeg's first complaint names the fault; later lines only say that opening the input failed.
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = re.sub(r"^\[[^]]*\]\s*", "", lines[0]).rstrip(".") if lines else "no samples"
        raise _TransientError(f"the answer is not audio: {reason}")
    return result.stdout
