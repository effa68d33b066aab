"""Held for review at the command line: `narrate add` holds a page whose reading is a fragment, `narrate episodes`
shows why, and `approve`, `correct` and `add --force` go on. Real `narrate` processes, exact exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import fragments

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_BASE_URL="https://audio.example.org", NARRATE_ENGINE="tone")
    return env


def narrate(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "narrate.cli", *args], check=False, env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, input=stdin)  # fmt: skip


def page(tmp_path: Path, name: str, html: str) -> str:
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return str(path)


def published_files(home: Path) -> list[str]:
    """Everything synthesised or published so far: audio, transcripts, cached segments."""
    found = [p for folder in ("public/audio", "public/transcripts", "cache") for p in (home / folder).rglob("*")]
    return sorted(str(p.relative_to(home)) for p in found if p.is_file() and not p.name.endswith(".lock"))


def transcript(home: Path, episode: dict) -> str:
    return Path(episode["transcript_path"]).read_text(encoding="utf-8")


def test_held_corrected_held_again_approved_and_forced(env: dict[str, str], tmp_path: Path) -> None:
    home = Path(env["NARRATE_HOME"])
    furnished = page(tmp_path, "share-bar", fragments.captioned_body_with_share_bar_page())

    # Held: exit 4, the reason, and how to go on; nothing synthesised, nothing published.
    added = narrate(env, "add", furnished, "--json")
    assert added.returncode == 4, added.stderr
    held = json.loads(added.stdout)
    assert held["status"] == "needs_review" and held["audio_url"] is None
    assert "page furniture" in held["reason"] and "Sign up for our newsletter" in held["reason"]
    [line] = added.stderr.splitlines()
    assert line.startswith(f"narrate: error: held for review: {held['reason']}")
    assert f"narrate episodes approve {held['id']}" in line and "--force" in line and "Traceback" not in line
    assert published_files(home) == []

    listed = narrate(env, "episodes")
    assert listed.returncode == 0, listed.stderr
    first, reason, advice = listed.stdout.splitlines()
    assert first.split()[:3] == [held["id"], "main", "needs_review"] and first.endswith(fragments.TITLE)
    assert reason == f"    held for review: {held['reason']}"
    assert f"narrate episodes approve {held['id']}" in advice and f"correct {held['id']} FILE" in advice
    [as_json] = json.loads(narrate(env, "episodes", "--json").stdout)
    assert (as_json["status"], as_json["reason"]) == ("needs_review", held["reason"])
    assert narrate(env, "episodes", "text", held["id"]).stdout.strip() == fragments.LEAD

    # Corrected from standard input: the same episode, rendered from the words staff gave.
    corrected_text = f"{fragments.LEAD}\n\n{fragments.REST[0]}\n"
    corrected = narrate(env, "episodes", "correct", held["id"], "-", "--json", stdin=corrected_text)
    assert corrected.returncode == 0, corrected.stderr
    episode = json.loads(corrected.stdout)
    assert (episode["id"], episode["guid"], episode["status"]) == (held["id"], held["guid"], "published")
    assert "corrected" in episode["notice"]
    assert "first week of March" in transcript(home, episode)
    audio = sorted(p for p in published_files(home) if p.startswith("public/audio"))
    assert len(audio) == 1

    # The same fragment from another page is held again; what was published stays as it was meanwhile.
    boxed = narrate(env, "add", page(tmp_path, "author-box", fragments.author_box_first_page()), "--json")
    assert boxed.returncode == 4, boxed.stderr
    again = json.loads(boxed.stdout)
    assert (again["id"], again["status"]) == (held["id"], "needs_review") and "“About the author”" in again["reason"]
    assert again["audio_url"] == episode["audio_url"]  # the corrected episode is still what listeners get
    assert sorted(p for p in published_files(home) if p.startswith("public/audio")) == audio
    feed = (home / "public/feeds/main.xml").read_text(encoding="utf-8")
    assert feed.count("<item>") == 1 and held["guid"] in feed

    # Approved: read as it is, the lead alone.
    approved = narrate(env, "episodes", "approve", held["id"], "--json")
    assert approved.returncode == 0, approved.stderr
    read_as_is = json.loads(approved.stdout)
    assert (read_as_is["guid"], read_as_is["status"]) == (held["guid"], "published")
    text = transcript(home, read_as_is)
    assert "petition signed" in text and "first week of March" not in text
    assert read_as_is["notice"].startswith("approved by staff after review")

    # Only a held episode can be approved or corrected.
    refused = narrate(env, "episodes", "approve", held["id"])
    assert refused.returncode == 8 and refused.stdout == ""
    assert refused.stderr == f"narrate: error: episode '{held['id']}' is not held for review (it is published)\n"
    missing = narrate(env, "episodes", "correct", "nosuchid", "-", stdin="Some text.")
    assert missing.returncode == 8 and "no episode 'nosuchid'" in missing.stderr

    # --force skips the guard: the share-bar page's fragment is rendered at once.
    forced = narrate(env, "add", furnished, "--force", "--json")
    assert forced.returncode == 0, forced.stderr
    assert json.loads(forced.stdout)["status"] == "published"


def test_a_clean_fuller_reading_is_rendered_with_a_notice(env: dict[str, str], tmp_path: Path) -> None:
    home = Path(env["NARRATE_HOME"])
    source = page(tmp_path, "captioned", fragments.captioned_body_page())
    script = narrate(env, "script", source)
    assert script.returncode == 0 and "narrate: note: narrate's reading of the page has" in script.stderr
    assert "first week of March" in script.stdout and "part of the timetable" in script.stdout

    added = narrate(env, "add", source, "--json")
    assert added.returncode == 0, added.stderr
    episode = json.loads(added.stdout)
    assert episode["status"] == "published" and "fuller reading" in episode["notice"]
    text = transcript(home, episode)
    assert all(sentence.split(",")[0] in text for sentence in fragments.REST)


def test_script_warns_of_a_hold_and_shows_the_reading(env: dict[str, str], tmp_path: Path) -> None:
    result = narrate(env, "script", page(tmp_path, "box", fragments.author_box_first_page()))
    assert result.returncode == 0
    assert result.stderr.startswith("narrate: warning: `narrate add` would hold this for review: ")
    assert "petition signed" in result.stdout and "first week of March" not in result.stdout
