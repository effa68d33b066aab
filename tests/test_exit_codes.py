"""Every exit code the README promises, each provoked by a real failure of its kind through the real `narrate` command.

A render that fails exits with its failure's own code (recorded on the episode with the reason), not a generic 1.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import imageio_ffmpeg
import pytest

from narrate.errors import (
    INTERNAL_ERROR,
    AudioError,
    ConfigError,
    EngineError,
    NotFoundError,
    PublishError,
    SourceError,
    UnavailableError,
)  # fmt: skip
from tests.support.gtts_server import GttsServer

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://audio.example.org"
SHORT = "Harbour ferry returns\n\nThe night ferry runs again from Monday. Tickets cost the same as last year.\n"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_BASE_URL=BASE, NARRATE_ENGINE="tone")
    return env


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "ferry.txt"
    path.write_text(SHORT, encoding="utf-8")
    return path


def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "narrate.cli", *args], env=env, cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def narrate(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = start(env, *args)
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def assert_exit(result: tuple[int, str, str], code: int, *fragments: str) -> str:
    """The exit code, and one error line on standard error, the last, carrying ``fragments``; returns that line.

    Lines before it may only be narrate's own warnings (an online engine's retries are logged as they happen).
    """
    returncode, _, err = result
    lines = err.strip().splitlines()
    assert returncode == code, err
    assert lines and lines[-1].startswith("narrate: error: "), err
    assert all(line.startswith("narrate: ") and "error" not in line for line in lines[:-1]), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[-1], (fragment, lines[-1])
    return lines[-1]


def episode_row(env: dict[str, str]) -> dict[str, object]:
    from narrate.store import Store

    store = Store(f"sqlite:///{(Path(env['NARRATE_HOME']) / 'narrate.db').resolve()}")
    [episode] = store.episodes()
    return {"status": episode.status, "reason": episode.reason, "exit_code": episode.exit_code}


def test_the_readme_lists_the_code_of_every_error() -> None:
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    line = text[text.index("Errors are one line on standard error"):].split(". ")[0]
    for error, words in ((ConfigError, "configuration"), (SourceError, "unreadable source"),
                         (EngineError, "engine failure"), (AudioError, "audio"), (PublishError, "publishing"),
                         (NotFoundError, "not found"), (UnavailableError, "unavailable")):  # fmt: skip
        assert f"{error.exit_code} {words}" in line, (error.__name__, line)
    assert f"{INTERNAL_ERROR} internal error" in line
    assert "2 usage" in line
    # Each code means one kind: no two classes share one, and none is the shell's generic 1.
    codes = [e.exit_code for e in (ConfigError, SourceError, EngineError, AudioError, PublishError, NotFoundError,
                                   UnavailableError)]  # fmt: skip
    assert len(set(codes)) == len(codes) and 1 not in codes and INTERNAL_ERROR not in codes


def test_2_usage(env: dict[str, str]) -> None:
    code, _, err = narrate(env, "add")
    assert code == 2 and "the following arguments are required: source" in err
    code, _, err = narrate(env, "narrate-everything")
    assert code == 2 and "invalid choice" in err


@pytest.mark.parametrize(
    ("variable", "value"), [("NARRATE_ENGINE", "klingon"), ("NARRATE_BASE_URL", "javascript:alert(1)")]
)
def test_3_configuration(env: dict[str, str], article: Path, variable: str, value: str) -> None:
    env[variable] = value
    assert_exit(narrate(env, "add", str(article)), 3, value)


def test_4_unreadable_source_or_no_article(env: dict[str, str], tmp_path: Path) -> None:
    assert_exit(narrate(env, "add", str(tmp_path / "gone.txt")), 4, "gone.txt")
    (tmp_path / "blank.txt").write_text("\n \n")
    assert_exit(narrate(env, "add", str(tmp_path / "blank.txt")), 4, "no article text")


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [("500", "gtts: HTTP 500 (gave up after 2 attempts)"), ("silence", "returned silence"),
     ("html", "HTML page, not audio")],
)  # fmt: skip
def test_5_an_engine_that_fails_for_good(env: dict[str, str], article: Path, answer: str, fragment: str) -> None:
    with GttsServer(default=answer) as server:
        env.update(NARRATE_ENGINE="gtts", NARRATE_GTTS_URL=server.url, NARRATE_ENGINE_RETRIES="1",
                   NARRATE_ENGINE_BACKOFF="0.01")  # fmt: skip
        result = narrate(env, "add", str(article), "--json")
        assert server.request_count >= 2  # asked, and asked again
    line = assert_exit(result, 5, fragment)
    assert json.loads(result[1])["status"] == "failed"
    assert episode_row(env) == {"status": "failed", "reason": line.removeprefix("narrate: error: "), "exit_code": 5}
    assert not (Path(env["NARRATE_HOME"]) / "public/audio").exists()


@pytest.mark.parametrize("damage", ["garbage", "emptied", "removed"])
def test_6_music_that_goes_bad_during_the_render(
    env: dict[str, str], article: Path, tmp_path: Path, damage: str
) -> None:
    # The jingle passes the check at submit, then is damaged while the engine speaks: assembly cannot decode it.
    jingle = tmp_path / "jingle.wav"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i", "sine=d=0.5",
                    str(jingle)], check=True)  # fmt: skip
    assert narrate(env, "feed", "edit", "main", "--intro-audio", str(jingle))[0] == 0
    with GttsServer(["slow:3"], default="ok") as server:
        env.update(NARRATE_ENGINE="gtts", NARRATE_GTTS_URL=server.url)
        process = start(env, "add", str(article))
        deadline = time.monotonic() + 120
        while server.request_count == 0 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.request_count >= 1, process.communicate()[1]
        if damage == "garbage":
            jingle.write_bytes(b"\x00\xffnot audio any more" * 200)
        elif damage == "emptied":
            jingle.write_bytes(b"")
        else:
            jingle.unlink()
        out, err = process.communicate(timeout=300)
    assert_exit((process.returncode, out, err), 6, str(jingle))
    assert episode_row(env)["exit_code"] == 6
    assert not (Path(env["NARRATE_HOME"]) / "public/audio").exists()


@pytest.mark.parametrize("blocked", ["audio", "transcripts/main"])
def test_7_publishing_fails(env: dict[str, str], article: Path, blocked: str) -> None:
    # A file where a folder of public/ must be: the episode's files cannot be written (root ignores permissions).
    public = Path(env["NARRATE_HOME"]) / "public"
    (public / blocked).parent.mkdir(parents=True)
    (public / blocked).write_text("in the way")
    line = assert_exit(narrate(env, "add", str(article)), 7, "cannot write public files")
    assert episode_row(env) == {"status": "failed", "reason": line.removeprefix("narrate: error: "), "exit_code": 7}
    assert not list(public.rglob("*.mp3")) and not (public / "feeds/main.xml").exists()


def test_8_not_found(env: dict[str, str]) -> None:
    assert_exit(narrate(env, "lexicon", "remove", "Okonkwo"), 8, "Okonkwo")
    assert_exit(narrate(env, "token", "revoke", "nobody-has-this"), 8, "nobody-has-this")


def test_9_unavailable(env: dict[str, str], article: Path) -> None:
    env["NARRATE_DATABASE_URL"] = "postgresql+psycopg://narrate:db-secret@127.0.0.1:9/narrate"
    line = assert_exit(narrate(env, "episodes"), 9, "unavailable")
    assert "db-secret" not in line
    env.pop("NARRATE_DATABASE_URL")
    env["NARRATE_BROKER_URL"] = "redis://127.0.0.1:9/0"
    assert_exit(narrate(env, "add", str(article), "--queue"), 9, "broker")


def test_70_internal_error(env: dict[str, str], article: Path) -> None:
    # A bug (here: one planted in the pipeline) is one line and 70, never a traceback or a NarrateError's code.
    planted = (
        "import sys; from narrate import pipeline, cli\n"
        "def broken(*args, **kwargs): raise KeyError('planted bug')\n"
        "pipeline.submit = broken\n"
        f"sys.exit(cli.main(['add', {str(article)!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", planted], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    assert result.returncode == INTERNAL_ERROR == 70
    assert result.stderr == "narrate: internal error: KeyError: 'planted bug'\n"


def test_a_failed_render_reports_its_code_in_the_episode_list(env: dict[str, str], article: Path) -> None:
    with GttsServer(default="503") as server:
        env.update(NARRATE_ENGINE="gtts", NARRATE_GTTS_URL=server.url, NARRATE_ENGINE_RETRIES="0")
        assert narrate(env, "add", str(article))[0] == 5
    # Fixed, the same article publishes under the same episode, and the failure's code is gone with it.
    env["NARRATE_ENGINE"] = "tone"
    assert narrate(env, "add", str(article))[0] == 0
    assert episode_row(env) == {"status": "published", "reason": None, "exit_code": None}
    assert re.search(r"published", narrate(env, "episodes")[1])
