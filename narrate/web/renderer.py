"""The renderer the service hands episodes to: Celery workers over a broker, or one thread in this process."""

from __future__ import annotations

import json
import logging
import multiprocessing
import threading
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import replace

from narrate import pipeline, recovery
from narrate.article import article_from_dict
from narrate.errors import NarrateError
from narrate.settings import Settings
from narrate.store import Episode, Store

log = logging.getLogger("narrate.web")


class RenderQueue:
    """Hands renders to Celery workers; with no broker, renders them here, in two lanes: articles over
    settings.long_article_chars one at a time in a child process (started when the first one comes), the rest one
    at a time on a thread of this process, so a short article is published while a long one is still being read.
    The long lane is a process, not a second thread, because Celery's eager mode (which runs the task graph here)
    keeps global state that two threads running chords at once would trip over.

    Embedded, this process is the only renderer, so what the database says is queued or rendering when it starts
    was left by a previous run: ``resume`` queues it all again. A reaper thread then does what workers do with a
    broker (recovery.reap) every settings.reap_interval seconds.
    """

    def __init__(self, settings: Settings, store: Store) -> None:
        self._settings, self._store = settings, store
        self._executor = None if settings.broker_url else ThreadPoolExecutor(1, thread_name_prefix="narrate-render")
        self._long: Executor | None = None
        if not settings.broker_url:
            self._long = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        self._stop = threading.Event()

    def dispatch(self, episode: Episode) -> None:
        self.send(episode.id, episode.render_id)

    def send(self, episode_id: str, render_id: str) -> None:
        import worker  # the Celery app reads its settings on import: only when a render is asked for

        if self._executor is None:
            worker.send_render(episode_id, render_id)  # UnavailableError (503) if the broker is down
        else:
            lane = self._long if self._long and self._is_long(episode_id) else self._executor
            lane.submit(_render_here, episode_id, render_id)

    def _is_long(self, episode_id: str) -> bool:
        try:
            article = article_from_dict(json.loads(self._store.get(episode_id).article_json))
        except NarrateError:
            return False  # gone, or the database is down: the render itself will say so
        return pipeline.is_long(self._settings, len(article.body_text))

    def resume(self) -> int:
        """Embedded: queue again every render a previous run left unfinished; how many."""
        if self._executor is None:
            return 0
        count = recovery.reap(replace(self._settings, stale_after=0.0, finish_after=0.0), self._store, self.send,
                              self.finish)  # fmt: skip
        recovery.every(self._settings.reap_interval,
                       lambda: recovery.reap(self._settings, self._store, self.send, self.finish), self._stop)  # fmt: skip
        return count

    def finish(self, episode_id: str, render_id: str) -> None:
        """Embedded: run an episode's finishing step again (every segment is in the cache)."""
        if self._executor is not None:
            self._executor.submit(_finish_here, episode_id, render_id)

    def close(self) -> None:
        """Finish the render in progress; renders not started stay queued in the database (``resume`` takes them)."""
        self._stop.set()
        for lane in (self._executor, self._long):
            if lane is not None:
                lane.shutdown(wait=True, cancel_futures=True)


def _render_here(episode_id: str, render_id: str) -> None:
    import worker

    try:
        worker.render.delay(episode_id, render_id)  # eager: the whole chord runs in this thread
    except NarrateError as error:
        log.warning("render of episode %s failed: %s", episode_id, error)  # the tasks recorded it on the episode
    except Exception:
        log.exception("render of episode %s crashed", episode_id)


def _finish_here(episode_id: str, render_id: str) -> None:
    import worker

    try:
        worker.finish.delay([], episode_id, render_id)  # eager: runs in this thread
    except NarrateError as error:
        log.warning("finishing episode %s failed: %s", episode_id, error)
    except Exception:
        log.exception("finishing episode %s crashed", episode_id)
