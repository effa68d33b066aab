"""The gtts engine through the whole pipeline, against a local server that speaks Google's protocol."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import worker
from narrate import pipeline
from narrate.article import Article, Block
from narrate.settings import Settings
from narrate.store import Status, Store
from tests.support.gtts_server import GttsServer

ARTICLE = Article(
    title="Bridge reopens",
    author="Ana Ruiz",
    published=dt.date(2025, 5, 1),
    canonical_url="https://news.example.org/bridge",
    blocks=[Block("paragraph", "The old bridge reopened on Friday. Buses return next week.")],
)


@pytest.fixture
def server() -> GttsServer:
    with GttsServer() as server:
        yield server


@pytest.fixture
def gtts_settings(settings: Settings, server: GttsServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("NARRATE_GTTS_URL", server.url)
    monkeypatch.setenv("NARRATE_ENGINE_RETRIES", "2")
    monkeypatch.setenv("NARRATE_ENGINE_BACKOFF", "0.01")
    monkeypatch.setenv("NARRATE_ENGINE_TIMEOUT", "5")
    return Settings.load()


def render(settings: Settings) -> str:
    store = Store(settings.db_url)
    episode = pipeline.submit(settings, store, ARTICLE, feed="main", source="test", engine="gtts")
    try:
        worker.render.delay(episode.id, episode.render_id)
    except Exception:
        pass  # recorded on the episode
    return episode.id


def test_success_speaks_every_sentence(gtts_settings: Settings, server: GttsServer) -> None:
    episode = Store(gtts_settings.db_url).get(render(gtts_settings))
    assert episode.status == Status.PUBLISHED.value, episode.reason
    assert episode.engine == "gtts"
    spoken = " ".join(server.texts)
    assert "The old bridge reopened on Friday." in spoken and "Buses return next week." in spoken
    assert "Bridge reopens" in spoken  # the intro
    assert (gtts_settings.public_dir / episode.audio_path).stat().st_size == episode.bytes


def test_a_429_is_retried_then_succeeds(gtts_settings: Settings, server: GttsServer) -> None:
    server.queue("429")
    episode = Store(gtts_settings.db_url).get(render(gtts_settings))
    assert episode.status == Status.PUBLISHED.value, episode.reason
    assert server.texts[0] == server.texts[1]  # the refused request was sent again
    segments = len(pipeline.script_from_dict(json.loads(episode.script_json)).segments)
    assert server.request_count == segments + 1


def test_a_permanent_failure_ends_in_a_failed_episode_with_a_reason(
    gtts_settings: Settings, server: GttsServer
) -> None:
    server.default = "500"
    episode = Store(gtts_settings.db_url).get(render(gtts_settings))
    assert episode.status == Status.FAILED.value
    assert episode.reason and episode.reason.startswith("gtts:") and "500" in episode.reason
    assert "3 attempts" in episode.reason  # 1 try + 2 retries
    assert episode.audio_path is None
    assert not (gtts_settings.public_dir / "audio").exists()
