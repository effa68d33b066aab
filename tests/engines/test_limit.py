"""The per-engine concurrency limit, across real processes sharing one NARRATE_HOME."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from narrate.engines import check_engine
from narrate.engines.limit import engine_limits, engine_slot
from narrate.errors import ConfigError, EngineError
from narrate.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

HOLDER = """
import sys, time
from pathlib import Path
from narrate.engines.limit import engine_slot
from narrate.settings import Settings

home, record, hold, start = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
settings = Settings(home=home, engine_concurrency=sys.argv[5], engine_slot_timeout=30)
time.sleep(max(0.0, start - time.time()))
with engine_slot(settings, "gtts"):
    entered = time.time()
    print("holding", flush=True)
    time.sleep(hold)
    record.write_text(f"{entered} {time.time()}")
"""


def holder(home: Path, record: Path, hold: float, start: float, limits: str = "gtts=2") -> subprocess.Popen[str]:
    """A separate Python process that takes a gtts slot at ``start`` (time.time()), holds it, and records when."""
    return subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(home), str(record), str(hold), str(start), limits],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def most_at_once(intervals: list[tuple[float, float]]) -> int:
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    running = peak = 0
    for _, change in events:
        running += change
        peak = max(peak, running)
    return peak


def test_at_most_n_processes_hold_a_slot_at_once(tmp_path: Path) -> None:
    hold = 0.3
    start = time.time() + 1.5  # every process is up and waiting by then
    records = [tmp_path / f"holder-{index}.txt" for index in range(5)]
    processes = [holder(tmp_path, record, hold, start) for record in records]
    for process in processes:
        assert process.wait(timeout=30) == 0

    intervals = [tuple(map(float, record.read_text().split())) for record in records]
    assert most_at_once(intervals) == 2  # two at once, never three
    # Five holders through two slots take three rounds.
    assert max(end for _, end in intervals) - min(begin for begin, _ in intervals) >= 3 * hold
    assert sorted(path.name for path in (tmp_path / "locks").iterdir()) == ["gtts-0.lock", "gtts-1.lock"]


def test_a_slot_held_by_a_killed_process_is_free_again(tmp_path: Path) -> None:
    process = holder(tmp_path, tmp_path / "never.txt", 60, 0, limits="gtts=1")
    assert process.stdout is not None and process.stdout.readline() == "holding\n"
    settings = Settings(home=tmp_path, engine_concurrency="gtts=1", engine_slot_timeout=0.2)
    with pytest.raises(EngineError):
        with engine_slot(settings, "gtts"):
            pass

    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    settings.engine_slot_timeout = 30
    started = time.monotonic()
    with engine_slot(settings, "gtts"):
        assert time.monotonic() - started < 5  # at once, not after waiting out the timeout (a loaded machine: slack)


def test_no_free_slot_within_the_timeout_is_an_engine_error(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine_concurrency="gtts=1", engine_slot_timeout=0.3)
    with engine_slot(settings, "gtts"):
        started = time.monotonic()
        with pytest.raises(EngineError) as failure:
            with engine_slot(settings, "gtts"):
                pass
        waited = time.monotonic() - started
    assert str(failure.value) == "no free gtts slot after 0.3 s (engine_concurrency gtts=1)"
    assert 0.3 <= waited < 3.0  # the timeout, then the error at once (slack for a loaded machine), not a hang
    with engine_slot(settings, "gtts"):  # released on leaving
        pass


def test_an_engine_without_a_limit_touches_no_file(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine_concurrency="gtts=2,piper=0")
    with engine_slot(settings, "piper"), engine_slot(settings, "piper"), engine_slot(settings, "espeak"):
        pass
    assert not (tmp_path / "locks").exists()


def test_a_slot_is_released_when_the_body_raises(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine_concurrency="tone=1", engine_slot_timeout=0.1)
    with pytest.raises(EngineError, match="^boom$"):
        with engine_slot(settings, "tone"):
            raise EngineError("boom")
    with engine_slot(settings, "tone"):
        pass


def test_limits_are_read_from_the_environment(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NARRATE_ENGINE_CONCURRENCY", " gtts=2, Piper = 1,espeak=0 ")
    monkeypatch.setenv("NARRATE_ENGINE_SLOT_TIMEOUT", "7.5")
    settings = Settings.load()
    assert engine_limits(settings) == {"gtts": 2, "piper": 1, "espeak": 0}
    assert settings.engine_slot_timeout == 7.5
    assert engine_limits(Settings()) == {}


@pytest.mark.parametrize("value", ["gtts", "gtts=two", "gtts=-1", "=2"])
def test_an_unreadable_limit_is_a_config_error(value: str) -> None:
    with pytest.raises(ConfigError, match=r"^engine_concurrency: expected engine=count \(count 0 or more\), got "):
        engine_limits(Settings(engine_concurrency=value))


def test_check_engine_refuses_a_limit_for_an_unknown_engine() -> None:
    with pytest.raises(ConfigError, match=r"^engine_concurrency: unknown engine\(s\) gtss; known engines: piper, "):
        check_engine("tone", Settings(engine_concurrency="gtss=2"))
    check_engine("tone", Settings(engine_concurrency="gtts=2,tone=1"))


def test_a_segment_waiting_for_a_slot_says_so_now_and_then(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from narrate.engines import limit

    monkeypatch.setattr(limit, "WAITING_SECONDS", 0.1)
    settings = Settings(home=tmp_path, engine_concurrency="gtts=1", engine_slot_timeout=0.55)
    signs: list[float] = []
    with engine_slot(settings, "gtts"):
        with pytest.raises(EngineError):
            with engine_slot(settings, "gtts", waiting=lambda: signs.append(time.monotonic())):
                pass
    assert 4 <= len(signs) <= 6  # every 0.1 s of the 0.55 s wait
    called: list[float] = []
    with engine_slot(settings, "gtts", waiting=lambda: called.append(1.0)):
        pass
    assert called == []  # a free slot: no waiting, no sign
