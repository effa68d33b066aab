"""The pipeline's recovery paths in-process: the reaper, orphan files, and the fallback engine (gtts unreachable)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

import worker
from narrate import pipeline, recovery
from narrate.publishing.files import remove_orphans
from narrate.settings import Settings
from narrate.store import Store
from tests.pipeline.test_render import article, parse_feed, render


def test_reaper_sends_a_long_queued_render_again_under_the_same_id(settings: Settings) -> None:
    settings = dataclasses.replace(settings, stale_after=60, render_attempts=1)
    store = Store(settings.db_url)
    episode = pipeline.submit(settings, store, article(), feed="main", source="test")
    sent: list[tuple[str, str]] = []
    now = dt.datetime.now(dt.timezone.utc)
    assert recovery.reap(settings, store, lambda *a: sent.append(a), now=now) == 0  # not waited long yet
    assert recovery.reap(settings, store, lambda *a: sent.append(a), now=now + dt.timedelta(minutes=2)) == 1
    assert sent == [(episode.id, episode.render_id)]  # the same render: a duplicate of a waiting message is harmless
    again = store.get(episode.id)
    assert (again.status, again.attempts, again.render_id) == ("queued", 0, episode.render_id)
    # waiting in a queue never fails an episode, however often it is sent again
    assert recovery.reap(settings, store, lambda *a: sent.append(a), now=now + dt.timedelta(minutes=4)) == 1
    assert store.get(episode.id).status == "queued" and len(sent) == 2
    # the first of the two messages to arrive renders; the second finds the render ended
    worker.render.delay(episode.id, episode.render_id)
    assert store.get(episode.id).status == "published"
    assert not recovery.is_pending(store, episode.id, episode.render_id)


def test_reaper_finishes_again_a_render_whose_segments_are_all_done(settings: Settings) -> None:
    # The worker assembling it died: the chord's callback is gone, every segment is in the cache.
    settings = dataclasses.replace(settings, finish_after=20, stale_after=600)
    store = Store(settings.db_url)
    episode = pipeline.submit(settings, store, article(), feed="main", source="test")
    jobs = pipeline.plan(settings, store, episode.id, episode.render_id)
    for job in jobs:
        pipeline.synthesize(settings, job)
        store.segment_done(episode.id, episode.render_id)
    sent: list[tuple[str, str]] = []
    finished: list[tuple[str, str]] = []
    now = dt.datetime.now(dt.timezone.utc)
    reap = lambda when: recovery.reap(settings, store, lambda *a: sent.append(a), lambda *a: finished.append(a),  # noqa: E731
                                      now=when)  # fmt: skip
    assert reap(now) == 0  # it may still be assembling
    assert reap(now + dt.timedelta(seconds=30)) == 1
    assert finished == [(episode.id, episode.render_id)] and sent == []  # the same render, finished; nothing redone
    assert reap(dt.datetime.now(dt.timezone.utc)) == 0  # claimed: a sweep right after waits for it again
    worker.finish.delay([], episode.id, episode.render_id)
    final = store.get(episode.id)
    assert (final.status, final.attempts, final.render_id) == ("published", 0, episode.render_id)
    _, parsed, _ = parse_feed(settings.public_dir / "feeds" / "main.xml")
    assert [entry.id for entry in parsed.entries] == [final.guid]

    # A render still synthesising is not finished early, however long it has waited.
    other = pipeline.submit(settings, store, article("https://news.example.org/other"), feed="main", source="test")
    pipeline.plan(settings, store, other.id, other.render_id)
    assert reap(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=60)) == 0 and len(finished) == 1


def test_reaper_renders_a_stalled_render_again_then_fails_it(settings: Settings) -> None:
    settings = dataclasses.replace(settings, stale_after=60, render_attempts=2)
    store = Store(settings.db_url)
    episode = pipeline.submit(settings, store, article(), feed="main", source="test")
    store.change(episode.id, None, status="rendering", segments_total=9, segments_done=3)
    sent: list[tuple[str, str]] = []

    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=2)
    assert recovery.reap(settings, store, lambda *a: sent.append(a), now=later) == 1
    requeued = store.get(episode.id)
    assert sent == [(episode.id, requeued.render_id)] and requeued.render_id != episode.render_id
    assert (requeued.status, requeued.attempts, requeued.segments_done) == ("queued", 1, 0)
    # the old render, should it still be running somewhere, can no longer publish or fail the episode
    assert not store.change(episode.id, episode.render_id, status="failed")
    assert not recovery.is_pending(store, episode.id, episode.render_id)

    store.change(episode.id, None, status="rendering")  # the new render stalls too
    assert recovery.reap(settings, store, lambda *a: sent.append(a), now=later + dt.timedelta(minutes=2)) == 1
    failed = store.get(episode.id)
    assert len(sent) == 1 and failed.status == "failed"
    assert failed.reason == "render stalled: no progress for 60 s (2 attempts)"


def test_orphan_files_of_an_episode_are_removed_and_others_kept(settings: Settings) -> None:
    public = settings.public_dir
    names = ["audio/main/ep1-aaaa.mp3", "audio/main/ep1-bbbb.mp3", "transcripts/main/ep1-aaaa.vtt",
             "audio/main/ep10-cccc.mp3", "audio/other/ep1-dddd.mp3"]  # fmt: skip
    for name in names:
        (public / name).parent.mkdir(parents=True, exist_ok=True)
        (public / name).write_bytes(b"x")
    removed = remove_orphans(settings.public_dir, "main", "ep1", keep={"audio/main/ep1-bbbb.mp3"})
    assert sorted(removed) == ["audio/main/ep1-aaaa.mp3", "transcripts/main/ep1-aaaa.vtt"]
    left = sorted(p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file())
    assert left == ["audio/main/ep1-bbbb.mp3", "audio/main/ep10-cccc.mp3", "audio/other/ep1-dddd.mp3"]


@pytest.fixture
def unreachable_gtts(home, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NARRATE_GTTS_URL", "http://127.0.0.1:1")  # nothing listens: every request is refused
    monkeypatch.setenv("NARRATE_ENGINE_RETRIES", "1")
    monkeypatch.setenv("NARRATE_ENGINE_BACKOFF", "0.01")


def test_engine_down_for_good_moves_the_episode_to_the_fallback_engine(unreachable_gtts: None, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NARRATE_FALLBACK_ENGINE", "tone")
    written: list[str] = []
    change = Store.change

    def recording(self: Store, *ids: str | None, **values: object) -> bool:
        if "status" in values:
            written.append(str(values["status"]))
        return change(self, *ids, **values)

    monkeypatch.setattr(Store, "change", recording)
    settings = Settings.load()
    episode_id = render(settings, article(), engine="gtts")
    episode = Store(settings.db_url).get(episode_id)
    assert episode.status == "published", episode.reason
    # Never seen failed on its way to the fallback: a watcher (narrate add waiting, the API) would stop there.
    assert "failed" not in written and "queued" in written
    assert episode.engine == "tone"
    assert episode.notice.startswith("gtts failed (gtts: cannot reach http://127.0.0.1:1") and episode.notice.endswith(
        "read by tone instead"
    )
    _, parsed, _ = parse_feed(settings.public_dir / "feeds/main.xml")
    assert [e.id for e in parsed.entries] == [episode.guid]


def test_engine_down_for_good_without_fallback_fails_with_the_reason(unreachable_gtts: None) -> None:
    settings = Settings.load()
    episode_id = render(settings, article(), engine="gtts")
    episode = Store(settings.db_url).get(episode_id)
    assert episode.status == "failed" and episode.engine == "gtts" and episode.notice is None
    assert episode.reason.startswith("gtts: cannot reach http://127.0.0.1:1") and "after 2 attempts" in episode.reason
    assert not (settings.public_dir / "feeds/main.xml").exists()
    assert worker.app.conf.task_always_eager  # in-process, as the CLI's embedded default runs it


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_same_finish_twice_at_once_publishes_once(settings: Settings, database: str, request) -> None:  # type: ignore[no-untyped-def]
    # A retried or redelivered finish task can run beside the original: they take turns, the second publishes nothing.
    import threading

    if database == "postgresql":
        settings = dataclasses.replace(settings, database_url=request.getfixturevalue("postgres_url"))
    store = Store(settings.db_url)
    episode = pipeline.submit(settings, store, article(), feed="main", source="test")
    for job in pipeline.plan(settings, store, episode.id, episode.render_id):
        pipeline.synthesize(settings, job)
    results: list[object] = []

    def run() -> None:
        try:
            results.append(pipeline.finish(settings, Store(settings.db_url), episode.id, episode.render_id).status)
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            results.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["published", "published"]
    final = store.get(episode.id)
    published = sorted(p.relative_to(settings.public_dir).as_posix() for p in settings.public_dir.rglob(f"{episode.id}-*"))
    assert published == sorted([final.audio_path, final.transcript_path, final.chapters_path])
    _, parsed, _ = parse_feed(settings.public_dir / "feeds/main.xml")
    assert [e.id for e in parsed.entries] == [final.guid]
    assert list(settings.work_dir.iterdir()) == []
