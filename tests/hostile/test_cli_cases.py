"""Every hostile case through the `narrate` command: a clear one-line error and nothing changed, or a good episode.

In-process (narrate.cli.main with captured output) for speed; a few also as a real process, for the exit code and
a clean standard error as a user sees them.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from narrate.cli import main
from narrate.store import Store
from tests.hostile.cases import CASES, GOOD_TEXT, SUBPROCESS_CASES, Case, Published, Refused
from tests.hostile.checks import (
    assert_feed_holds,
    assert_one_line,
    assert_page_is_inert,
    assert_transcript_says,
    episode_rows,
    snapshot,
)
from tests.hostile.server import HostileServer

ROOT = Path(__file__).resolve().parents[2]
CLI_CASES = [case for case in CASES if case.cli]
FETCH = {"NARRATE_FETCH_TIMEOUT": "0.5"}
"""The slow-loris cases wait out this deadline; every good page comes within it."""


def invocation(case: Case, workdir: Path, server: HostileServer) -> tuple[list[str], bytes]:
    """The command line and standard input that give ``case`` to `narrate add`."""
    if case.kind == "file":
        path = workdir / case.name
        path.write_bytes(case.data)
        return ["add", str(path), "--json"], b""
    if case.kind == "stdin":
        return ["add", "-", "--json"], case.data
    if case.kind == "url":
        return ["add", server.url(case.path), "--json"], b""
    if case.kind == "api-text":
        body = json.loads(case.body.replace("{host}", f"127.0.0.1:{server.port}"))
        return ["add", body["url"], "--json"], b""
    if case.kind == "feed-slug":
        path = workdir / "good.txt"
        path.write_text(GOOD_TEXT, encoding="utf-8")
        return ["add", str(path), "--feed", case.slug, "--json"], b""
    raise AssertionError(f"no CLI form for a {case.kind} case")


@pytest.mark.parametrize("case", CLI_CASES, ids=[case.id for case in CLI_CASES])
def test_cli_case(
    case: Case,
    seeded_home: Path,
    hostile_server: HostileServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in FETCH.items():
        monkeypatch.setenv(name, value)
    argv, stdin = invocation(case, tmp_path, hostile_server)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    store = Store(f"sqlite:///{(seeded_home / 'narrate.db').resolve()}")
    public, rows = snapshot(seeded_home / "public"), episode_rows(store)

    code = main(argv)
    out, err = capsys.readouterr()

    outcome = case.outcome
    if isinstance(outcome, Refused):
        assert code == outcome.error.exit_code, (code, err)
        assert out == ""
        assert err.startswith("narrate: error: "), err
        assert_one_line(err, outcome)
        assert snapshot(seeded_home / "public") == public, "a refused input changed public/"
        assert episode_rows(store) == rows, "a refused input left an episode row behind"
        assert snapshot(seeded_home / "work") == {}, "a refused input left work files behind"
        return
    assert code == 0, err
    assert_published(json.loads(out), outcome, seeded_home, store, rows)


def assert_published(
    episode: dict, outcome: Published, home: Path, store: Store, rows_before: list[tuple[str, str, str, str | None]]
) -> None:
    assert episode["status"] == "published", episode
    feed = Path(episode["feed_path"]).read_bytes()
    title = assert_feed_holds(feed, episode["guid"], outcome)
    assert title == episode["title"]
    assert_transcript_says(Path(episode["transcript_path"]).read_text(encoding="utf-8"), outcome)
    page = home / "public" / "episodes" / episode["id"] / "index.html"
    assert_page_is_inert(page.read_text(encoding="utf-8"), outcome)
    assert Path(episode["audio_path"]).read_bytes()[:3] in (b"ID3", b"\xff\xfb")
    # The episode published before is still published (the same text again re-renders it in place).
    published = {row[0] for row in episode_rows(store) if row[1] == "published"}
    assert {row[0] for row in rows_before} | {episode["id"]} == published
    items = feed.count(b"<item>")
    assert items == len(published)


@pytest.mark.parametrize("case_id", SUBPROCESS_CASES)
def test_cli_case_as_a_real_process(
    case_id: str, seeded_home: Path, hostile_server: HostileServer, tmp_path: Path
) -> None:
    case = next(case for case in CASES if case.id == case_id)
    argv, stdin = invocation(case, tmp_path, hostile_server)
    env = {**os.environ, **FETCH}
    done = subprocess.run(
        [sys.executable, "-m", "narrate.cli", *argv], input=stdin, env=env, cwd=ROOT, capture_output=True, timeout=120
    )
    err = done.stderr.decode("utf-8")
    assert "Traceback" not in err
    if isinstance(case.outcome, Refused):
        assert done.returncode == case.outcome.error.exit_code, err
        assert err.startswith("narrate: error: ")
        assert_one_line(err, case.outcome)
    else:
        assert done.returncode == 0, err
        assert err == ""
        episode = json.loads(done.stdout)
        assert episode["status"] == "published"
        assert_transcript_says(Path(episode["transcript_path"]).read_text(encoding="utf-8"), case.outcome)
