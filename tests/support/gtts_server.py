"""A local stand-in for Google Translate's TTS endpoint: the batchexecute protocol exactly as gTTS speaks it.

    with GttsServer(["429", "ok"]) as server:
        settings = Settings(gtts_url=server.url, ...)
        ...
        assert server.texts == ["Hello world"]

Each request takes the next response from the script; once it is used up, ``default`` answers. A response is a
name, some with an argument after a colon:

    "ok"                a real MP3 (a sine tone lasting speech_seconds(text)), base64 in Google's envelope
    "slow"              "ok" after sleeping ``slow_seconds``; "slow:0.3" after 0.3 s
    "429"               HTTP 429 with Retry-After: 0; "429:1.5" with Retry-After: 1.5
    "500", ...          any other three-digit HTTP status with a short text body; "503:2" adds Retry-After: 2
                        (the argument is sent as it is: "503:Wed, 21 Oct 2026 07:28:00 GMT" too)
    "cut"               the "ok" answer cut off half-way: Content-Length promises more, then the connection closes
    "stall"             half of the "ok" answer, then nothing for ``slow_seconds``, then the connection closes
    "truncated-json"    a complete HTTP answer whose batchexecute JSON stops half-way through the audio string
    "truncated-base64"  valid JSON around base64 audio that stops short (an odd number of characters)
    "truncated"         Google's envelope around the first bytes of the MP3, too few to decode
    "garbage"           Google's envelope around text bytes that are not audio
    "random"            Google's envelope around random bytes
    "binary"            HTTP 200 whose whole body is random bytes
    "html"              HTTP 200 with an HTML page (what a consent wall or captive portal sends)
    "silence"           a real MP3 of digital silence as long as the speech would be
    "short"             a real MP3 of a 50 ms tone, whatever the text (an answer too short for its words)

The server records what it saw: ``texts`` and ``languages`` per request, ``arrivals`` (time.monotonic() when
each request came in), ``answered`` (when its answer started to go out) and ``max_in_flight`` (most requests
it was answering at once).
"""

from __future__ import annotations

import base64
import functools
import json
import random
import subprocess
import threading
import time
from collections import deque
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs

import imageio_ffmpeg

BATCHEXECUTE_PATH = "/_/TranslateWebserverUi/data/batchexecute"
TTS_RPC = "jQ1olc"
SECONDS_PER_CHARACTER = 0.065
"""How long the stand-in speaks per character of text: about Google's English voice (~15 characters a second)."""
MIN_SPEECH_SECONDS = 0.3
SHORT_SECONDS = 0.05
TRUNCATED_BYTES = 60
"""Less than one MP3 frame (96 bytes at 24 kHz, 32 kbit/s): ffmpeg finds no audio in it."""

_NAMES = (
    "ok", "slow", "cut", "stall", "truncated-json", "truncated-base64", "truncated", "garbage", "random", "binary",
    "html", "silence", "short",
)  # fmt: skip


def speech_seconds(text: str) -> float:
    """How long the "ok" answer for ``text`` lasts (before the MP3 encoder's padding), in 50 ms steps."""
    return round(max(MIN_SPEECH_SECONDS, SECONDS_PER_CHARACTER * len(text)) * 20) / 20


@functools.cache
def tone_mp3(seconds: float = MIN_SPEECH_SECONDS, frequency: int = 440) -> bytes:
    """A sine tone as Google sends speech: 24 kHz mono 32 kbit/s MP3 without ID3 or Xing header; 0 Hz: silence."""
    source = f"sine=frequency={frequency}:duration={seconds}" if frequency else f"anullsrc=r=24000:cl=mono:d={seconds}"
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-f", "lavfi", "-i", source,
        "-ac", "1", "-ar", "24000", "-b:a", "32k", "-id3v2_version", "0", "-write_xing", "0",
        "-f", "mp3", "pipe:1",
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, check=True).stdout


def google_envelope(audio: bytes | str) -> bytes:
    """A batchexecute response carrying ``audio`` the way Google does: base64 in a JSON string in JSON."""
    encoded = audio if isinstance(audio, str) else base64.b64encode(audio).decode("ascii")
    payload = json.dumps([encoded])
    first = json.dumps([["wrb.fr", TTS_RPC, payload, None, None, None, "generic"]], separators=(",", ":"))
    last = json.dumps([["e", 4, None, None, len(first)]], separators=(",", ":"))
    return f")]}}'\n\n{len(first)}\n{first}\n{len(last)}\n{last}\n".encode("utf-8")


