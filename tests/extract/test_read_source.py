"""Reading sources: files, standard input and URLs on a real local HTTP server; and decoding."""

from __future__ import annotations

import io
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from narrate.errors import EmptyArticleError, SourceError
from narrate.extract import Document, extract, read_source
from narrate.extract.decode import decode_bytes
from narrate.settings import Settings

REPO = Path(__file__).resolve().parents[2]
TEXT_EXAMPLE = REPO / "examples" / "example-article.txt"
ARTICLE_HTML = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='windows-1252'><title>Rates Rise Again</title></head>"
    "<body><article><h1>Rates Rise Again</h1><p>The utility’s board approved a 9% increase on Monday, "
    "the third in as many years.</p><p>Residents who fall behind face a $75 “reconnection” fee.</p>"
    "</article></body></html>"
)


# -- files and standard input -------------------------------------------------------------------


def test_file_kinds_by_extension_and_by_sniffing(tmp_path: Path) -> None:
    settings = Settings()
    (tmp_path / "a.htm").write_text(ARTICLE_HTML, encoding="cp1252")
    (tmp_path / "b.markdown").write_text("# Title\n\nText.\n", encoding="utf-8")
    (tmp_path / "page").write_text(ARTICLE_HTML, encoding="cp1252")
    (tmp_path / "notes.data").write_text("---\ntitle: T\n---\nText.\n", encoding="utf-8")
    (tmp_path / "plain").write_text("Just words.\n\nMore words.\n", encoding="utf-8")
    names = ("a.htm", "b.markdown", "page", "notes.data", "plain")
    found = {name: read_source(str(tmp_path / name), settings) for name in names}
    assert {name: document.kind for name, document in found.items()} == {
        "a.htm": "html",
        "b.markdown": "markdown",
        "page": "html",
        "notes.data": "markdown",
        "plain": "text",
    }
    assert found["a.htm"].url is None
    assert extract(found["page"]).blocks[0].text.startswith("The utility’s board approved a 9% increase")


def test_cp1252_text_file_comes_out_right(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(TEXT_EXAMPLE.read_text(encoding="utf-8").encode("cp1252"))
    article = extract(read_source(str(path), Settings()))
    assert article.blocks[0].text.startswith("Riverton’s city council will vote")
    assert "roughly one in nine accounts" in article.body_text and "households — roughly" in article.body_text
    assert "“well-meaning but open-ended.”" in article.body_text


def test_decoding_order() -> None:
    text = "Zoë’s “café” costs €5 — naïve façade."
    assert decode_bytes(text.encode("cp1252")) == text
    assert decode_bytes("Le café était fermé à Noël.".encode("latin-1")) == "Le café était fermé à Noël."
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_bytes(text.encode("utf-16")) == text  # with its byte order mark
    russian = "Привет, как дела? Это тест."
    assert decode_bytes(russian.encode("koi8-r"), declared="koi8-r") == russian
    # A declaration that the bytes contradict loses to what the bytes are.
    assert decode_bytes(text.encode("utf-8"), declared="ascii") == text


def test_missing_file_directory_and_size_limit(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"^cannot read .*nope\.txt: no such file$"):
        read_source(str(tmp_path / "nope.txt"), Settings())
    with pytest.raises(SourceError, match="is a directory"):
        read_source(str(tmp_path), Settings())
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 400)
    with pytest.raises(SourceError, match="larger than the 1000-byte limit"):
        read_source(str(big), Settings(fetch_max_bytes=1000))


def test_standard_input() -> None:
    document = read_source("-", Settings(), stdin=io.BytesIO(TEXT_EXAMPLE.read_bytes()))
    assert (document.kind, document.url, document.name) == ("text", None, "standard input")
    assert extract(document).title == "Riverton Council Weighs a Right to Water for Every Household"
    markdown = read_source("-", Settings(), stdin=io.BytesIO(b"# Hello\n\nA [link](x) here.\n"))
    assert markdown.kind == "markdown"
    assert extract(markdown).body_text == "A link here."
    with pytest.raises(EmptyArticleError, match="^no article text found in standard input$"):
        extract(read_source("-", Settings(), stdin=io.BytesIO(b"Skip to main content\nMenu\n")))


# -- URLs ----------------------------------------------------------------------------------------


@dataclass
class Route:
    """A canned response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_length: bool = True
    """False: no Content-Length; the body ends when the connection closes."""


class LocalServer:
    """A real HTTP server on 127.0.0.1, on a free port, answering from ``routes``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path, Route(404, b"not here"))
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.content_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    server = LocalServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def test_url_page(http_server: LocalServer) -> None:
    http_server.routes["/rates"] = Route(
        body=ARTICLE_HTML.encode("cp1252"), headers={"Content-Type": "text/html; charset=windows-1252"}
    )
    document = read_source(http_server.url("/rates"), Settings())
    assert document == Document(
        ARTICLE_HTML.encode("cp1252"), "html", http_server.url("/rates"), "windows-1252", http_server.url("/rates")
    )
    article = extract(document)
    assert article.title == "Rates Rise Again"
    assert article.body_text == (
        "The utility’s board approved a 9% increase on Monday, the third in as many years.\n\n"
        "Residents who fall behind face a $75 “reconnection” fee."
    )
    assert article.canonical_url == http_server.url("/rates")
    user_agent = http_server.requests[0][1]["User-Agent"]
    assert user_agent.startswith("Mozilla/5.0") and "Narrate/" in user_agent


