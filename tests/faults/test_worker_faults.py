"""Workers killed with SIGKILL, stalled renders, a database that goes away: real Celery workers on the real Redis,
episodes in a real PostgreSQL database. Each test ends by checking what listeners see: the feed parses and every
episode is in it once, with exactly its own files public."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from sqlalchemy.engine import make_url

from narrate.store import Episode
from tests.conftest import POSTGRES_ADMIN_URL
from tests.faults.cluster import article
from tests.faults.conftest import RABBITMQ_URL, REDIS_URL


def spoken_cues(cluster, episode: Episode) -> int:  # type: ignore[no-untyped-def]
    return (cluster.settings.public_dir / episode.transcript_path).read_text().count(" --> ")


@pytest.mark.parametrize("broker", ["redis", "rabbitmq"])
def test_worker_killed_mid_synthesis_publishes_once(make_cluster, broker: str) -> None:  # type: ignore[no-untyped-def]
    # Redis gives a dead worker's tasks to another after the visibility timeout; RabbitMQ as soon as it notices.
    url = {"redis": REDIS_URL, "rabbitmq": RABBITMQ_URL}[broker]
    cluster = make_cluster(url, NARRATE_VOICE="delay=0.25", NARRATE_VISIBILITY_TIMEOUT="3")
    first = cluster.start_worker(concurrency=2)
    episode = cluster.submit(article(1, paragraphs=5))

    cluster.wait_for_segments(episode, 3)
    lost = cluster.kill_mid_segment(first)  # a segment task taken and not finished: only the broker can hand it on
    killed = cluster.get(episode.id)
    assert killed is not None and killed.status == "rendering" and killed.segments_done < killed.segments_total

    cluster.start_worker(concurrency=2)
    [final] = cluster.wait_for([episode.id], timeout=90)
    cluster.assert_published_once(final)
    assert spoken_cues(cluster, final) == final.segments_total  # every sentence is in the audio, none twice
    assert final.render_id == episode.render_id and final.attempts == 0  # the broker redelivered; no reaper needed
    assert cluster.results.get_task_meta(lost)["status"] == "SUCCESS"  # the lost task itself ran again


def test_worker_killed_while_assembling_publishes_once(make_cluster) -> None:  # type: ignore[no-untyped-def]
    cluster = make_cluster(NARRATE_VISIBILITY_TIMEOUT="3")
    earlier = cluster.submit(article(2), send=False)
    first = cluster.start_worker(concurrency=2)
    cluster.send(earlier)
    [published] = cluster.wait_for([earlier.id])
    old_feed = cluster.feed_guids()

    episode = cluster.submit(article(3, paragraphs=30))  # a few minutes of audio: assembly takes seconds

    def assembling() -> bool:
        current = cluster.get(episode.id)
        return current is not None and current.status == "rendering" and current.phase_progress > 0

    cluster.wait_until(assembling, timeout=90, what="assembly under way")
    cluster.kill(first)
    assert cluster.get(episode.id).status == "rendering"  # type: ignore[union-attr]
    assert cluster.feed_guids() == old_feed  # nothing of the killed render reached listeners

    cluster.start_worker(concurrency=2)
    [final] = cluster.wait_for([episode.id], timeout=120)
    cluster.assert_published_once(final)
    cluster.assert_published_once(cluster.get(earlier.id))  # type: ignore[arg-type]
    assert spoken_cues(cluster, final) == final.segments_total
    # The re-run took over the killed run's stage and removes it (just after marking the episode published).
    cluster.wait_until(lambda: not list(cluster.settings.work_dir.glob(f"{episode.id}-*")), timeout=10,
                       what="the stage removed")  # fmt: skip


def test_worker_killed_while_assembling_is_taken_up_again_within_90_s_with_default_settings(make_cluster) -> None:  # type: ignore[no-untyped-def]
    # Redis keeps the dead worker's finishing task for an hour (the visibility timeout) and the reaper's stall limit
    # is ten minutes: the finishing step is queued again because every segment is done and nothing is finishing.
    # That happens at the new worker's first sweep, a reap interval (60 s) after it started: within 90 s of the kill,
    # where the stall limit would take 600 s. How long the assembly then takes is the machine's speed, not the
    # reaper's: it is not part of the 90 s.
    cluster = make_cluster(NARRATE_REAP_INTERVAL="60")  # the default, which the cluster otherwise turns off
    first = cluster.start_worker(concurrency=2)
    episode = cluster.submit(article(7, paragraphs=30))

    def assembling() -> bool:
        current = cluster.get(episode.id)
        return current is not None and current.status == "rendering" and current.phase_progress > 0

    cluster.wait_until(assembling, timeout=90, what="assembly under way")
    killed_at = time.monotonic()
    cluster.kill(first)
    cluster.start_worker(concurrency=2)
    taken_up = f"episode {episode.id}: every segment done but not finished; finishing it again"
    cluster.wait_until(lambda: taken_up in cluster.logs(tail=0), timeout=100, what="the reaper's finishing again")
    assert time.monotonic() - killed_at < 90
    [final] = cluster.wait_for([episode.id], timeout=120)
    cluster.assert_published_once(final)
    assert final.render_id == episode.render_id and final.attempts == 0  # finished again, not rendered again
    assert spoken_cues(cluster, final) == final.segments_total


def test_lost_render_is_sent_again_by_the_reaper(make_cluster) -> None:  # type: ignore[no-untyped-def]
    # The message never reaches the broker (as with a broker that keeps nothing on disk and restarted).
    # Stale after 5 s, not 2: once sent again, the render must not look stalled between two steps (a pool process's
    # first task imports the rendering libraries; finishing starts), which a loaded 2-core machine stretches past 2 s.
    cluster = make_cluster(NARRATE_STALE_AFTER="5", NARRATE_REAP_INTERVAL="1")
    lost = cluster.submit(article(4), send=False)
    cluster.start_worker(concurrency=2)
    [final] = cluster.wait_for([lost.id], timeout=60)
    cluster.assert_published_once(final)
    assert final.attempts == 0 and final.render_id == lost.render_id  # sent again, not rendered again
    assert f"episode {lost.id} still queued after 5 s; sent again" in cluster.logs(tail=0)


def test_render_stalled_by_a_dead_worker_is_rendered_again_by_the_reaper(make_cluster) -> None:  # type: ignore[no-untyped-def]
    # The broker keeps the killed worker's tasks for an hour (the visibility timeout): the reaper acts first.
    # The worker is killed holding a segment task it has not finished, which is then lost with it, so the chord
    # cannot complete. Stale after 6 s: the new worker, started under a loaded machine, must not be reaped itself
    # before its first segment.
    cluster = make_cluster(NARRATE_VOICE="delay=1", NARRATE_STALE_AFTER="6", NARRATE_REAP_INTERVAL="1")
    first = cluster.start_worker(concurrency=2)
    episode = cluster.submit(article(5, paragraphs=4))
    cluster.wait_for_segments(episode, 2)
    lost = cluster.kill_mid_segment(first)
    killed = cluster.get(episode.id)
    assert killed is not None and killed.segments_done < killed.segments_total  # stalled mid-synthesis
    cluster.start_worker(concurrency=2)
    [final] = cluster.wait_for([episode.id], timeout=90)
    cluster.assert_published_once(final)
    assert final.attempts == 1 and final.render_id != episode.render_id
    assert f"episode {episode.id} stalled while rendering; rendering it again" in cluster.logs(tail=0)
    assert spoken_cues(cluster, final) == final.segments_total
    assert cluster.results.get_task_meta(lost)["status"] == "PENDING"  # never redelivered: the reaper's doing


def test_render_that_keeps_stalling_fails_with_a_reason(make_cluster) -> None:  # type: ignore[no-untyped-def]
    # The worker is killed holding a segment task it has not finished (a task that had just ended would leave nothing
    # lost, and the chord would complete). Stale after 5 s, not 2: before the kill, the render must not be failed
    # already because its first segment (1 s, after the pool process imports the rendering libraries) came late.
    cluster = make_cluster(NARRATE_VOICE="delay=1", NARRATE_STALE_AFTER="5", NARRATE_REAP_INTERVAL="1",
                           NARRATE_RENDER_ATTEMPTS="1")  # fmt: skip
    first = cluster.start_worker(concurrency=2)
    episode = cluster.submit(article(6, paragraphs=4))
    cluster.wait_for_segments(episode, 2)
    cluster.kill_mid_segment(first)
    killed = cluster.get(episode.id)
    assert killed is not None and killed.segments_done < killed.segments_total  # stalled mid-synthesis
    cluster.start_worker(concurrency=1)
    [final] = cluster.wait_for([episode.id], timeout=90)
    assert final.status == "failed" and final.reason == "render stalled: no progress for 5 s (1 attempt)"
    assert cluster.public_files(episode.id) == []


def _allow_connections(database_url: str, allowed: bool) -> None:
    """Open or close the database to every new connection, and cut the open ones: the database is unavailable."""
    name = make_url(database_url).database
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))


def test_database_unavailable_for_a_moment_tasks_retry(make_cluster, postgres_url: str) -> None:  # type: ignore[no-untyped-def]
    cluster = make_cluster(NARRATE_VOICE="delay=0.2")
    cluster.start_worker(concurrency=2)
    episode = cluster.submit(article(6, paragraphs=4))

    cluster.wait_for_segments(episode, 2)
    _allow_connections(postgres_url, False)
    try:
        time.sleep(5)
    finally:
        _allow_connections(postgres_url, True)
    [final] = cluster.wait_for([episode.id], timeout=120)
    cluster.assert_published_once(final)
    assert spoken_cues(cluster, final) == final.segments_total
    log = cluster.logs(tail=0)
    assert "Retry in" in log and "UnavailableError" in log  # they waited, then went on


def test_same_article_rendered_twice_at_once_publishes_one_result(make_cluster) -> None:  # type: ignore[no-untyped-def]
    cluster = make_cluster(NARRATE_VOICE="delay=0.1")
    cluster.start_worker(concurrency=2)
    cluster.start_worker(concurrency=2)
    first = cluster.submit(article(7, paragraphs=3))
    second = cluster.submit(article(7, paragraphs=3, topic="water"))  # the same article queued again at once
    assert second.id == first.id and second.render_id != first.render_id
    [final] = cluster.wait_for([first.id], timeout=90)
    cluster.assert_published_once(final)
    assert final.render_id == second.render_id  # the later render is the one published
    assert len(cluster.store.episodes(feed="main")) == 1


def test_many_renders_publishing_to_one_feed_at_once_lose_none(make_cluster) -> None:  # type: ignore[no-untyped-def]
    cluster = make_cluster()
    episodes = [cluster.submit(article(10 + n, paragraphs=1), send=False) for n in range(8)]
    cluster.start_worker(concurrency=2)
    cluster.start_worker(concurrency=2)
    # A podcast app polling all the while: every time it reads the feed, the feed parses and loses nothing.
    seen: list[int] = []
    problems: list[str] = []
    stop = threading.Event()

    def poll_feed() -> None:
        while not stop.is_set():
            try:
                guids = cluster.feed_guids()
            except FileNotFoundError:
                continue  # nothing published yet
            except Exception as error:  # noqa: BLE001 - collected for the assertion
                problems.append(repr(error))
                continue
            if seen and len(guids) < seen[-1]:
                problems.append(f"the feed went from {seen[-1]} items to {len(guids)}")
            seen.append(len(guids))

    reader = threading.Thread(target=poll_feed)
    reader.start()
    try:
        for episode in episodes:
            cluster.send(episode)
        finals = cluster.wait_for([e.id for e in episodes], timeout=120)
    finally:
        stop.set()
        reader.join()
    assert problems == [] and len(seen) > 10 and max(seen) <= 8
    guids = cluster.feed_guids()
    assert sorted(guids) == sorted(e.guid for e in episodes)  # every one in the last feed written, once
    for final in finals:
        cluster.assert_published_once(final)
