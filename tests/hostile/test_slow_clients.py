"""Slow clients (slowloris) against the real server: request headers have NARRATE_HEADER_TIMEOUT seconds, in all.

A client that trickles its headers a byte at a time, that connects and says nothing, or that keeps a connection
alive and then trickles its next request, is closed when the deadline passes (with a 408 when it had started a
request). Clients that send their headers in pieces, but in time, are served.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from narrate.errors import ConfigError
from narrate.settings import Settings
from narrate.web.server import server_config
from tests.web.conftest import Start
from tests.web.service import Running

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 1.0
SLACK = 2.5  # a loaded 2-core test machine may be late; a server without the deadline never closes at all


@pytest.fixture
def quick(start_service: Start, home: Path) -> Running:
    (home / "public" / "feeds").mkdir(parents=True)
    (home / "public" / "feeds" / "main.xml").write_bytes(b"<rss/>")
    return start_service(header_timeout=TIMEOUT)


def connect(url: str) -> socket.socket:
    where = urlsplit(url)
    return socket.create_connection((where.hostname, where.port), timeout=10)


def trickle(sock: socket.socket, data: bytes, every: float = 0.1, give_up: float = 8.0) -> tuple[bytes, float]:
    """Send ``data`` a byte per ``every`` seconds (then keep sending header bytes) until the server answers or
    closes; returns what it sent back, read to the end, and the seconds it took."""
    started = time.monotonic()
    stream = iter(data + b"X-Slow: " + b"a" * 1000)
    while time.monotonic() - started < give_up:
        readable, _, _ = select.select([sock], [], [], every)
        if readable:  # the server spoke or closed: stop sending, so that no reset can drop its answer
            return read_all(sock), time.monotonic() - started
        sock.send(bytes([next(stream)]))
    raise AssertionError(f"the server still read headers after {give_up} s")


def read_all(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_headers_sent_a_byte_at_a_time_are_cut_off_with_408(quick: Running) -> None:
    with connect(quick.url) as sock:
        answer, seconds = trickle(sock, b"GET /feeds/main.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    assert TIMEOUT * 0.9 <= seconds < TIMEOUT + SLACK
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 Request Timeout\r\n") and b"connection: close" in head
    assert body == b'{"error": "the request headers took over 1 seconds"}'


def test_a_request_line_never_finished_is_cut_off_too(quick: Running) -> None:
    with connect(quick.url) as sock:
        answer, seconds = trickle(sock, b"GET /" + b"a" * 200)
    assert TIMEOUT * 0.9 <= seconds < TIMEOUT + SLACK
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_a_connection_that_sends_nothing_is_closed_without_an_answer(quick: Running) -> None:
    with connect(quick.url) as sock:
        started = time.monotonic()
        sock.settimeout(TIMEOUT + SLACK)
        assert read_all(sock) == b""  # closed: a browser's spare connection is not told off
        assert TIMEOUT * 0.9 <= time.monotonic() - started < TIMEOUT + SLACK


def test_a_kept_alive_connection_gets_the_same_deadline_for_its_next_request(quick: Running) -> None:
    with connect(quick.url) as sock:
        sock.sendall(b"GET /feeds/main.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = b""
        while not first.endswith(b"<rss/>"):
            first += sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 OK\r\n")
        answer, seconds = trickle(sock, b"GET /feeds/main.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    assert seconds < TIMEOUT + SLACK
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_many_idle_connections_are_all_closed_and_others_still_served(quick: Running) -> None:
    idle = [connect(quick.url) for _ in range(40)]
    try:
        for sock in idle[::2]:
            sock.sendall(b"GET / HTTP/1.1\r\nHo")  # half of them started a request
        with httpx.Client(base_url=quick.url, timeout=5) as client:
            assert client.get("/feeds/main.xml").content == b"<rss/>"  # served meanwhile
        time.sleep(TIMEOUT)
        answers = []
        for sock in idle:
            sock.settimeout(SLACK)
            answers.append(read_all(sock))
    finally:
        for sock in idle:
            sock.close()
    assert [a[:12] for a in answers[::2]] == [b"HTTP/1.1 408"] * 20
    assert answers[1::2] == [b""] * 20


def test_headers_sent_in_pieces_within_the_deadline_are_served(start_service: Start, home: Path) -> None:
    (home / "public" / "feeds").mkdir(parents=True)
    (home / "public" / "feeds" / "main.xml").write_bytes(b"<rss/>")
    # A deadline far beyond the pauses: on a loaded machine the test's own sleeps and the server's loop run late,
    # and what is checked is that pieces are put together, not how close to the deadline they may come.
    patient = start_service(header_timeout=TIMEOUT * 5)
    # Connection: close, so the server ends the connection after its answer: read to the end, no half-close that
    # could reach it before it has answered.
    pieces = [b"GET /feeds/main.xml HTTP/1.1\r\n", b"Host: 127.0.0.1\r\n", b"Connection: close\r\n", b"\r\n"]
    with connect(patient.url) as sock:
        for number, piece in enumerate(pieces):
            if number:
                time.sleep(TIMEOUT / 5)
            sock.sendall(piece)
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and answer.endswith(b"<rss/>")


@pytest.fixture
def narrate_serve(tmp_path: Path) -> Iterator[str]:
    """`narrate serve` as operators run it, with NARRATE_HEADER_TIMEOUT=1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_BASE_URL=f"http://127.0.0.1:{port}",
               NARRATE_ENGINE="tone", NARRATE_HEADER_TIMEOUT=str(TIMEOUT))
    log = tmp_path / "serve.log"
    process = subprocess.Popen([sys.executable, "-m", "narrate.cli", "serve", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url + "/staff", timeout=1)
            break
        except httpx.TransportError:
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(20)


def test_narrate_serve_cuts_off_slow_headers(narrate_serve: str) -> None:
    with connect(narrate_serve) as sock:
        answer, seconds = trickle(sock, b"GET /staff HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    assert TIMEOUT * 0.9 <= seconds < TIMEOUT + SLACK
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert httpx.get(narrate_serve + "/staff", timeout=5).status_code == 200


@pytest.mark.parametrize("seconds", [-1.0, float("nan"), float("inf"), -0.0])
def test_a_header_timeout_that_is_no_deadline_is_refused(seconds: float) -> None:
    with pytest.raises(ConfigError) as refused:
        server_config(FastAPI(), Settings(header_timeout=seconds))
    assert str(refused.value) == f"header_timeout must be a number of seconds above 0, got {seconds!r}"


@pytest.mark.parametrize("seconds", ["0"])
def test_narrate_serve_refuses_a_header_timeout_that_is_no_deadline(tmp_path: Path, seconds: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_HEADER_TIMEOUT=seconds)
    done = subprocess.run([sys.executable, "-m", "narrate.cli", "serve", "--port", "9"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [
        f"narrate: error: header_timeout must be a number of seconds above 0, got {float(seconds)!r}"
    ]
