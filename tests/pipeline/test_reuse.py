"""No work done twice: the segment cache, its bound, corrupt entries, and re-renders of unchanged articles."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import worker
from narrate import pipeline
from narrate.article import Article, Block
from narrate.engines.base import Speech
from narrate.engines.cache import SegmentCache, segment_key
from narrate.engines.tone import ToneEngine
from narrate.settings import Settings
from narrate.store import Status, Store

PARAGRAPHS = [
    "The harbour reopened on Friday. Ferries resumed at dawn.",
    "Repairs cost $4 million. The state paid half.",
    "Fishers said the closure cost them a season. Most plan to return.",
]


def article(paragraphs: list[str]) -> Article:
    return Article(
        title="Harbour reopens",
        author="Lee Tran",
        published=dt.date(2024, 9, 1),
        canonical_url="https://news.example.org/harbour",
        blocks=[Block("paragraph", p) for p in paragraphs],
    )


@pytest.fixture
def spoken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Texts the real tone engine is asked to synthesise."""
    texts: list[str] = []
    real: Callable[[ToneEngine, str], Speech] = ToneEngine.synthesize

    def counting(self: ToneEngine, text: str) -> Speech:
        texts.append(text)
        return real(self, text)

    monkeypatch.setattr(ToneEngine, "synthesize", counting)
    return texts


def render(settings: Settings, art: Article) -> pipeline.Episode:
    store = Store(settings.db_url)
    episode = pipeline.submit(settings, store, art, feed="main", source="test")
    worker.render.delay(episode.id, episode.render_id)
    done = store.get(episode.id)
    assert done.status == Status.PUBLISHED.value, done.reason
    return done


def test_an_unchanged_re_render_synthesises_nothing_and_keeps_the_files(settings: Settings, spoken: list[str]) -> None:
    first = render(settings, article(PARAGRAPHS))
    assert len(spoken) > 6
    mp3 = settings.public_dir / first.audio_path
    before = mp3.stat().st_mtime_ns
    spoken.clear()
    again = render(settings, article(PARAGRAPHS))
    assert spoken == []
    assert (again.audio_path, again.rev, again.fingerprint) == (first.audio_path, first.rev, first.fingerprint)
    assert mp3.stat().st_mtime_ns == before  # not even re-encoded


def test_an_edited_paragraph_costs_only_its_own_sentences(settings: Settings, spoken: list[str]) -> None:
    first = render(settings, article(PARAGRAPHS))
    spoken.clear()
    edited = PARAGRAPHS[:1] + ["Repairs cost $5 million. The state paid half."] + PARAGRAPHS[2:]
    second = render(settings, article(edited))
    assert spoken == ["Repairs cost five million dollars."]
    assert second.guid == first.guid and second.audio_path != first.audio_path


def test_a_corrupt_cache_entry_is_synthesised_again_never_published(settings: Settings, spoken: list[str]) -> None:
    first = render(settings, article(PARAGRAPHS))
    engine = ToneEngine(settings)
    key = segment_key("tone", engine.voice_id, "Ferries resumed at dawn.")
    entry = SegmentCache(settings.cache_dir).path(key)
    good = entry.read_bytes()
    entry.write_bytes(good[: len(good) // 2])  # a half-written file, as a full disk would leave it
    spoken.clear()
    edited = PARAGRAPHS[:2] + ["Fishers said the closure cost them a season. Most plan to return soon."]
    second = render(settings, article(edited))
    assert "Ferries resumed at dawn." in spoken
    assert entry.read_bytes() == good  # the tone engine is deterministic: the entry is whole again
    assert second.duration == pytest.approx(first.duration + 0.4, abs=0.6)  # nothing missing from the audio


def test_the_cache_is_bounded_least_recently_used_first(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path)
    speech = Speech(b"\x01\x00" * 22050, 22050)  # 1 s, 44,144 bytes on disk
    paths = [cache.put(f"{n:02d}" * 32, speech) for n in range(5)]
    for n, path in enumerate(paths):
        os.utime(path, (time.time() - 100 + n, time.time() - 100 + n))
    assert cache.get(paths[0].stem) == paths[0]  # a hit makes the oldest the most recent
    freed = cache.prune(3 * paths[0].stat().st_size)
    assert freed == 2 * paths[0].stat().st_size
    assert [p.exists() for p in paths] == [True, False, False, True, True]
