"""The renderer the service hands episodes to: Celery workers over a broker, or render threads in this process."""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from narrate import embedded, pipeline, recovery
from narrate.article import article_from_dict
from narrate.engines.pool import SynthesisPool
from narrate.errors import NarrateError
from narrate.settings import Settings
from narrate.store import Episode, Store

log = logging.getLogger("narrate.web")


class RenderQueue:
    """Hands renders to Celery workers; with no broker, renders them here (narrate.embedded), in two lanes: articles
    over settings.long_article_chars one at a time on one thread, the rest one at a time on another, so a short
    article is published while a long one is still being read. Both lanes speak their segments in one
    SynthesisPool (processes x ONNX threads = cores, each process holding the voice), each render keeping at most
    one segment per process in flight, so the two share the processes and memory stays that of one pool.

    Embedded, this process is the only renderer, so what the database says is queued or rendering when it starts
    was left by a previous run: ``resume`` queues it all again. A reaper thread then does what workers do with a
    broker (recovery.reap) every settings.reap_interval seconds.
    """

    def __init__(self, settings: Settings, store: Store) -> None:
        self._settings, self._store = settings, store
        self._executor = None if settings.broker_url else ThreadPoolExecutor(1, thread_name_prefix="narrate-render")
        self._long = None if settings.broker_url else ThreadPoolExecutor(1, thread_name_prefix="narrate-render-long")
        self._pool = None if settings.broker_url else SynthesisPool(settings)
        self._stop = threading.Event()

    def dispatch(self, episode: Episode) -> None:
        self.send(episode.id, episode.render_id)

    def send(self, episode_id: str, render_id: str) -> None:
        if self._executor is None or self._pool is None:
            import worker  # the Celery app reads its settings on import: only when a render is asked for

            worker.send_render(episode_id, render_id)  # UnavailableError (503) if the broker is down
        else:
            lane = self._long if self._long and self._is_long(episode_id) else self._executor
            lane.submit(_render_here, self._store, self._pool, episode_id, render_id)

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
            self._executor.submit(_finish_here, self._store, episode_id, render_id)

    def close(self) -> None:
        """Finish the render in progress; renders not started stay queued in the database (``resume`` takes them)."""
        self._stop.set()
        for lane in (self._executor, self._long):
            if lane is not None:
                lane.shutdown(wait=True, cancel_futures=True)
        if self._pool is not None:
            self._pool.close()


def _settings() -> Settings:
    # Read for every render, as a worker does: feed settings edited with `narrate feed edit` apply at once.
    settings = Settings.load()
    settings.make_home()
    return settings


def _render_here(store: Store, pool: SynthesisPool, episode_id: str, render_id: str) -> None:
    try:
        embedded.render(_settings(), store, pool, episode_id, render_id)
    except NarrateError as error:
        log.warning("render of episode %s failed: %s", episode_id, error)  # recorded on the episode
    except Exception:
        log.exception("render of episode %s crashed", episode_id)


def _finish_here(store: Store, episode_id: str, render_id: str) -> None:
    try:
        embedded.finish(_settings(), store, episode_id, render_id)
    except NarrateError as error:
        log.warning("finishing episode %s failed: %s", episode_id, error)
    except Exception:
        log.exception("finishing episode %s crashed", episode_id)
