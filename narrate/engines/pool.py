"""The embedded renderer's synthesis: segments spoken into the cache by a pool of processes, each holding its voice.

On the cores of one machine Piper is fastest as several processes with one ONNX thread each (processes x threads =
cores): 16-23% more speech per second than one process with every thread (BENCHMARKS.md). So the embedded default
(``narrate add`` without a broker, ``narrate serve``'s own renderer) speaks a render's segments in a pool of
``settings.synthesis_processes`` processes (0: one per core). Each loads a voice the first time it needs it and keeps
it, and every segment goes through the same cache and checks as a Celery worker's (``fill``, which
``pipeline.synthesize`` calls). Memory is bounded by the pool's size: each process holds one voice (about 0.5 GiB
peak for the bundled one), and the rendering process loads none.

Only engines that are ``cpu_bound`` (Piper) go to the pool; the others (an online service, espeak-ng's own
process, the test tone) are spoken in the calling thread, as before.
"""

from __future__ import annotations

import atexit
import gc
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Protocol

from narrate.engines import engine_class, get_engine
from narrate.engines.cache import SegmentCache
from narrate.engines.speak import speak
from narrate.errors import EngineError, NarrateError
from narrate.settings import Settings

WAITING_SECONDS = 30.0
"""How often ``speak_all`` says the render is alive while no segment completes (its ``waiting``)."""


class SegmentJob(Protocol):
    """One segment to speak (pipeline.SegmentJob)."""

    key: str
    text: str
    engine: str
    voice: str


def fill(settings: Settings, key: str, engine: str, voice: str, text: str,
         waiting: Callable[[], None] | None = None) -> str:  # fmt: skip
    """Make sure segment ``key`` is in the cache, spoken by ``engine`` and checked (speak); returns the key."""
    cache = SegmentCache(settings.cache_dir)
    if cache.get(key) is None:
        tts = get_engine(engine, settings, voice)
        cache.put(key, speak(settings, tts, text, waiting))  # checked: never silence where words should be
    return key


def cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class SynthesisPool:
    """Processes that speak segments into the cache. They start with the first segment that needs them (or at
    ``start``), load their voice once, and live until ``close``. Thread-safe: renders on several threads share it,
    each keeping at most one segment per process in flight, so one long article cannot hold every process."""

    def __init__(self, settings: Settings) -> None:
        cpu = cores()
        self.processes = min(settings.synthesis_processes or cpu, 1024)
        self.threads = settings.onnx_threads or max(1, cpu // self.processes)
        """ONNX threads per process: the cores shared out, unless NARRATE_ONNX_THREADS says otherwise."""
        self._executor: ProcessPoolExecutor | None = None
        self.started_for: tuple[str, str] | None = None
        """The engine and voice the running processes loaded as they started; None while none runs."""
        self._lock = threading.Lock()
        self._spoken = False
        """Whether any render sent segments to the processes: a pool started ahead and never needed is stopped at
        once."""
        self._ahead: dict[str, Future[str]] = {}
        """Segments spoken ahead of their render (``speak_ahead``), by key, until the render takes them up."""

    def uses_processes(self, engine: str) -> bool:
        return self.processes > 1 and bool(getattr(engine_class(engine), "cpu_bound", False))

    def start(self, settings: Settings, engine: str, voice: str = "") -> None:
        """Start the processes now, each loading the voice, while the caller does other work (planning)."""
        if self.uses_processes(engine):
            self._pool(settings, engine, voice)

    def speak_ahead(self, settings: Settings, jobs: Sequence[SegmentJob]) -> None:
        """Start speaking a render's first segments (one per process) before the render asks for them: its episode is
        still being recorded and planned while the processes, their voices loaded, would wait. ``speak_all`` then
        takes each up as if it had sent it; one it never asks for (another voice chosen meanwhile) only goes into
        the cache. Nothing is sent for an engine the processes do not speak, or a segment already in the cache."""
        cache = SegmentCache(settings.cache_dir)
        todo = [job for job in jobs[: self.processes] if cache.get(job.key) is None]
        if not todo or not self.uses_processes(todo[0].engine):
            return
        child = replace(settings, onnx_threads=self.threads)
        pool = self._pool(child, todo[0].engine, todo[0].voice)
        with self._lock:
            for job in todo:
                if job.key not in self._ahead:
                    self._ahead[job.key] = pool.submit(fill, child, job.key, job.engine, job.voice, job.text)

    def _taken_ahead(self, key: str) -> Future[str] | None:
        """The segment ``key`` spoken ahead, now the render's; None if it was not."""
        with self._lock:
            return self._ahead.pop(key, None)

    def speak_all(
        self,
        settings: Settings,
        jobs: Iterable[SegmentJob],
        done: Callable[[str], None] | None = None,
        waiting: Callable[[], None] | None = None,
        *,
        in_order: bool = False,
        stop: threading.Event | None = None,
    ) -> None:
        """Put every job's segment in the cache; ``done(key)`` after each (cached ones too), in completion order.

        Longest first, so that no process idles long at the end; ``in_order``: in the jobs' order, for an assembly
        that takes each segment as it comes (``Speaking``). Once ``stop`` is set, no further segment is sent.
        The first failure stops the render: no further segment is sent, those in flight are waited for, and the
        failure is raised (an EngineError for a segment the engine cannot speak)."""
        cache = SegmentCache(settings.cache_dir)
        todo = []
        for job in jobs:
            if cache.get(job.key) is None:
                todo.append(job)
                continue
            self._taken_ahead(job.key)  # spoken ahead, and done by now
            if done is not None:
                done(job.key)
        if not todo:
            return
        if not in_order:
            todo.sort(key=lambda job: len(job.text), reverse=True)
        stopped = stop.is_set if stop is not None else lambda: False
        if not self.uses_processes(todo[0].engine):
            for job in todo:
                if stopped():
                    return
                fill(settings, job.key, job.engine, job.voice, job.text, waiting)
                if done is not None:
                    done(job.key)
            return
        self._speak_in_processes(settings, todo, done, waiting, stopped)

    def _speak_in_processes(
        self,
        settings: Settings,
        queue: list[SegmentJob],
        done: Callable[[str], None] | None,
        waiting: Callable[[], None] | None,
        stopped: Callable[[], bool],
    ) -> None:
        child = replace(settings, onnx_threads=self.threads)
        pool = self._pool(child, queue[0].engine, queue[0].voice)
        self._spoken = True
        flying: set[Future[str]] = set()
        failure: BaseException | None = None
        try:
            while queue or flying:
                if stopped():
                    queue.clear()
                while queue and failure is None and len(flying) < self.processes:
                    job = queue.pop(0)
                    try:
                        ahead = self._taken_ahead(job.key)
                        flying.add(ahead or pool.submit(fill, child, job.key, job.engine, job.voice, job.text))
                    except BrokenProcessPool as error:  # a process died since the last segment came back
                        self._forget(pool)
                        failure = EngineError(f"a synthesis process died ({error or 'killed'})")
                finished, flying = wait(flying, timeout=WAITING_SECONDS, return_when=FIRST_COMPLETED)
                if not finished and waiting is not None:
                    waiting()
                for future in finished:
                    try:
                        key = future.result()
                    except BrokenProcessPool as error:
                        self._forget(pool)
                        failure = failure or EngineError(f"a synthesis process died ({error or 'killed'})")
                    except (NarrateError, OSError) as error:
                        failure = failure or error
                    else:
                        if done is not None and failure is None:
                            done(key)
                if failure is not None:
                    queue.clear()
        except BaseException:
            for future in flying:
                future.cancel()
            raise
        if failure is not None:
            raise failure

    def _pool(self, child: Settings, engine: str, voice: str) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    self.processes,
                    # spawn: a fresh interpreter, never a fork of a process that runs threads (the service)
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_process,
                    initargs=(replace(child, onnx_threads=self.threads), engine, voice),
                )
                for _ in range(self.processes):  # each submit starts one process, which loads the voice first
                    self._executor.submit(os.getpid)
                self.started_for = (engine, voice)
            return self._executor

    def _forget(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor, self.started_for = None, None
                self._ahead.clear()
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the processes: after the segments in flight; at once when none is (a pool started ahead for a
        render that found everything cached, or never began, need not wait for its voices to load, nor for the
        segments it was speaking ahead; and idle processes need not tidy up a voice's memory before they go)."""
        with self._lock:
            executor, self._executor, self.started_for = self._executor, None, None
            self._ahead.clear()
        if executor is None:
            return
        # ProcessPoolExecutor.terminate_workers (Python 3.14) does this; before it, the processes and the work
        # not yet done are only reachable through the executor's own tables.
        if not self._spoken or not getattr(executor, "_pending_work_items", True):
            for process in list(getattr(executor, "_processes", {}).values()):
                process.terminate()
        executor.shutdown(wait=True, cancel_futures=True)


class Speaking:
    """A render's segments spoken in the background, in speaking order, for an assembly that takes each one as it
    comes (audio.assembly's Arrival): the pool speaks on a thread of its own while the caller stitches and encodes.

    ``done`` and ``waiting`` are called on that thread. A failure of the synthesis reaches ``wait``, for a segment
    that will never come; ``stop`` sends no further segment and waits for those in flight."""

    def __init__(
        self,
        pool: SynthesisPool,
        settings: Settings,
        jobs: list[SegmentJob],
        done: Callable[[str], None] | None = None,
        waiting: Callable[[], None] | None = None,
    ) -> None:
        self._keys = [job.key for job in jobs]
        self._done = done
        self._spoken: set[str] = set()
        self._over = False
        self._failure: BaseException | None = None
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._speak, args=(pool, settings, jobs, waiting), name="narrate-speaking", daemon=True
        )
        self._thread.start()

    def _speak(
        self, pool: SynthesisPool, settings: Settings, jobs: list[SegmentJob], waiting: Callable[[], None] | None
    ) -> None:
        try:
            pool.speak_all(settings, jobs, self._spoke, waiting, in_order=True, stop=self._stop)
        except BaseException as error:  # noqa: BLE001 - handed to the caller by wait
            self._failure = error
        finally:
            with self._changed:
                self._over = True
                self._changed.notify_all()

    def _spoke(self, key: str) -> None:
        with self._changed:
            self._spoken.add(key)
            self._changed.notify_all()
        if self._done is not None:
            self._done(key)

    def ready(self, index: int) -> bool:
        """Whether segment ``index`` (in the jobs' order) is in the cache."""
        with self._changed:
            return self._keys[index] in self._spoken

    def wait(self, index: int) -> None:
        """Return once segment ``index`` is in the cache; raise the synthesis's failure if it never will be."""
        key = self._keys[index]
        with self._changed:
            self._changed.wait_for(lambda: key in self._spoken or self._over)
            if key in self._spoken:
                return
        if self._failure is not None:
            raise self._failure
        raise EngineError("the synthesis stopped before every segment was spoken")

    def stop(self) -> None:
        """Send no further segment, and wait for those in flight."""
        self._stop.set()
        self._thread.join()


def _start_process(settings: Settings, engine: str, voice: str) -> None:
    # Ctrl-C reaches the whole process group: the renderer decides what stops, not each process on its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # At exit, its heap (the voice's session, 0.5 GiB) is left to the OS instead of collected: 0.03 s less that
    # closing the pool waits for.
    atexit.register(gc.freeze)
    # Set before numpy is loaded (by the engine, just below): this process does no linear algebra of numpy's, and
    # OpenBLAS's own thread per core would only spin while numpy loads, 0.1 CPU-second per process (BENCHMARKS.md).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        get_engine(engine, settings, voice)
    except Exception as error:  # noqa: BLE001 - the segment that needs the voice reports it, with its episode
        logging.getLogger(__name__).debug("voice %r not loaded at start: %s", voice, error)
