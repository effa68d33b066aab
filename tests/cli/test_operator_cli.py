"""What an operator meets at the command line: queueing with no broker, episodes waiting or failed, pipes closed
early, and feeds created with fields missing. Real `narrate` processes, exact lines and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("NARRATE_TEST_REDIS", "redis://127.0.0.1:6379/0")
ARTICLE = "Harbour ferry returns\n\nThe night ferry runs again from Monday. Tickets cost the same as last year.\n"
CATEGORIES = ("Arts, Business, Comedy, Education, Fiction, Government, History, Health & Fitness, Kids & Family, "
              "Leisure, Music, News, Religion & Spirituality, Science, Society & Culture, Sports, Technology, "
              "True Crime, TV & Film")  # fmt: skip


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "ferry.txt"
    path.write_text(ARTICLE)
    return path


@pytest.fixture
def idle_queue(env: dict[str, str]) -> object:
    """A Redis broker with a queue no worker listens to; emptied afterwards."""
    import redis

    queue = f"narrate-idle-{uuid.uuid4().hex[:8]}"
    env.update(NARRATE_BROKER_URL=REDIS_URL, NARRATE_QUEUE=queue)
    yield queue
    redis.Redis.from_url(REDIS_URL).delete(queue)


def narrate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "narrate.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def refused(result: subprocess.CompletedProcess[str], code: int) -> str:
    """The one error line of a refusal with ``code``, without its prefix."""
    assert result.returncode == code, result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("narrate: error: ")
    return line.removeprefix("narrate: error: ")


# -- queueing ------------------------------------------------------------------------------------------------


def test_queue_without_a_broker_records_nothing(env: dict[str, str], article: Path) -> None:
    for args in (["add", str(article), "--queue"], ["add", str(article), "--queue", "--json", "--feed", "main"]):
        assert refused(narrate(env, *args), 3) == (
            "--queue needs a broker: set NARRATE_BROKER_URL (redis://... or amqp://...)")
    # Refused before the article was even read: a missing file is not the complaint, the broker is.
    assert "NARRATE_BROKER_URL" in refused(narrate(env, "add", "/no/such/article.txt", "--queue"), 3)
    listed = narrate(env, "episodes", "--json")
    assert (listed.returncode, json.loads(listed.stdout)) == (0, [])
    assert not (Path(env["NARRATE_HOME"]) / "public" / "audio").exists()


def test_episodes_shows_how_long_a_queued_episode_has_waited(
    env: dict[str, str], article: Path, idle_queue: str
) -> None:
    queued = narrate(env, "add", str(article), "--queue", "--json")
    assert queued.returncode == 0, queued.stderr
    episode = json.loads(queued.stdout)
    assert (episode["status"], episode["progress"]) == ("queued", 0) and episode["waiting_seconds"] < 5
    time.sleep(2)
    listed = narrate(env, "episodes")
    first, second = listed.stdout.splitlines()
    assert re.fullmatch(rf"{episode['id']}  main       queued      0%      -      Harbour ferry returns", first)
    waited = int(re.fullmatch(r"    waiting (\d+) s for a worker", second).group(1))  # type: ignore[union-attr]
    assert 2 <= waited < 30
    [data] = json.loads(narrate(env, "episodes", "--json").stdout)
    assert data["status"] == "queued" and 2 <= data["waiting_seconds"] < 30


def test_a_waiting_add_on_a_terminal_says_queued_and_for_how_long(
    env: dict[str, str], article: Path, idle_queue: str
) -> None:
    import pty

    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "narrate.cli", "add", str(article)], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=terminal)  # fmt: skip
    os.close(terminal)
    screen, deadline = "", time.monotonic() + 60
    try:
        while "waiting 3 s" not in screen and time.monotonic() < deadline:
            screen += os.read(controller, 4096).decode(errors="replace")
    finally:
        process.terminate()
        process.wait(timeout=20)
        os.close(controller)
    assert "queued, waiting 0 s for a worker:   0%" in screen
    assert "queued, waiting 3 s for a worker:   0%" in screen
    assert "rendering" not in screen  # nothing is rendering: no worker took it


# -- the episode list ----------------------------------------------------------------------------------------


def test_episodes_shows_the_reason_of_a_failure(env: dict[str, str], article: Path) -> None:
    public = Path(env["NARRATE_HOME"]) / "public"
    public.mkdir(parents=True)
    (public / "audio").write_text("a file where the audio folder must be")
    failed = narrate(env, "add", str(article))
    assert failed.returncode == 7
    reason = failed.stderr.strip().removeprefix("narrate: error: ")
    assert reason.startswith("cannot write public files")
    listed = narrate(env, "episodes")
    assert listed.returncode == 0
    first, second = listed.stdout.splitlines()
    assert re.fullmatch(r"[0-9a-f]{12}  main       failed    +\d+%      -      Harbour ferry returns", first)
    assert second == f"    reason: {reason}"
    [data] = json.loads(narrate(env, "episodes", "--json").stdout)
    assert (data["status"], data["reason"]) == ("failed", reason)


def test_episodes_into_a_pipe_closed_early_ends_quietly(env: dict[str, str], tmp_path: Path) -> None:
    # Enough episodes for the JSON to outgrow the pipe's buffer (64 KiB): the reader leaves while narrate writes.
    assert narrate(env, "episodes").returncode == 0  # the database, as the command makes it
    from narrate.store import Episode, Status, Store

    store = Store(f"sqlite:///{tmp_path / 'home' / 'narrate.db'}")
    for n in range(300):
        store.save(Episode(id=f"{n:012x}", guid=str(uuid.uuid4()), feed="main", source_key=f"k{n}",
                           title=f"Episode {n} " + "with a long title " * 8, status=Status.QUEUED.value))  # fmt: skip
    for command in ("episodes --json", "episodes", "script --json " + str(ROOT / "examples/example-article.txt")):
        shell = (f"set -o pipefail; {sys.executable} -m narrate.cli {command} | head -c 10 >/dev/null; "
                 "echo exit=${PIPESTATUS[0]}")  # fmt: skip
        result = subprocess.run(["bash", "-c", shell], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.stderr == "", command
        assert result.stdout in ("exit=0\n", "exit=141\n"), command


# -- feeds ---------------------------------------------------------------------------------------------------


def test_feed_create_names_every_missing_field_at_once(env: dict[str, str]) -> None:
    example = ("narrate feed create research --title 'Research, read aloud' --description 'Our papers as audio' "
               "--author 'Policy Centre' --category Science --owner-name 'Audio desk' --owner-email audio@example.org")  # fmt: skip
    assert refused(narrate(env, "feed", "create", "research"), 3) == (
        f"feed 'research' needs --title, --description, --author, --category, --owner-name and --owner-email, "
        f"e.g. {example}")
    assert refused(narrate(env, "feed", "create", "research", "--title", "Research", "--category", "Science",
                           "--author", "  ", "--owner-name", "Desk", "--owner-email", "desk@example.org"), 3) == (
        f"feed 'research' needs --description and --author, e.g. {example}")
    # Nothing was written, and no second feed called "Narrate" appeared.
    assert not (Path(env["NARRATE_HOME"]) / "narrate.toml").exists()
    assert narrate(env, "feed", "list").stdout == "main             Narrate\n"
    assert not (Path(env["NARRATE_HOME"]) / "public/feeds/research.xml").exists()

    created = narrate(env, "feed", "create", "research", "--title", "Research", "--description", "Papers.",
                      "--author", "Policy Centre", "--category", "Science", "--owner-name", "Audio desk",
                      "--owner-email", "audio@example.org")  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert narrate(env, "feed", "list").stdout == "main             Narrate\nresearch         Research\n"
    assert refused(narrate(env, "feed", "edit", "research", "--title", "", "--description", " "), 3) == (
        "feed 'research' lacks title and description, which Apple Podcasts requires")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--category", "Newz"], f"category 'Newz' is not in Apple's list (did you mean 'News'?); choose one of: "
                                 f"{CATEGORIES}"),
        (["--category", "news"], f"category 'news' is not in Apple's list (did you mean 'News'?); choose one of: "
                                 f"{CATEGORIES}"),
        (["--category", "Podcasts About Cats"], f"category 'Podcasts About Cats' is not in Apple's list; choose one "
                                                f"of: {CATEGORIES}"),
        (["--category", "News", "--subcategory", "Polítics"],
         "'Polítics' is not a subcategory of 'News' (did you mean 'Politics'?); choose one of: Business News, "
         "Daily News, Entertainment News, News Commentary, Politics, Sports News, Tech News"),
        (["--category", "Government", "--subcategory", "Local"],
         "'Local' is not a subcategory of 'Government'; it has none; leave it empty"),
    ],
)
def test_a_bad_category_lists_the_valid_ones(env: dict[str, str], options: list[str], message: str) -> None:
    for command in (["feed", "edit", "main"], ["feed", "create", "world", "--title", "World", "--description", "News.",
                                               "--author", "Desk", "--owner-name", "Desk",
                                               "--owner-email", "desk@example.org"]):  # fmt: skip
        slug = command[2]
        assert refused(narrate(env, *command, *options), 3) == f"feed {slug!r}: {message}"
    assert not (Path(env["NARRATE_HOME"]) / "narrate.toml").exists()
