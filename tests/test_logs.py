"""No secret in any log: the redaction itself, then the real server's standard error as operators see it."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from narrate.logs import MARKER, Redaction, install_redaction, redact
from narrate.store import Store
from narrate.web.tokens import create_token
from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "nrt_" + "Q7w-e_R9" * 5 + "abc"
SESSION = "nrs_" + "Zz0-_yY1" * 5 + "xyz"


@pytest.mark.parametrize(
    ("line", "secret", "kept"),
    [
        (f"Authorization: Bearer {TOKEN}", TOKEN[4:], "Authorization: Bearer "),
        ("authorization: Bearer not-our-format-but-secret", "not-our-format-but-secret", "authorization: Bearer"),
        ("[(b'authorization', b'Basic dXNlcjpwYXNz')]", "dXNlcjpwYXNz", "b'authorization', b'Basic "),
        (f"cookie: narrate_staff={SESSION}; other=1", SESSION[4:], "narrate_staff=nrs_"),
        (f"token={TOKEN}&feed=main", TOKEN[4:], "&feed=main"),
        ("postgresql+psycopg://narrate:s3cr%40t@db:5432/narrate", "s3cr%40t", "postgresql+psycopg://narrate:"),
        ("redis://:brokerpass@127.0.0.1:6379/0", "brokerpass", "@127.0.0.1:6379/0"),
        ("amqp://guest:guest@rabbit:5672//", "guest@", "amqp://guest:"),
    ],
)
def test_redact_removes_the_secret_and_keeps_the_rest(line: str, secret: str, kept: str) -> None:
    cleaned = redact(line)
    assert secret not in cleaned
    assert MARKER in cleaned and kept in cleaned


def test_ordinary_text_is_left_alone() -> None:
    for line in ("GET /episodes/ab12/ HTTP/1.1 200", "https://example.org/a:b", "nrt_short", "ratio 3:2 at 10:30"):
        assert redact(line) == line


def test_a_record_keeps_its_shape_and_loses_its_secrets() -> None:
    try:
        raise RuntimeError(f"cannot reach postgresql://u:hunter2@db/x for {TOKEN}")
    except RuntimeError:
        record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                                   ("127.0.0.1:5000", "GET", f"/api/episodes?token={TOKEN}", "1.1", 401),
                                   sys.exc_info())
    Redaction().filter(record)
    assert isinstance(record.args, tuple) and len(record.args) == 5 and record.args[4] == 401  # still "%d"-able
    assert record.getMessage() == '127.0.0.1:5000 - "GET /api/episodes?token=nrt_[redacted] HTTP/1.1" 401'
    formatted = logging.Formatter().format(record)
    assert "Traceback" in formatted and "RuntimeError: cannot reach postgresql://u:[redacted]@db/x" in formatted
    assert "hunter2" not in formatted and TOKEN not in formatted


def test_installing_twice_wraps_once_and_covers_loggers_made_later(caplog: pytest.LogCaptureFixture) -> None:
    install_redaction()
    factory = logging.getLogRecordFactory()
    install_redaction()
    assert logging.getLogRecordFactory() is factory
    assert sum(isinstance(f, Redaction) for f in logging.getLogger("uvicorn.error").filters) == 1
    with caplog.at_level(logging.INFO):
        logging.getLogger("celery.worker.consumer.later").info("Connected to %s with %s",
                                                               "redis://:pw123456@r:6379/0", {"t": TOKEN})
    assert caplog.messages == [f"Connected to redis://:{MARKER}@r:6379/0 with {{'t': 'nrt_{MARKER}'}}"]


# -- the real server's standard error ----------------------------------------------------------------------


@pytest.fixture
def server_env(tmp_path: Path, postgres_url: str) -> dict[str, str]:
    """The environment of a server on PostgreSQL and Redis whose URLs carry passwords (trust auth ignores them)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    port = free_port()
    env.update(
        NARRATE_HOME=str(tmp_path / "home"),
        NARRATE_BASE_URL=f"http://127.0.0.1:{port}",
        NARRATE_ENGINE="tone",
        NARRATE_DATABASE_URL=postgres_url.replace("postgres@", "postgres:db-Pa55-word@", 1),
        PORT=str(port),
    )
    return env


@contextmanager
def run_server(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(env["NARRATE_BASE_URL"] + "/staff", timeout=1)
            break
        except httpx.TransportError:
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


def use_the_service(base: str, token: str) -> list[int]:
    """What leaks secrets into careless logs: bearer tokens, tokens in query strings, sign-in forms."""
    with httpx.Client(base_url=base, timeout=30) as client:
        return [
            client.get("/api/episodes", headers={"Authorization": f"Bearer {token}"}).status_code,
            client.get("/api/episodes", params={"access_token": token}).status_code,
            client.post("/staff/login", data={"token": token[:-3] + "abc"}).status_code,
            client.post("/staff/login", data={"token": token}).status_code,
            client.get("/staff").status_code,
        ]


LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
}
"""Everything at INFO to standard error, uvicorn's access log included, as an operator might configure it."""


def test_uvicorn_logging_at_info_shows_no_secret(server_env: dict[str, str], tmp_path: Path) -> None:
    server_env["NARRATE_BROKER_URL"] = "redis://:broker-Pa55-word@127.0.0.1:6379/0"
    token = create_token(Store(server_env["NARRATE_DATABASE_URL"]), "desk")
    log, config = tmp_path / "uvicorn.log", tmp_path / "logging.json"
    config.write_text(json.dumps(LOG_CONFIG))
    args = [sys.executable, "-m", "uvicorn", "narrate.web.app:create_app", "--factory", "--host", "127.0.0.1",
            "--port", server_env["PORT"], "--log-level", "info", "--log-config", str(config)]
    with run_server(args, server_env, log):
        assert use_the_service(server_env["NARRATE_BASE_URL"], token) == [200, 401, 401, 303, 200]
    stderr = log.read_text()
    for secret in ("db-Pa55-word", "broker-Pa55-word", token[4:], token[4:-3]):
        assert secret not in stderr, secret
    assert "postgres:[redacted]@127.0.0.1" in stderr and "broker redis://:[redacted]@127.0.0.1" in stderr
    assert '"GET /api/episodes?access_token=nrt_[redacted] HTTP/1.1" 401' in stderr
    assert "staff sign-in refused from 127.0.0.1: unknown or revoked token" in stderr


def test_narrate_serve_shows_no_secret_and_no_server_version(server_env: dict[str, str], tmp_path: Path) -> None:
    token = create_token(Store(server_env["NARRATE_DATABASE_URL"]), "desk")
    log = tmp_path / "serve.log"
    args = [sys.executable, "-m", "narrate.cli", "serve", "--port", server_env["PORT"]]
    with run_server(args, server_env, log):
        assert use_the_service(server_env["NARRATE_BASE_URL"], token) == [200, 401, 401, 303, 200]
        answer = httpx.get(server_env["NARRATE_BASE_URL"] + "/staff")
    assert "server" not in answer.headers and "x-powered-by" not in answer.headers
    stderr = log.read_text()
    assert "staff sign-in refused from 127.0.0.1: unknown or revoked token" in stderr
    for secret in ("db-Pa55-word", token[4:], token[4:-3]):
        assert secret not in stderr, secret
