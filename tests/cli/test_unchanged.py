"""The unchanged re-add's memo (narrate/cli/unchanged.py): it answers only when nothing the episode is made from has
changed, and then exactly as the full add would; every change runs the full add, whose result is right.

Which path ran is told by what the process imported: the full add loads SQLAlchemy (the Store), the memo never does.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

RUNNER = """
import json, sys
from narrate.cli import main
code = main(sys.argv[2:])
sys.stdout.flush()
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""

ARTICLE = (
    "Ferry returns\n\nThe island ferry runs again from Monday, after a winter of repairs to the NCAT pier.\n\n"
    "Tickets cost $4, and bicycles ride free.\n"
)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "ferry.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def add(env: dict[str, str], tmp_path: Path, *args: str) -> tuple[str, bool]:
    """`narrate add ARGS`: what it printed, and whether it ran in full (loaded SQLAlchemy)."""
    report = tmp_path / "modules.json"
    result = subprocess.run([sys.executable, "-c", RUNNER, str(report), "add", *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(report.read_text())
    assert data["code"] == 0, result.stderr
    return result.stdout, "sqlalchemy" in {name.split(".")[0] for name in data["modules"]}


def narrate(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "narrate.cli", *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def episodes(env: dict[str, str]) -> list[dict[str, object]]:
    return json.loads(narrate(env, "episodes", "--json"))


def public(env: dict[str, str]) -> Path:
    return Path(env["NARRATE_HOME"]) / "public"


def test_an_unchanged_re_add_prints_what_the_full_add_prints_and_changes_nothing(
    env: dict[str, str], tmp_path: Path, article: Path
) -> None:
    first, full = add(env, tmp_path, str(article))
    assert full and first.startswith("Published: Ferry returns\n")
    files = {path: path.stat().st_mtime_ns for path in public(env).rglob("*") if path.is_file()}
    before = episodes(env)

    again, full = add(env, tmp_path, str(article))

    assert not full and again == first
    assert {path: path.stat().st_mtime_ns for path in public(env).rglob("*") if path.is_file()} == files
    assert episodes(env) == before

    # --json too: the memo's JSON is the full add's, which a memo-less run (memo deleted) prints again.
    as_json, full = add(env, tmp_path, str(article), "--json")
    assert not full
    for memo in (Path(env["NARRATE_HOME"]) / "cache" / "unchanged").glob("*.json"):
        memo.unlink()
    full_json, full = add(env, tmp_path, str(article), "--json")
    assert full and json.loads(as_json) == json.loads(full_json) == before[0]


def test_a_changed_source_text_runs_the_full_add(env: dict[str, str], tmp_path: Path, article: Path) -> None:
    add(env, tmp_path, str(article))
    article.write_text(ARTICLE.replace("$4", "$5"), encoding="utf-8")

    printed, full = add(env, tmp_path, str(article))

    assert full
    # Sourceless text is identified by its words: other words are another episode, published beside the first.
    listed = episodes(env)
    assert len(listed) == 2 and {e["status"] for e in listed} == {"published"}
    assert any(str(e["audio_path"]) in printed for e in listed)


def test_a_changed_setting_runs_the_full_add(env: dict[str, str], tmp_path: Path, article: Path) -> None:
    add(env, tmp_path, str(article))
    env["NARRATE_BASE_URL"] = "https://podcasts.example.net"

    printed, full = add(env, tmp_path, str(article))

    assert full and "Feed URL:   https://podcasts.example.net/feeds/main.xml" in printed
    again, full = add(env, tmp_path, str(article))
    assert not full and again == printed  # a memo for the new settings


def test_a_changed_lexicon_runs_the_full_add_and_speaks_it(env: dict[str, str], tmp_path: Path, article: Path) -> None:
    add(env, tmp_path, str(article))
    (mp3,) = public(env).rglob("*.mp3")
    narrate(env, "lexicon", "add", "NCAT", "en cat")

    printed, full = add(env, tmp_path, str(article))

    assert full
    (episode,) = episodes(env)
    assert episode["status"] == "published" and str(episode["audio_path"]) in printed
    assert Path(str(episode["audio_path"])) != mp3 and Path(str(episode["audio_path"])).is_file()  # spoken anew


def test_an_edited_feed_runs_the_full_add(env: dict[str, str], tmp_path: Path, article: Path) -> None:
    add(env, tmp_path, str(article))
    feed = public(env) / "feeds" / "main.xml"
    feed.write_text(feed.read_text(encoding="utf-8").replace("</channel>", "<!-- by hand --></channel>"))

    _, full = add(env, tmp_path, str(article))
    assert full

    narrate(env, "feed", "edit", "main", "--title", "Island news, read aloud")
    _, full = add(env, tmp_path, str(article))
    assert full
    assert "Island news, read aloud" in feed.read_text(encoding="utf-8")


def test_a_removed_episode_is_published_again(env: dict[str, str], tmp_path: Path, article: Path) -> None:
    first, _ = add(env, tmp_path, str(article))
    (episode,) = episodes(env)
    database = Path(env["NARRATE_HOME"]) / "narrate.db"
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM episodes WHERE id = ?", (episode["id"],))
    connection.close()

    printed, full = add(env, tmp_path, str(article))

    assert full and printed == first
    (again,) = episodes(env)
    assert again["id"] == episode["id"] and again["status"] == "published"


def test_a_deleted_mp3_is_rendered_again(env: dict[str, str], tmp_path: Path, article: Path) -> None:
    add(env, tmp_path, str(article))
    (mp3,) = public(env).rglob("*.mp3")
    mp3.unlink()

    printed, full = add(env, tmp_path, str(article))

    assert full
    (episode,) = episodes(env)
    assert episode["status"] == "published" and Path(str(episode["audio_path"])).is_file()
    assert str(episode["audio_path"]) in printed


def test_a_queued_or_failed_episode_is_not_taken_for_published(
    env: dict[str, str], tmp_path: Path, article: Path
) -> None:
    add(env, tmp_path, str(article))
    (episode,) = episodes(env)
    with sqlite3.connect(Path(env["NARRATE_HOME"]) / "narrate.db") as connection:
        connection.execute("UPDATE episodes SET status = 'failed', reason = 'by hand' WHERE id = ?", (episode["id"],))
    connection.close()

    _, full = add(env, tmp_path, str(article))

    assert full
    assert episodes(env)[0]["status"] == "published"


def test_no_memo_answers_for_standard_input_or_another_database(env: dict[str, str], tmp_path: Path) -> None:
    import argparse

    from narrate.cli import unchanged
    from narrate.settings import Settings

    env_settings = {k: v for k, v in env.items() if k.startswith("NARRATE_")}
    settings = Settings.load(env_settings)
    args = argparse.Namespace(source="-", feed="main", engine="", voice="", title=None, author=None, force=False,
                              queue=False, json=False)  # fmt: skip
    assert unchanged.source_file(args, settings) is None
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE)
    args.source = str(article)
    assert unchanged.source_file(args, settings) == article
    postgres = Settings.load({**env_settings, "NARRATE_DATABASE_URL": "postgresql+psycopg://127.0.0.1/test"})
    assert unchanged.source_file(args, postgres) is None
    queued = Settings.load({**env_settings, "NARRATE_BROKER_URL": "redis://127.0.0.1:6379/0"})
    assert unchanged.source_file(args, queued) is None


def test_every_file_a_setting_names_is_in_the_digest(env: dict[str, str], tmp_path: Path) -> None:
    """Voices, covers and music are named by settings: a change to such a file (or its .onnx.json) is a change."""
    import argparse

    from narrate.cli import unchanged
    from narrate.settings import FeedSettings, Settings

    voice, config, cover = tmp_path / "voice.onnx", tmp_path / "voice.onnx.json", tmp_path / "cover.png"
    for path in (voice, config, cover):
        path.write_bytes(b"one")
    settings = Settings(home=tmp_path / "home", voice=str(voice),
                        feeds={"main": FeedSettings(slug="main", cover_image=str(cover))})  # fmt: skip
    args = argparse.Namespace(source="a.txt", feed="main", engine="", voice="", title=None, author=None, force=False)
    digest = unchanged.inputs(args, settings, b"text")
    assert unchanged.inputs(args, settings, b"text") == digest
    assert unchanged.inputs(args, settings, b"other text") != digest
    for path in (voice, config, cover):
        path.write_bytes(b"two!")
        assert unchanged.inputs(args, settings, b"text") != digest, path
        digest = unchanged.inputs(args, settings, b"text")
    (tmp_path / "home" / "lexicons").mkdir(parents=True)
    (tmp_path / "home" / "lexicons" / "main.csv").write_text("NCAT,en cat\n")
    assert unchanged.inputs(args, settings, b"text") != digest
