"""X-Forwarded-For is believed only from the proxies in NARRATE_TRUSTED_PROXIES, never from any loopback peer.

The sign-in limit counts attempts per client address. A client that may name its own address in X-Forwarded-For
gets a fresh allowance with every made-up address; behind a trusted proxy, the proxy's header is the client.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from narrate.errors import ConfigError
from narrate.settings import Settings
from narrate.web.app import create_app, trusted_proxies
from tests.web.conftest import Start

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 3


def sign_ins(url: str, forwarded: list[str | None], header: str = "X-Forwarded-For") -> list[int]:
    statuses = []
    with httpx.Client(base_url=url, timeout=10) as client:
        for value in forwarded:
            headers = {header: value} if value is not None else {}
            statuses.append(client.post("/staff/login", data={"token": "nrt_guess"}, headers=headers).status_code)
    return statuses


SPOOFS = [
    ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5"],
    ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"],
    ["2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8::4", "2001:db8::5"],
    ["1.1.1.1, 127.0.0.1", "1.1.1.2, 127.0.0.1", "1.1.1.3, 127.0.0.1", "1.1.1.4", "1.1.1.5"],  # a made-up chain
    [None, "198.51.100.7", None, "198.51.100.8", "garbage"],
]


@pytest.mark.parametrize("forwarded", SPOOFS)
def test_without_trusted_proxies_a_loopback_client_cannot_escape_the_sign_in_limit(
    start_service: Start, forwarded: list[str | None], caplog: pytest.LogCaptureFixture
) -> None:
    service = start_service(login_attempts_per_minute=LIMIT)
    with caplog.at_level(logging.WARNING, logger="narrate.web"):
        statuses = sign_ins(service.url, forwarded)
    assert statuses == [401] * LIMIT + [429] * (len(forwarded) - LIMIT)
    refused = [r.getMessage() for r in caplog.records if "sign-in refused" in r.getMessage()]
    assert refused and all("127.0.0.1" in message for message in refused)  # the peer, never a claimed address
    assert not any(value and value.split(",")[0] in " ".join(refused) for value in forwarded)


def test_x_real_ip_and_forwarded_are_not_believed_either(start_service: Start) -> None:
    service = start_service(login_attempts_per_minute=LIMIT)
    addresses = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]
    assert sign_ins(service.url, addresses, "X-Real-IP")[-1] == 429
    assert sign_ins(service.url, [f"for={a}" for a in addresses], "Forwarded")[-1] == 429


@pytest.mark.parametrize("proxies", ["127.0.0.1", "127.0.0.0/8", "10.9.9.9, 127.0.0.1", "::1,127.0.0.1/32"])
def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(start_service: Start, proxies: str) -> None:
    service = start_service(login_attempts_per_minute=LIMIT, trusted_proxies=proxies)
    distinct = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5"]
    assert sign_ins(service.url, distinct) == [401] * 5
    # One client behind the proxy is limited, whatever it puts before the address the proxy appended.
    same = [f"{fake}, 198.51.100.9" for fake in ("1.2.3.4", "5.6.7.8", "9.9.9.9", "8.8.8.8")]
    assert sign_ins(service.url, same) == [401] * LIMIT + [429]


def test_a_proxy_not_listed_is_not_believed(start_service: Start) -> None:
    service = start_service(login_attempts_per_minute=LIMIT, trusted_proxies="10.0.0.1,192.168.0.0/16")
    assert sign_ins(service.url, ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]) == [401] * 3 + [429]


@pytest.mark.parametrize(
    "setting",
    ["proxy.example.org", "127.0.0.1:8080", "10.0.0.0/33", "*", "127.0.0.1;10.0.0.1", "[::1]"],
)
def test_an_entry_that_is_not_an_address_or_network_is_refused(setting: str) -> None:
    with pytest.raises(ConfigError) as refused:
        trusted_proxies(setting)
    message = str(refused.value)
    assert message.startswith("trusted_proxies: ") and "is not an IP address or network" in message
    with pytest.raises(ConfigError):
        create_app(Settings(trusted_proxies=setting))


def test_entries_are_written_the_way_the_middleware_matches_them() -> None:
    assert trusted_proxies(" 127.0.0.1 , 10.1.2.3/8,::1, 2001:DB8::/32 ,") == [
        "127.0.0.1", "10.0.0.0/8", "::1", "2001:db8::/32"
    ]
    assert trusted_proxies("") == []


def test_narrate_serve_refuses_a_bad_trusted_proxy_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_TRUSTED_PROXIES="127.0.0.1:8080")
    done = subprocess.run([sys.executable, "-m", "narrate.cli", "serve", "--port", "9"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [
        "narrate: error: trusted_proxies: '127.0.0.1:8080' is not an IP address or network"
        " (e.g. 127.0.0.1 or 10.0.0.0/8)"
    ]


def test_narrate_serve_believes_no_forwarded_address_by_default(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_BASE_URL=url, NARRATE_ENGINE="tone",
               NARRATE_LOGIN_ATTEMPTS_PER_MINUTE=str(LIMIT))
    process = subprocess.Popen([sys.executable, "-m", "narrate.cli", "serve", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/staff", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "narrate serve did not start"
                time.sleep(0.1)
        assert sign_ins(url, SPOOFS[0]) == [401] * LIMIT + [429] * 2
    finally:
        process.terminate()
        process.wait(20)
