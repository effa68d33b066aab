"""Bad settings are refused where they are written and when the program starts, never half-way through a render.

A refused `narrate feed edit` leaves narrate.toml byte for byte as it was, and a bad environment stops every command
with exit 3 before any work; either way the next `narrate add` (with the setting fixed) still publishes.

The sweeps over many values call the CLI's own main() in this process (a subprocess costs seconds each on a busy
machine); the end-to-end cases run the real `narrate` command.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import wave
from pathlib import Path

import imageio_ffmpeg
import pytest

from narrate import cli
from narrate.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "examples" / "example-article.txt"
BASE = "https://audio.example.org"


# -- helpers -------------------------------------------------------------------------------------------------


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The CLI's main() in this process: its exit code and its standard error."""
    capsys.readouterr()
    code = cli.main(list(args))
    return code, capsys.readouterr().err


def assert_refused(code: int, err: str, *fragments: str, exit_code: int = 3) -> None:
    lines = err.strip().splitlines()
    assert code == exit_code, err
    assert len(lines) == 1 and lines[0].startswith("narrate: error: "), err
    assert "Traceback" not in err and "internal error" not in err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def subprocess_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update({"NARRATE_HOME": str(home), "NARRATE_BASE_URL": BASE, "NARRATE_ENGINE": "tone", **extra})
    return env


def narrate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "narrate.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)  # fmt: skip


def ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture
def feed_home(home: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A home whose main feed has been written once (so narrate.toml exists and its bytes can be compared)."""
    code, err = run_main(capsys, "feed", "edit", "main", "--author", "Harbour Desk")
    assert code == 0, err
    return home


@pytest.fixture(scope="module")
def not_audio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Files and places that are not playable audio, each its own way."""
    folder = tmp_path_factory.mktemp("not-audio")
    ffmpeg("-f", "lavfi", "-i", "sine=d=0.5", "-c:a", "libmp3lame", str(folder / "real.mp3"))
    ffmpeg("-f", "lavfi", "-i", "testsrc=d=0.2:s=64x64", "-c:v", "mjpeg", str(folder / "video-only.avi"))
    real = (folder / "real.mp3").read_bytes()
    (folder / "empty.mp3").write_bytes(b"")
    (folder / "notes.mp3").write_text("This is a shopping list, not a jingle.\n")
    (folder / "noise.mp3").write_bytes(random.Random(11).randbytes(8192))
    (folder / "truncated.mp3").write_bytes(real[:60])
    with wave.open(str(folder / "no-samples.wav"), "wb") as empty_wav:
        empty_wav.setnchannels(1)
        empty_wav.setsampwidth(2)
        empty_wav.setframerate(22050)
        empty_wav.writeframes(b"")
    from PIL import Image

    Image.new("RGB", (16, 16), "red").save(folder / "picture.png")
    files = {p.stem: p for p in folder.iterdir() if p.stem != "real"}
    return {**files, "passwd": Path("/etc/passwd"), "folder": folder, "missing": folder / "nowhere.mp3",
            "device": Path("/dev/zero")}  # fmt: skip


# -- a feed's URL --------------------------------------------------------------------------------------------

BAD_LINKS = [
    "example.org/news",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "/2024/01/post/",
    "//example.org/news",
    "ftp://example.org/news",
    "https://",
    "https:///news",
    "http://exa mple.org/",
    "https://example.org:99999/",
    "https://user:hunter2@example.org/",
    "https://[::1/",
    "https://-bad-.example.org/",
    "https://example.org/\nX-Injected: 1",
    "mailto:desk@example.org",
]


@pytest.mark.parametrize("link", BAD_LINKS)
def test_a_bad_feed_link_is_refused_before_it_is_saved(
    feed_home: Path, capsys: pytest.CaptureFixture[str], link: str
) -> None:
    config = feed_home / "narrate.toml"
    before, feed_xml = config.read_bytes(), (feed_home / "public/feeds/main.xml").read_bytes()
    code, err = run_main(capsys, "feed", "edit", "main", "--link", link)
    assert_refused(code, err, "feed 'main': link", "absolute http(s) URL")
    assert "hunter2" not in err  # a password is never repeated
    assert config.read_bytes() == before
    assert (feed_home / "public/feeds/main.xml").read_bytes() == feed_xml


def test_a_feed_link_in_any_case_is_kept_in_lower_case(feed_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_main(capsys, "feed", "edit", "main", "--link", "HTTPS://News.Example.ORG:8443/Harbour?x=1")
    assert code == 0, err
    assert 'link = "https://news.example.org:8443/Harbour?x=1"' in (feed_home / "narrate.toml").read_text()
    assert "<link>https://news.example.org:8443/Harbour?x=1</link>" in (
        feed_home / "public/feeds/main.xml").read_text()


# -- a feed's music ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["intro-audio", "outro-audio"])
@pytest.mark.parametrize(
    ("kind", "why"),
    [
        ("passwd", "is not audio"),
        ("folder", "is not a file"),
        ("missing", "does not exist"),
        ("device", "is not a file"),
        ("empty", "is not audio"),
        ("notes", "is not audio"),
        ("noise", "is not audio"),
        ("truncated", "is not audio"),
        ("no-samples", "has no audio samples"),
        ("picture", "has no audio stream"),
        ("video-only", "has no audio stream"),
    ],
)
def test_music_that_is_not_audio_is_refused_before_it_is_saved(
    feed_home: Path, capsys: pytest.CaptureFixture[str], not_audio: dict[str, Path], field: str, kind: str, why: str
) -> None:
    config = feed_home / "narrate.toml"
    before = config.read_bytes()
    code, err = run_main(capsys, "feed", "edit", "main", f"--{field}", str(not_audio[kind]))
    assert_refused(code, err, f"feed 'main': {field.replace('-', '_')} {not_audio[kind]}", why)
    assert config.read_bytes() == before


def test_music_given_by_a_relative_path_is_stored_absolute(
    feed_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ffmpeg("-f", "lavfi", "-i", "sine=d=0.4", str(tmp_path / "jingle.wav"))
    monkeypatch.chdir(tmp_path)
    code, err = run_main(capsys, "feed", "edit", "main", "--intro-audio", "jingle.wav")
    assert code == 0, err
    # A worker started in another directory finds it too.
    assert f'intro_audio = "{tmp_path / "jingle.wav"}"' in (feed_home / "narrate.toml").read_text()
    code, err = run_main(capsys, "feed", "edit", "main", "--intro-audio", "")  # an empty value turns it off
    assert code == 0, err
    assert 'intro_audio = ""' in (feed_home / "narrate.toml").read_text()


# -- a feed's other fields -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "fragment"),
    [
        ("--language", "english", "language must be a language code"),
        ("--language", "", "language must be a language code"),
        ("--language", "en_US;rm -rf", "language must be a language code"),
        ("--owner-email", "not-an-address", "owner_email"),
        ("--owner-email", "desk@example.org>\n<itunes:block>Yes", "owner_email"),
        ("--max-episodes", "-1", "max_episodes"),
        ("--cover-image", "/etc/passwd", "not a readable image"),
        ("--category", "Cats", "not in Apple's list"),
        ("--title", "   ", "lacks title"),
    ],
)
def test_other_bad_feed_values_are_refused_before_they_are_saved(
    feed_home: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, fragment: str
) -> None:
    config = feed_home / "narrate.toml"
    before = config.read_bytes()
    code, err = run_main(capsys, "feed", "edit", "main", option, value)
    assert_refused(code, err, "feed 'main'", fragment)
    assert config.read_bytes() == before


def test_feed_create_refuses_a_bad_value_and_creates_nothing(
    feed_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (feed_home / "narrate.toml").read_bytes()
    code, err = run_main(capsys, "feed", "create", "research", "--link", "research.example.org")
    assert_refused(code, err, "feed 'research': link")
    assert (feed_home / "narrate.toml").read_bytes() == before
    assert not (feed_home / "public/feeds/research.xml").exists()


# -- the environment and the config file at start ------------------------------------------------------------

BAD_ENVIRONMENT = [
    ("NARRATE_BASE_URL", "javascript:alert(1)", "absolute http(s) URL"),
    ("NARRATE_BASE_URL", "example.org/news", "absolute http(s) URL"),
    ("NARRATE_BASE_URL", "/public", "absolute http(s) URL"),
    ("NARRATE_BASE_URL", "file:///srv/public", "absolute http(s) URL"),
    ("NARRATE_BASE_URL", "https://cdn.example.org/audio?v=2", "query or fragment"),
    ("NARRATE_BASE_URL", "https://cdn.example.org/#top", "query or fragment"),
    ("NARRATE_BASE_URL", "https://deploy:s3cret-pass@cdn.example.org", "user name or password"),
    ("NARRATE_BASE_URL", "http://", "no host"),
    ("NARRATE_GTTS_URL", "javascript:alert(1)", "absolute http(s) URL"),
    ("NARRATE_GTTS_URL", "translate.google.com", "absolute http(s) URL"),
    ("NARRATE_BROKER_URL", "127.0.0.1:6379", "not a URL Celery can use"),
    ("NARRATE_BROKER_URL", "http://127.0.0.1:6379/0", "not a URL Celery can use"),
    ("NARRATE_RESULT_BACKEND", "mysql-ish://127.0.0.1/1", "not a URL Celery can use"),
    ("NARRATE_DATABASE_URL", "not a url at all", "not a usable SQLAlchemy URL"),
    ("NARRATE_DATABASE_URL", "nosuchdb://u@h/d", "not a usable SQLAlchemy URL"),
    ("NARRATE_BITRATE_KBPS", "65", "MP3 bitrate"),
    ("NARRATE_BITRATE_KBPS", "16", "MP3 bitrate"),  # MPEG-2 only: not at 44.1 kHz
    ("NARRATE_LOUDNESS_LUFS", "nan", "between"),
    ("NARRATE_LOUDNESS_LUFS", "19", "between"),
    ("NARRATE_TRUE_PEAK_DB", "3", "between"),
    ("NARRATE_ENGINE_TIMEOUT", "-1", "between"),
    ("NARRATE_FETCH_MAX_BYTES", "0", "between"),
    ("NARRATE_STALE_AFTER", "inf", "between"),
    ("NARRATE_RENDER_ATTEMPTS", "0", "between"),
    ("NARRATE_QUEUE", "narrate; rm -rf /", "NARRATE_QUEUE"),
]


@pytest.mark.parametrize(("variable", "value", "fragment"), BAD_ENVIRONMENT)
def test_a_bad_environment_stops_every_command_before_any_work(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    variable: str, value: str, fragment: str,
) -> None:  # fmt: skip
    monkeypatch.setenv(variable, value)
    for command in (["add", str(ARTICLE)], ["feed", "edit", "main", "--author", "X"], ["episodes"]):
        code, err = run_main(capsys, *command)
        assert_refused(code, err, variable, fragment)
        assert "s3cret-pass" not in err
    assert list(home.iterdir()) == []  # no database, no cache, nothing public


def test_a_bad_setting_in_the_config_file_is_refused_at_start(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NARRATE_BASE_URL")  # the file's value is the one in effect
    (home / "narrate.toml").write_text('base_url = "JavaScript:alert(1)"\n')
    code, err = run_main(capsys, "add", str(ARTICLE))
    assert_refused(code, err, "NARRATE_BASE_URL", "'JavaScript:alert(1)'")
    assert sorted(p.name for p in home.iterdir()) == ["narrate.toml"]


@pytest.mark.parametrize(
    "value", ["HTTPS://Audio.Example.ORG", "https://audio.example.org/", "Http://AUDIO.example.org."]
)
def test_a_base_url_in_any_case_is_published_in_lower_case(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("NARRATE_BASE_URL", value)  # the last: a fully qualified name, with its root dot
    code, err = run_main(capsys, "feed", "edit", "main", "--author", "Desk")
    assert code == 0, err
    scheme = "http" if value.lower().startswith("http:") else "https"
    xml = (home / "public/feeds/main.xml").read_text()
    assert f'<atom:link href="{scheme}://audio.example.org/feeds/main.xml"' in xml
    assert "AUDIO" not in xml and "Example" not in xml and "//feeds" not in xml


# -- a feed that went bad by hand: refused before any synthesis ---------------------------------------------


@pytest.mark.parametrize(
    "line",
    ['link = "example.org/news"', 'intro_audio = "/etc/passwd"', 'outro_audio = "/srv/nowhere/outro.mp3"',
     'language = "??"', 'cover_image = "/etc/hostname"'],
)  # fmt: skip
def test_a_feed_edited_by_hand_is_refused_before_any_synthesis(
    home: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    (home / "narrate.toml").write_text(f"[feeds.main]\ntitle = \"Harbour\"\n{line}\n")
    code, err = run_main(capsys, "add", str(ARTICLE))
    assert_refused(code, err, "feed 'main'", line.split(" = ")[0])
    assert not (home / "cache").exists() or not any((home / "cache").rglob("*.*"))  # nothing synthesised
    assert not (home / "public").exists()  # nothing published, no orphans


# -- end to end: the real command, refused, then fixed --------------------------------------------------------


def test_after_refused_edits_the_next_add_still_publishes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = subprocess_env(home)
    assert narrate(env, "feed", "edit", "main", "--author", "Harbour Desk").returncode == 0
    config = home / "narrate.toml"
    before = config.read_bytes()
    for args in (["--link", "example.org/news"], ["--link", "javascript:alert(1)"],
                 ["--intro-audio", "/etc/passwd"], ["--outro-audio", str(tmp_path)]):  # fmt: skip
        refused = narrate(env, "feed", "edit", "main", *args)
        assert refused.returncode == 3, refused.stderr
        assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("narrate: error: feed 'main': ")
        assert config.read_bytes() == before
    added = narrate(env, "add", str(ARTICLE))
    assert added.returncode == 0, added.stderr
    assert "<item>" in (home / "public/feeds/main.xml").read_text()


def test_after_a_bad_environment_the_next_add_still_publishes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    refused = narrate(subprocess_env(home, NARRATE_BASE_URL="javascript:alert(1)"), "add", str(ARTICLE))
    assert refused.returncode == 3
    assert refused.stderr == (
        "narrate: error: NARRATE_BASE_URL must be an absolute http(s) URL: the scheme must be http:// or https://, "
        "not javascript: (got 'javascript:alert(1)')\n"
    )
    assert not home.exists()  # refused before any work: nothing synthesised, nothing public
    added = narrate(subprocess_env(home), "add", str(ARTICLE), "--json")
    assert added.returncode == 0, added.stderr
    assert f'"audio_url": "{BASE}/audio/main/' in added.stdout
    assert len(list((home / "public/audio/main").iterdir())) == 1  # no orphan beside the episode


# -- the service and workers build settings too: submit checks them before an episode exists -----------------


@pytest.mark.parametrize(
    "change",
    [{"base_url": "javascript:alert(1)"}, {"base_url": "audio.example.org"}, {"gtts_url": "data:,x"},
     {"feed": {"link": "example.org/news"}}, {"feed": {"intro_audio": "/etc/passwd"}},
     {"feed": {"outro_audio": "/srv/nowhere.mp3"}}, {"feed": {"language": "English"}}],
)  # fmt: skip
def test_submit_refuses_what_would_fail_at_publish_before_an_episode_exists(
    settings: Settings, change: dict[str, object]
) -> None:
    import dataclasses

    from narrate import pipeline
    from narrate.errors import ConfigError
    from narrate.extract import extract, read_source
    from narrate.store import Store

    feed_change = change.pop("feed", None)
    settings = dataclasses.replace(settings, **change)  # built directly, as the service's tests and tools do
    if feed_change:
        settings.feeds["main"] = dataclasses.replace(settings.feed("main"), **feed_change)  # type: ignore[arg-type]
    store = Store(settings.db_url)
    article = extract(read_source(str(ARTICLE), settings))
    with pytest.raises(ConfigError) as refused:
        pipeline.submit(settings, store, article, feed="main", source=str(ARTICLE))
    assert str(next(iter(feed_change or change))) in str(refused.value).replace("NARRATE_", "").lower()
    assert store.episodes() == []  # nothing queued, so nothing to synthesise