def test_url_redirect_chain_ends_at_the_final_url(http_server: LocalServer) -> None:
    http_server.routes["/old"] = Route(301, headers={"Location": http_server.url("/moved")})
    http_server.routes["/moved"] = Route(302, headers={"Location": "/articles/final.md"})  # relative
    http_server.routes["/articles/final.md"] = Route(
        body=b"# Final\n\nArrived **safely**.\n", headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    document = read_source(http_server.url("/old"), Settings())
    assert document.url == http_server.url("/articles/final.md")
    assert document.kind == "markdown"  # text/plain, but a .md path
    assert [path for path, _ in http_server.requests] == ["/old", "/moved", "/articles/final.md"]
    assert extract(document).body_text == "Arrived safely."


def test_url_redirect_loop_and_too_many_redirects(http_server: LocalServer) -> None:
    http_server.routes["/a"] = Route(302, headers={"Location": "/b"})
    http_server.routes["/b"] = Route(307, headers={"Location": "/a"})
    with pytest.raises(SourceError, match=r"redirect loop at http://127\.0\.0\.1:\d+/a$"):
        read_source(http_server.url("/a"), Settings())
    for step in range(4):
        http_server.routes[f"/hop{step}"] = Route(302, headers={"Location": f"/hop{step + 1}"})
    http_server.routes["/hop4"] = Route(body=b"Done.", headers={"Content-Type": "text/plain"})
    with pytest.raises(SourceError, match="more than 3 redirects"):
        read_source(http_server.url("/hop0"), Settings(fetch_max_redirects=3))
    assert read_source(http_server.url("/hop0"), Settings(fetch_max_redirects=4)).data == b"Done."


def test_url_http_errors(http_server: LocalServer) -> None:
    http_server.routes["/gone"] = Route(404, b"<h1>Not Found</h1>", {"Content-Type": "text/html"})
    http_server.routes["/broken"] = Route(503, b"down", {"Content-Type": "text/plain"})
    with pytest.raises(SourceError, match=r"^could not fetch http://127\.0\.0\.1:\d+/gone: HTTP 404 Not Found$"):
        read_source(http_server.url("/gone"), Settings())
    with pytest.raises(SourceError, match="HTTP 503"):
        read_source(http_server.url("/broken"), Settings())


def test_url_body_over_the_size_cap(http_server: LocalServer) -> None:
    body = b"<html><body>" + b"<p>words words words</p>" * 200 + b"</body></html>"
    http_server.routes["/declared"] = Route(body=body, headers={"Content-Type": "text/html"})
    http_server.routes["/streamed"] = Route(body=body, headers={"Content-Type": "text/html"}, content_length=False)
    for path in ("/declared", "/streamed"):
        with pytest.raises(SourceError, match="larger than the 1000-byte limit"):
            read_source(http_server.url(path), Settings(fetch_max_bytes=1000))
    assert read_source(http_server.url("/streamed"), Settings()).data == body


def test_url_schemes_and_content_types(http_server: LocalServer) -> None:
    with pytest.raises(SourceError, match=r"^cannot read ftp://example\.org/a\.html: only http and https"):
        read_source("ftp://example.org/a.html", Settings())
    http_server.routes["/to-file"] = Route(302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(SourceError, match=r"redirected to file:///etc/passwd\): only http and https"):
        read_source(http_server.url("/to-file"), Settings())
    http_server.routes["/photo"] = Route(body=b"\x89PNG\r\n", headers={"Content-Type": "image/png"})
    with pytest.raises(SourceError, match="it is image/png, not an HTML, Markdown, text or PDF article"):
        read_source(http_server.url("/photo"), Settings())
    http_server.routes["/report.pdf"] = Route(body=b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    with pytest.raises(SourceError, match="not a readable PDF"):  # read as a PDF, never as text
        extract(read_source(http_server.url("/report.pdf"), Settings()))


def test_url_nobody_listening() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceError, match=rf"^could not fetch http://127\.0\.0\.1:{port}/x: "):
        read_source(f"http://127.0.0.1:{port}/x", Settings(fetch_timeout=2))


def test_a_pdf_url_is_read_as_a_pdf(http_server: LocalServer) -> None:
    from tests.extract.test_extract_pdf import COLUMNS, two_column_report

    http_server.routes["/reports/water"] = Route(body=two_column_report(), headers={"Content-Type": "application/pdf"})
    document = read_source(http_server.url("/reports/water"), Settings())
    assert document.kind == "pdf"
    article = extract(document)
    assert (article.title, article.author) == ("Water Rights in the Valley", "Dana Whitfield")
    assert article.body_text == "\n\n".join(text for page in COLUMNS for text in page)
    assert article.canonical_url == http_server.url("/reports/water")  # what names the episode
