"""The embedded renderer: a whole render in this process, with no broker, its segments spoken by a SynthesisPool.

What worker.py's tasks do over Celery, as plain calls: plan, speak every segment (same cache, same checks), finish
(here while the segments are spoken, taking each as it comes); a failure is recorded on the episode with its reason
(recovery.failing), and an engine that fails for good hands the episode to NARRATE_FALLBACK_ENGINE. ``narrate add``
without a broker and ``narrate serve``'s own renderer use it.
Nothing here imports Celery: a re-add of an unchanged article plans, finds every segment cached and the published
files already this render's, and is done.
"""

from __future__ import annotations

from collections.abc import Callable

from narrate import pipeline, recovery
from narrate.engines.pool import Speaking, SynthesisPool
from narrate.errors import EngineError
from narrate.settings import Settings
from narrate.store import Episode, Store

__all__ = ["finish", "render"]


def render(
    settings: Settings,
    store: Store,
    pool: SynthesisPool,
    episode_id: str,
    render_id: str,
    progress: Callable[[Episode], None] | None = None,
) -> Episode:
    """Render the episode to the end: published, or failed with the reason recorded (and raised).

    ``progress`` is called with the episode after each segment. A render superseded meanwhile stops, publishing
    nothing; a fallback engine's render follows the failed one."""
    current: str | None = render_id
    while current is not None and recovery.is_pending(store, episode_id, current):
        current = _render_once(settings, store, pool, episode_id, current, progress)
    return store.get(episode_id)


def _render_once(
    settings: Settings,
    store: Store,
    pool: SynthesisPool,
    episode_id: str,
    render_id: str,
    progress: Callable[[Episode], None] | None,
) -> str | None:
    """One render; the fallback engine's new render id when the engine failed for good and one takes over.

    The segments are spoken in the background, in speaking order, while this thread stitches and encodes each as it
    comes (pipeline.finish with an arrival): little of the encoding is left once the last segment is spoken."""
    with recovery.failing(store, episode_id, render_id):
        jobs = pipeline.plan(settings, store, episode_id, render_id)

    def done(_key: str) -> None:
        store.segment_done(episode_id, render_id)
        if progress is not None:
            progress(store.get(episode_id))

    speaking = Speaking(pool, settings, jobs, done, lambda: store.touch(episode_id, render_id))
    try:
        # An engine failure (a segment that will never come) is not recorded here: the fallback may take over.
        with recovery.failing(store, episode_id, render_id, unless=EngineError):
            try:
                pipeline.finish(settings, store, episode_id, render_id, arrival=speaking)
            finally:
                speaking.stop()
    except EngineError as error:
        new_render = recovery.engine_failed(settings, store, episode_id, render_id, error)
        if new_render is None:
            raise
        return new_render
    return None


def finish(settings: Settings, store: Store, episode_id: str, render_id: str) -> Episode:
    """Assemble and publish (every segment is in the cache); a failure is recorded on the episode and raised."""
    with recovery.failing(store, episode_id, render_id):
        return pipeline.finish(settings, store, episode_id, render_id)
