"""`narrate serve` publishes under the address it serves when NARRATE_BASE_URL is unset, and says which and why."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import podcastparser
import pytest

from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "Harbour ferry returns\n\nThe night ferry runs again from Monday. Tickets cost the same as last year.\n"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_ENGINE="tone")
    return env


def start_up_lines(env: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], list[str]]:
    """A running `narrate serve` and the lines it printed before listening."""
    process = subprocess.Popen([sys.executable, "-m", "narrate.cli", "serve", *args], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert process.stderr is not None
    lines = [process.stderr.readline().rstrip("\n"), process.stderr.readline().rstrip("\n")]
    return process, lines


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=20)


def test_unset_base_url_is_the_address_served_and_the_feed_uses_it(env: dict[str, str]) -> None:
    port = free_port()
    made = subprocess.run([sys.executable, "-m", "narrate.cli", "token", "create", "desk"], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)  # fmt: skip
    token = made.stdout.splitlines()[-1]
    process, lines = start_up_lines(env, "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    try:
        assert lines[1] == (f"narrate: publishing URLs under {base}, the address served, since NARRATE_BASE_URL is "
                            "unset (set it to publish under a public name, and for commands run outside this service)")
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    queued = client.post("/api/articles", json={"text": ARTICLE})
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
            assert queued.status_code == 202, queued.text
            status_url = queued.json()["status_url"]
            while (episode := client.get(status_url).json())["status"] != "published":
                assert episode["status"] != "failed" and time.monotonic() < deadline + 60, episode
                time.sleep(0.3)
            feed = podcastparser.parse(base + "/feeds/main.xml", io.BytesIO(client.get("/feeds/main.xml").content))
    finally:
        stop(process)
    [item] = feed["episodes"]
    assert item["enclosures"][0]["url"].startswith(f"{base}/audio/main/")
    assert feed["cover_url"].startswith(f"{base}/feeds/main-cover-")
    assert episode["page_url"] == f"{base}/episodes/{episode['id']}/"


def test_every_address_publishes_under_the_machine_name(env: dict[str, str]) -> None:
    port = free_port()
    process, lines = start_up_lines(env, "--host", "0.0.0.0", "--port", str(port))
    stop(process)
    name = socket.getfqdn()
    name = name if name and not name.startswith("localhost") else socket.gethostname()
    assert lines[0].endswith(f"and the staff API on http://0.0.0.0:{port} (embedded renderer (no broker))")
    assert lines[1].startswith(f"narrate: publishing URLs under http://{name.lower()}:{port}, this machine's name, "
                               "as it listens on every address (0.0.0.0), since NARRATE_BASE_URL is unset")


def test_a_base_url_that_is_set_is_kept_and_its_origin_named(env: dict[str, str]) -> None:
    process, lines = start_up_lines({**env, "NARRATE_BASE_URL": "https://Audio.Example.org/pod"}, "--port",
                                    str(free_port()))  # fmt: skip
    stop(process)
    assert lines[1] == "narrate: publishing URLs under https://audio.example.org/pod (from NARRATE_BASE_URL)"

    home = Path(env["NARRATE_HOME"])  # made by the first run
    (home / "narrate.toml").write_text('base_url = "https://cdn.example.net"\n')
    process, lines = start_up_lines(env, "--port", str(free_port()))
    stop(process)
    assert lines[1] == f"narrate: publishing URLs under https://cdn.example.net (from {home / 'narrate.toml'})"


def test_with_a_broker_the_default_stays_and_the_operator_is_told(env: dict[str, str]) -> None:
    broker = {**env, "NARRATE_BROKER_URL": os.environ.get("NARRATE_TEST_REDIS", "redis://127.0.0.1:6379/0")}
    process, lines = start_up_lines(broker, "--port", str(free_port()))
    stop(process)
    assert lines[1] == ("narrate: publishing URLs under http://localhost:8000, the default, as the workers do: set "
                        "NARRATE_BASE_URL to the public address for this service and every worker alike")