class GttsServer:
    """HTTP server on 127.0.0.1 (a free port) answering gTTS's requests from a script of responses."""

    def __init__(self, responses: Iterable[str] = (), *, default: str = "ok", slow_seconds: float = 2.0) -> None:
        self.default = default
        self.slow_seconds = slow_seconds
        self.texts: list[str] = []
        """Text of every request received, in order (also for the ones answered with an error)."""
        self.languages: list[str] = []
        self.arrivals: list[float] = []
        """time.monotonic() at each request's arrival, in order."""
        self.answered: dict[int, float] = {}
        """time.monotonic() just before the body of request ``i``'s answer was written (an answer never sent: absent)."""
        self.in_flight = 0
        self.max_in_flight = 0
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self._http = _HTTPServer(self)
        self._thread: threading.Thread | None = None
        self.queue(*responses)

    @property
    def url(self) -> str:
        """Base URL to give the engine (settings.gtts_url)."""
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def request_count(self) -> int:
        return len(self.texts)

    def gaps(self) -> list[float]:
        """Seconds from each answer starting to go out to the next request's arrival: the client's wait between
        attempts, plus its own work on the answer and its reconnecting, never less than the wait.

        The server's own work on an answer (making the tone with ffmpeg, which is slow on a loaded machine) is not
        counted: the clock starts when the answer's head is written, before the client can have read any of it."""
        missing = [index for index in range(len(self.arrivals) - 1) if index not in self.answered]
        if missing:
            raise AssertionError(f"requests {missing} were never answered: measure their retries from the client")
        return [self.arrivals[index + 1] - self.answered[index] for index in range(len(self.arrivals) - 1)]

    def queue(self, *responses: str) -> None:
        """Answer the next requests with ``responses``, in order."""
        for response in responses:
            _parse_response(response)  # refuse a typo now, not in the server's thread
        with self._lock:
            self._script.extend(responses)

    def start(self) -> "GttsServer":
        # A short poll interval: stop() waits up to one interval for the serving loop to notice.
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._http.shutdown()
            self._thread.join()
            self._thread = None
        self._http.server_close()

    def __enter__(self) -> "GttsServer":
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def _arrive(self, text: str, language: str) -> tuple[int, str]:
        """The request's index and the response to give it."""
        with self._lock:
            index = len(self.texts)
            self.texts.append(text)
            self.languages.append(language)
            self.arrivals.append(time.monotonic())
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return index, self._script.popleft() if self._script else self.default

    def _answer_starts(self, index: int) -> None:
        with self._lock:
            self.answered.setdefault(index, time.monotonic())

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: GttsServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    index: int | None = None
    """Which of the server's requests this is (None for one it refused as not gTTS's)."""

    def do_POST(self) -> None:
        owner = self.server.owner
        self.index = None  # a kept-alive connection brings several requests
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8")
        request = _parse_request(body) if self.path == BATCHEXECUTE_PATH else None
        if request is None:
            self._send(400, b"not a batchexecute TTS request", "text/plain")
            return
        self.index, response = owner._arrive(*request)
        try:
            self._answer(response, request[0], owner)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nobody is left to answer
        finally:
            owner._leave()

    def _answer(self, response: str, text: str, owner: GttsServer) -> None:
        name, argument = _parse_response(response)
        speech = tone_mp3(speech_seconds(text))
        if name == "slow":
            time.sleep(owner.slow_seconds if argument is None else float(argument))
            name = "ok"
        if name == "ok":
            self._send(200, google_envelope(speech))
        elif name in ("cut", "stall"):
            whole = google_envelope(speech)
            self._send_head(200, len(whole))
            self.wfile.write(whole[: len(whole) // 2])
            self.wfile.flush()
            if name == "stall":
                time.sleep(owner.slow_seconds)
            self.close_connection = True
        elif name == "truncated-json":
            whole = google_envelope(speech)
            self._send(200, whole[: whole.index(b"wrb.fr") + len(whole) // 2])
        elif name == "truncated-base64":
            encoded = base64.b64encode(speech).decode("ascii")
            self._send(200, google_envelope(encoded[: len(encoded) // 2 | 1]))
        elif name == "truncated":
            self._send(200, google_envelope(speech[:TRUNCATED_BYTES]))
        elif name == "garbage":
            self._send(200, google_envelope(b"this is not audio " * 40))
        elif name == "random":
            self._send(200, google_envelope(random.Random(len(text)).randbytes(4000)))
        elif name == "binary":
            self._send(200, random.Random(len(text)).randbytes(4000), "application/octet-stream")
        elif name == "html":
            self._send(200, b"<!doctype html><title>Before you continue</title><p>Accept cookies</p>", "text/html")
        elif name == "silence":
            self._send(200, google_envelope(tone_mp3(speech_seconds(text), frequency=0)))
        elif name == "short":
            self._send(200, google_envelope(tone_mp3(SHORT_SECONDS)))
        else:
            retry_after = "0" if name == "429" and argument is None else argument
            self._send(int(name), f"HTTP {name}".encode("ascii"), "text/plain", retry_after)

    def _send(
        self, status: int, body: bytes, content_type: str = "application/json; charset=utf-8",
        retry_after: str | None = None,
    ) -> None:  # fmt: skip
        self._send_head(status, len(body), content_type, retry_after)
        self.wfile.write(body)

    def _send_head(
        self, status: int, length: int, content_type: str = "application/json; charset=utf-8",
        retry_after: str | None = None,
    ) -> None:  # fmt: skip
        # The clock starts as the head goes out: a client may act on the status before the body comes (a 429).
        if self.index is not None:
            self.server.owner._answer_starts(self.index)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean


def _parse_response(response: str) -> tuple[str, str | None]:
    """("name", argument or None) of a scripted response; ValueError for one this server does not know."""
    name, colon, argument = response.partition(":")
    if name not in _NAMES and not _is_status(name):
        raise ValueError(f"unknown scripted response {response!r}")
    if not colon:
        return name, None
    if name == "slow":
        float(argument)
    elif not _is_status(name):
        raise ValueError(f"scripted response {name!r} takes no argument")
    return name, argument


def _parse_request(body: str) -> tuple[str, str] | None:
    """(text, language) from gTTS's form body ``f.req=[[["jQ1olc", "[text, lang, speed, \\"null\\"]", ...]]]``."""
    try:
        rpc = json.loads(parse_qs(body)["f.req"][0])
        name, parameters = rpc[0][0][0], json.loads(rpc[0][0][1])
        text, language = parameters[0], parameters[1]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if name != TTS_RPC or not isinstance(text, str) or not isinstance(language, str):
        return None
    return text, language


def _is_status(response: str) -> bool:
    return len(response) == 3 and response.isdigit() and 100 <= int(response) <= 599
