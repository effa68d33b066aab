"""The service's fetch connects to the address it checked, not to whatever a second DNS answer says.

A rebinding DNS server answers a harmless address when the guard asks and a private one when the connection is
made. Here the name "rebind.test" resolves to 127.0.0.1 (allow-listed: it stands for a public address) the first
time and to 127.0.0.2 (not allowed: an internal service on the same port) every time after. The DNS server is the
one fake: socket.getaddrinfo answers for that name only; every connection is real.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from narrate.errors import SourceError
from narrate.extract import extract, read_source
from narrate.settings import Settings
from tests.hostile.server import PAGE

SECRET = b"<html><body><article><p>Internal admin console: the password is swordfish.</p></article></body></html>"


class _Site:
    """A server on one loopback address that records the Host header of each request."""

    def __init__(self, address: str, port: int, body: bytes) -> None:
        self.hosts: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                outer.hosts.append(self.headers.get("Host", ""))
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((address, port), Handler)
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def sites() -> Iterator[tuple[_Site, _Site]]:
    public = _Site("127.0.0.1", 0, PAGE)
    port = public.httpd.server_address[1]
    try:
        internal = _Site("127.0.0.2", port, SECRET)
    except OSError:
        public.close()
        pytest.skip("127.0.0.2 is not a loopback address here")
    yield public, internal
    public.close()
    internal.close()


@pytest.fixture
def rebinding_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """getaddrinfo("rebind.test") answers 127.0.0.1 once, then 127.0.0.2; returns the answers given."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        address = "127.0.0.1" if not answers else "127.0.0.2"
        answers.append(address)
        return real(address, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_the_connection_goes_to_the_checked_address_with_the_original_host_name(
    sites: tuple[_Site, _Site], rebinding_dns: list[str]
) -> None:
    public, internal = sites
    port = public.httpd.server_address[1]
    settings = Settings(fetch_allow="127.0.0.1", fetch_timeout=5)
    document = read_source(f"http://rebind.test:{port}/news", settings, public_only=True)
    assert extract(document).title == "Harbour ferry returns"
    assert rebinding_dns == ["127.0.0.1"]  # resolved once, by the guard
    assert public.hosts == [f"rebind.test:{port}"]  # the Host header names the site, not the address
    assert internal.hosts == []


def test_without_the_guard_the_second_answer_would_have_been_used(
    sites: tuple[_Site, _Site], rebinding_dns: list[str]
) -> None:
    """The attack is real: the CLI (no guard, its user's own choice of URL) resolves as usual."""
    public, internal = sites
    port = public.httpd.server_address[1]
    rebinding_dns.append("127.0.0.1")  # the guard's look-up, as the service would have made it
    document = read_source(f"http://rebind.test:{port}/news", Settings(fetch_timeout=5))
    assert b"swordfish" in document.data
    assert internal.hosts == [f"rebind.test:{port}"]


def test_a_name_whose_only_address_is_private_is_refused_before_any_connection(
    sites: tuple[_Site, _Site], rebinding_dns: list[str]
) -> None:
    public, internal = sites
    port = public.httpd.server_address[1]
    rebinding_dns.append("127.0.0.1")  # from now on the name resolves to 127.0.0.2
    with pytest.raises(SourceError, match=r"rebind\.test resolves to a private, loopback or link-local address$") as refusal:
        read_source(f"http://rebind.test:{port}/news", Settings(fetch_allow="127.0.0.1"), public_only=True)
    assert "127.0.0.2" not in str(refusal.value)  # the inside address is not the caller's business
    assert public.hosts == internal.hosts == []


def test_https_keeps_the_host_name_for_sni_and_the_certificate_check(
    tmp_path: Path, rebinding_dns: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pinned to 127.0.0.1, the TLS handshake still names rebind.test, and the certificate is checked against it."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=rebind.test", "-addext", "subjectAltName=DNS:rebind.test"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust this one certificate, as a CA would be trusted
    names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,func-returns-value]
    site = _Site("127.0.0.1", 0, PAGE)
    site.httpd.socket = context.wrap_socket(site.httpd.socket, server_side=True)
    port = site.httpd.server_address[1]
    try:
        settings = Settings(fetch_allow="127.0.0.1", fetch_timeout=5)
        document = read_source(f"https://rebind.test:{port}/news", settings, public_only=True)
        assert extract(document).title == "Harbour ferry returns"
        assert names == ["rebind.test"] and site.hosts == [f"rebind.test:{port}"]
        assert rebinding_dns == ["127.0.0.1"]
        # The same server under a name its certificate does not carry is refused, pinned or not.
        with pytest.raises(SourceError, match="certificate verify failed"):
            other = Settings(fetch_allow="localhost", fetch_timeout=5)
            read_source(f"https://localhost:{port}/news", other, public_only=True)
    finally:
        site.close()
