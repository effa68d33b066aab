"""A flaky online engine under real workers: the gtts engine against the local server that speaks Google's protocol,
scripted to fail. Retries get every sentence spoken, a per-engine limit holds across worker processes, and an engine
that stays down hands the episode to the fallback engine, or fails it with the reason. Never a silent gap."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from narrate.audio import probe
from tests.faults.cluster import article
from tests.support.gtts_server import GttsServer, speech_seconds


@pytest.fixture
def gtts_server() -> Iterator:  # type: ignore[type-arg]
    servers: list[GttsServer] = []

    def make(responses: list[str], default: str = "ok", slow_seconds: float = 2.0) -> GttsServer:
        server = GttsServer(responses, default=default, slow_seconds=slow_seconds).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def gtts_cluster(make_cluster, server: GttsServer, **settings: str):  # type: ignore[no-untyped-def]
    # A request gets 3 s: the local server makes every answer (even an HTTP 500) with an ffmpeg run, which a loaded
    # 2-core machine can stretch past 1 s, and an answer that timed out would be one more retry or another reason.
    defaults = {"NARRATE_ENGINE_RETRIES": "5", "NARRATE_ENGINE_BACKOFF": "0.05", "NARRATE_ENGINE_TIMEOUT": "3"}
    return make_cluster(NARRATE_GTTS_URL=server.url, **{**defaults, **settings})


def test_every_fault_retried_until_every_sentence_is_spoken(make_cluster, gtts_server) -> None:  # type: ignore[no-untyped-def]
    faults = ["500", "429:0.2", "cut", "html", "silence", "short", "truncated-json", "503", "slow:4.5", "garbage"]
    server = gtts_server(faults, slow_seconds=4.5)  # "slow:4.5" outlasts the 3 s timeout
    # Two processes share the faults in the order they ask; one request may meet them all while the other waits.
    cluster = gtts_cluster(make_cluster, server, NARRATE_ENGINE_RETRIES=str(len(faults)))
    cluster.start_worker(concurrency=2)
    episode = cluster.submit(article(60, paragraphs=2), engine="gtts")
    [final] = cluster.wait_for([episode.id], timeout=120)
    cluster.assert_published_once(final)
    assert (final.engine, final.notice) == ("gtts", None)
    assert server.request_count == len(set(server.texts)) + len(faults)  # each fault cost exactly one retry
    # Every sentence's full audio is in the episode: at least the stand-in's speech for each text, plus pauses.
    spoken = sum(speech_seconds(text) for text in set(server.texts))
    duration = probe(cluster.settings.public_dir / final.audio_path).duration
    assert spoken <= duration <= spoken + 0.6 * final.segments_total + 3


def test_engine_down_for_good_moves_the_episode_to_the_fallback(make_cluster, gtts_server) -> None:  # type: ignore[no-untyped-def]
    server = gtts_server([], default="500")
    cluster = gtts_cluster(make_cluster, server, NARRATE_FALLBACK_ENGINE="tone", NARRATE_ENGINE_RETRIES="1")
    cluster.start_worker(concurrency=2)
    episode = cluster.submit(article(61, paragraphs=1), engine="gtts")
    [final] = cluster.wait_for([episode.id], timeout=60)
    cluster.assert_published_once(final)
    assert final.engine == "tone"
    assert final.notice == "gtts failed (gtts: HTTP 500 (gave up after 2 attempts)); read by tone instead"


def test_engine_down_for_good_without_fallback_fails_with_the_reason(make_cluster, gtts_server) -> None:  # type: ignore[no-untyped-def]
    server = gtts_server([], default="silence")
    cluster = gtts_cluster(make_cluster, server, NARRATE_ENGINE_RETRIES="1")
    cluster.start_worker(concurrency=2)
    episode = cluster.submit(article(62, paragraphs=1), engine="gtts")
    [final] = cluster.wait_for([episode.id], timeout=60)
    assert final.status == "failed" and final.audio_path is None
    assert final.reason.startswith("gtts: the server returned silence") and final.reason.endswith("(gave up after 2 attempts)")
    assert not (cluster.settings.public_dir / "feeds/main.xml").exists()


def test_engine_limit_holds_across_worker_processes(make_cluster, gtts_server) -> None:  # type: ignore[no-untyped-def]
    server = gtts_server([], default="slow", slow_seconds=0.3)
    cluster = gtts_cluster(make_cluster, server, NARRATE_ENGINE_CONCURRENCY="gtts=1", NARRATE_ENGINE_TIMEOUT="5")
    cluster.start_worker(concurrency=2)
    cluster.start_worker(concurrency=2)
    episodes = [cluster.submit(article(63 + n, paragraphs=1), engine="gtts") for n in range(2)]
    for final in cluster.wait_for([e.id for e in episodes], timeout=120):
        cluster.assert_published_once(final)
    assert server.request_count >= 8 and server.max_in_flight == 1  # four processes, one request at a time
