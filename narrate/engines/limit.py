"""A per-engine limit on how many segments one machine speaks at once, shared by every worker process.

Each engine with a limit N has N slot files, ``HOME/locks/<engine>-<i>.lock``; holding a slot is holding an
exclusive flock on its file. The kernel drops the lock when the holder's file is closed, also when its process
dies, so a crashed worker never keeps a slot. Locks live on one machine: workers on other machines each have
their own N slots.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from narrate.errors import ConfigError, EngineError
from narrate.settings import Settings

POLL_SECONDS = 0.05
"""How often a waiting segment tries the slots again."""
WAITING_SECONDS = 30.0
"""How often a waiting segment says it is still waiting (engine_slot's ``waiting``)."""


def engine_limits(settings: Settings) -> dict[str, int]:
    """settings.engine_concurrency ("gtts=2,piper=1") as {engine: limit}; ConfigError when it cannot be read."""
    limits: dict[str, int] = {}
    for pair in filter(None, (part.strip() for part in settings.engine_concurrency.split(","))):
        engine, _, count = pair.partition("=")
        try:
            limit = int(count)
        except ValueError:
            limit = -1
        if not engine.strip() or limit < 0:
            raise ConfigError(f"engine_concurrency: expected engine=count (count 0 or more), got {pair!r}")
        limits[engine.strip().lower()] = limit
    return limits


def engine_limit(settings: Settings, engine: str) -> int:
    """Most segments ``engine`` may speak at once on this machine; 0: no limit."""
    return engine_limits(settings).get(engine.strip().lower(), 0)


@contextmanager
def engine_slot(
    settings: Settings, engine: str, waiting: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold one of ``engine``'s slots for the body; EngineError when none frees up within engine_slot_timeout.

    ``waiting`` is called every WAITING_SECONDS while no slot is free: the pipeline uses it to show the episode is
    alive, so the reaper does not take a render that is only waiting its turn for a stalled one.
    """
    engine = engine.strip().lower()
    limit = engine_limit(settings, engine)
    if limit == 0:
        yield
        return
    locks = settings.locks_dir
    locks.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + settings.engine_slot_timeout
    next_sign = time.monotonic() + WAITING_SECONDS
    while True:
        for index in range(limit):
            descriptor = os.open(locks / f"{engine}-{index}.lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            try:
                yield
            finally:
                os.close(descriptor)  # closing the only descriptor of the file releases the lock
            return
        if time.monotonic() >= deadline:
            raise EngineError(
                f"no free {engine} slot after {settings.engine_slot_timeout:g} s (engine_concurrency {engine}={limit})"
            )
        if waiting is not None and time.monotonic() >= next_sign:
            waiting()
            next_sign = time.monotonic() + WAITING_SECONDS
        time.sleep(POLL_SECONDS)
