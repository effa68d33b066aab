"""The `narrate` command as users run it: a real process, real files, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEADLESS = ROOT / "tests" / "fixtures" / "articles" / "headless-article.txt"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_BASE_URL="https://audio.example.org", NARRATE_ENGINE="tone")
    return env


def narrate(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "narrate.cli", *args],
        env=env, cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=300,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("narrate: error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["add", "no-such-file.txt"], ["no-such-file.txt"]),
        (["script", "no-such-file.txt"], ["no-such-file.txt"]),
        (["add", "examples/example-article.txt", "--engine", "klingon"], ["klingon"]),
        (["add", "examples/example-article.txt", "--engine", "piper", "--voice", "/nowhere/voice.onnx"],
         ["/nowhere/voice.onnx"]),
        (["add", "ftp://example.org/article.txt"], ["ftp://example.org/article.txt"]),
        (["add", "http://127.0.0.1:9/article"], ["127.0.0.1:9"]),
        (["add", "examples/example-article.txt", "--feed", "nosuchfeed"], ["nosuchfeed"]),
        (["add", "examples/example-article.txt", "--queue"], ["NARRATE_BROKER_URL"]),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(env: dict[str, str], args: list[str], fragments: list[str]) -> None:
    assert_one_line_error(narrate(env, *args), *fragments)


def test_empty_and_markup_only_sources_have_no_article(env: dict[str, str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n\n  ")
    assert_one_line_error(narrate(env, "add", str(empty)), "no article text")
    assert_one_line_error(narrate(env, "add", "-", stdin=""), "no article text")
    nothing = tmp_path / "nothing.html"
    nothing.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    assert_one_line_error(narrate(env, "add", str(nothing)), "no article text")
    assert not (Path(env["NARRATE_HOME"]) / "public" / "audio").exists()  # nothing half-published


def test_add_json_reports_the_published_episode(env: dict[str, str]) -> None:
    result = narrate(env, "add", "examples/example-article.txt", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "published"
    for key in ("id", "guid", "feed", "title", "audio_path", "audio_url", "bytes", "duration_seconds",
                "transcript_path", "feed_path"):
        assert data[key], key
    assert Path(data["audio_path"]).stat().st_size == data["bytes"]
    assert data["audio_url"].startswith("https://audio.example.org/audio/main/")
    assert Path(data["feed_path"]).read_text().count("<item>") == 1
    assert Path(data["transcript_path"]).read_text().startswith("WEBVTT")

    listed = narrate(env, "episodes", "--json")
    assert [e["guid"] for e in json.loads(listed.stdout)] == [data["guid"]]
    shown = narrate(env, "feed", "show", "main")
    assert f"path: {data['feed_path']}" in shown.stdout
    assert "url:  https://audio.example.org/feeds/main.xml" in shown.stdout


def test_plain_output_names_the_mp3_and_the_feed(env: dict[str, str]) -> None:
    result = narrate(env, "add", "examples/example-article.txt")
    assert result.returncode == 0, result.stderr
    assert "MP3:" in result.stdout and ".mp3" in result.stdout
    assert "Feed:" in result.stdout and "feeds/main.xml" in result.stdout


def test_feed_create_edit_list_and_refusal(env: dict[str, str]) -> None:
    created = narrate(env, "feed", "create", "research", "--title", "Research, read aloud", "--description",
                      "Papers as audio.", "--author", "Policy Centre", "--owner-name", "Audio desk",
                      "--owner-email", "audio@example.org",
                      "--category", "Science", "--subcategory", "Social Sciences")
    assert created.returncode == 0, created.stderr
    config = (Path(env["NARRATE_HOME"]) / "narrate.toml").read_text()
    assert "[feeds.research]" in config and 'subcategory = "Social Sciences"' in config
    feed_xml = (Path(env["NARRATE_HOME"]) / "public/feeds/research.xml").read_text()
    assert "<title>Research, read aloud</title>" in feed_xml

    assert_one_line_error(narrate(env, "feed", "create", "research"), "exists")
    assert_one_line_error(narrate(env, "feed", "edit", "research", "--title", ""), "lacks title")
    assert_one_line_error(narrate(env, "feed", "edit", "research", "--category", "Podcasts About Cats"),
                          "Podcasts About Cats")
    assert_one_line_error(narrate(env, "feed", "create", "../evil"), "slug")

    edited = narrate(env, "feed", "edit", "research", "--explicit")
    assert edited.returncode == 0, edited.stderr
    assert "<itunes:explicit>true</itunes:explicit>" in (
        Path(env["NARRATE_HOME"]) / "public/feeds/research.xml").read_text()
    # podcast:guid is fixed at creation: moving the feed to another host keeps it.
    from feeds.podcast import podcast_guid

    guid = podcast_guid("https://audio.example.org/feeds/research.xml")
    moved = narrate({**env, "NARRATE_BASE_URL": "https://cdn.example.net"}, "feed", "edit", "research", "--author", "PC")
    assert moved.returncode == 0, moved.stderr
    moved_xml = (Path(env["NARRATE_HOME"]) / "public/feeds/research.xml").read_text()
    assert f"<podcast:guid>{guid}</podcast:guid>" in moved_xml
    assert "https://cdn.example.net/feeds/research.xml" in moved_xml
    listed = narrate(env, "feed", "list")
    assert "research" in listed.stdout and "main" in listed.stdout


def test_every_command_has_help(env: dict[str, str]) -> None:
    for command in (["add"], ["script"], ["episodes"], ["feed"], ["feed", "create"], ["feed", "edit"],
                    ["feed", "list"], ["feed", "show"], ["token", "create"], ["token", "list"],
                    ["token", "revoke"], ["serve"], ["lexicon", "add"], ["lexicon", "remove"],
                    ["lexicon", "list"]):
        result = narrate(env, *command, "--help")
        assert result.returncode == 0 and "usage: narrate" in result.stdout


def test_script_of_text_without_a_headline_is_complete_and_clean(env: dict[str, str]) -> None:
    result = narrate(env, "script", str(HEADLESS), "--json")
    assert result.returncode == 0, result.stderr
    captions = " ".join(s["caption"] for s in json.loads(result.stdout)["segments"])
    text = HEADLESS.read_text(encoding="utf-8")
    body = text.split("Skip to main content", 1)[1].split("Marisol Ferreira-Quint", 1)[0]
    for paragraph in filter(None, (p.strip() for p in body.split("\n\n"))):
        assert " ".join(paragraph.split()) in " ".join(captions.split()), paragraph[:60]
    assert "Skip to main content" not in captions
    assert "Senior Policy Analyst" not in captions and "Marisol leads" not in captions
    plain = narrate(env, "script", str(HEADLESS)).stdout
    # No headline: the intro and outro name the article by its author instead of repeating its first sentence.
    assert plain.count("Marisol Ferreira-Quint") == 2
    assert plain.count("City councils across the river valley voted this week") == 1
    assert "Skip to main content" not in plain


def test_a_terminal_sees_a_progress_bar(env: dict[str, str]) -> None:
    import pty

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "narrate.cli", "add", "examples/example-article.txt"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=terminal, text=True,
    )
    os.close(terminal)
    screen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        screen += chunk
    assert process.wait(timeout=300) == 0
    os.close(controller)
    shown = screen.decode(errors="replace")
    assert "rendering" in shown and "%" in shown
    percents = [int(p) for p in __import__("re").findall(r"(\d+)%", shown)]
    assert percents and max(percents) >= 90 and percents == sorted(percents)


def test_token_create_prints_the_token_alone_on_its_last_line(env: dict[str, str]) -> None:
    from narrate.store import Store
    from narrate.web.tokens import verify_token

    created = narrate(env, "token", "create", "web-team")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    store = Store(f"sqlite:///{Path(env['NARRATE_HOME']).resolve() / 'narrate.db'}")
    assert verify_token(store, token) == "web-team"
    assert "web-team" in narrate(env, "token", "list").stdout
    assert narrate(env, "token", "revoke", "web-team").returncode == 0
    assert verify_token(store, token) is None
    assert_one_line_error(narrate(env, "token", "revoke", "web-team"), "web-team")


def test_lexicon_commands_and_the_strict_check(env: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text("Visit to the coast\n\nChinua Okonkwo toured the WRTC plant on Monday.\n", encoding="utf-8")
    checked = narrate(env, "script", str(source), "--check", "--strict")
    assert checked.returncode == 2
    assert {line.split("\t")[0] for line in checked.stdout.splitlines()} == {"Chinua", "Okonkwo", "WRTC"}
    for word, say in (("Okonkwo", "oh KONG kwoh"), ("Chinua", "CHIN wah"), ("WRTC", "W R T C")):
        assert narrate(env, "lexicon", "add", word, say).returncode == 0
    listed = narrate(env, "lexicon", "list").stdout
    assert "Okonkwo\toh KONG kwoh" in listed and "FCNL\tF C N L  (built-in)" in listed
    clean = narrate(env, "script", str(source), "--check", "--strict")
    assert clean.returncode == 0 and clean.stdout == ""
    assert "CHIN wah oh KONG kwoh toured the W R T C plant" in narrate(env, "script", str(source)).stdout
    assert narrate(env, "lexicon", "remove", "Okonkwo").returncode == 0
    assert_one_line_error(narrate(env, "lexicon", "remove", "Okonkwo"), "Okonkwo")
    assert narrate(env, "script", str(source), "--check").returncode == 0  # findings, but not --strict


@pytest.mark.parametrize("base_url", ["example.org/news", "ftp://example.org/audio", "//example.org"])
def test_a_base_url_podcast_apps_cannot_use_is_refused_at_start(env: dict[str, str], base_url: str) -> None:
    # Refused before any work, naming the variable: not found at publish as the feeds library's refusal.
    env["NARRATE_BASE_URL"] = base_url
    result = narrate(env, "feed", "create", "research", "--title", "Research", "--description", "Papers.",
                     "--author", "Policy Centre", "--category", "News")  # fmt: skip
    assert_one_line_error(result, "NARRATE_BASE_URL", "absolute http(s) URL", repr(base_url))
    assert result.returncode == 3 and "internal error" not in result.stderr
    assert not Path(env["NARRATE_HOME"]).exists()
