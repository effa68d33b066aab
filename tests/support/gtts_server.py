"""A local stand-in for Google Translate's TTS endpoint: the batchexecute protocol exactly as gTTS speaks it.

    with GttsServer(["429", "ok"]) as server:
        settings = Settings(gtts_url=server.url, ...)
        ...
        assert server.texts == ["Hello world"]

Each request takes the next response from the script; once it is used up, ``default`` answers. Responses:

    "ok"         a real MP3 (a short sine tone made with ffmpeg), base64 in Google's envelope
    "429"        HTTP 429 with Retry-After: 0
    "500", ...   any other three-digit HTTP status, with a short text body
    "garbage"    Google's envelope around bytes that are not audio
    "truncated"  Google's envelope around the first bytes of the MP3, too few to decode
    "html"       HTTP 200 with an HTML page (what a consent wall or captive portal sends)
    "slow"       "ok", after sleeping ``slow_seconds`` (longer than the client's timeout)
"""

from __future__ import annotations

import base64
import functools
import json
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
TONE_SECONDS = 0.5
TRUNCATED_BYTES = 60
"""Less than one MP3 frame (96 bytes at 24 kHz, 32 kbit/s): ffmpeg finds no audio in it."""


@functools.cache
def tone_mp3() -> bytes:
    """A TONE_SECONDS 440 Hz tone as Google sends speech: 24 kHz mono 32 kbit/s MP3 without ID3 or Xing header."""
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={TONE_SECONDS}",
        "-ac", "1", "-ar", "24000", "-b:a", "32k", "-id3v2_version", "0", "-write_xing", "0",
        "-f", "mp3", "pipe:1",
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, check=True).stdout


def google_envelope(audio: bytes) -> bytes:
    """A batchexecute response carrying ``audio`` the way Google does: base64 in a JSON string in JSON."""
    payload = json.dumps([base64.b64encode(audio).decode("ascii")])
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

    def queue(self, *responses: str) -> None:
        """Answer the next requests with ``responses``, in order."""
        for response in responses:
            if response not in ("ok", "garbage", "truncated", "html", "slow") and not _is_status(response):
                raise ValueError(f"unknown scripted response {response!r}")
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

    def _next_response(self, text: str, language: str) -> str:
        with self._lock:
            self.texts.append(text)
            self.languages.append(language)
            return self._script.popleft() if self._script else self.default


class _HTTPServer(ThreadingHTTPServer):
    def __init__(self, owner: GttsServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def do_POST(self) -> None:
        owner = self.server.owner
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8")
        request = _parse_request(body) if self.path == BATCHEXECUTE_PATH else None
        if request is None:
            self._send(400, b"not a batchexecute TTS request", "text/plain")
            return
        response = owner._next_response(*request)
        try:
            self._answer(response, owner)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nobody is left to answer

    def _answer(self, response: str, owner: GttsServer) -> None:
        if response == "slow":
            time.sleep(owner.slow_seconds)
            response = "ok"
        if response == "ok":
            self._send(200, google_envelope(tone_mp3()))
        elif response == "garbage":
            self._send(200, google_envelope(b"this is not audio " * 40))
        elif response == "truncated":
            self._send(200, google_envelope(tone_mp3()[:TRUNCATED_BYTES]))
        elif response == "html":
            self._send(200, b"<!doctype html><title>Before you continue</title><p>Accept cookies</p>", "text/html")
        else:
            self._send(int(response), f"HTTP {response}".encode("ascii"), "text/plain")

    def _send(self, status: int, body: bytes, content_type: str = "application/json; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status == 429:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean


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
