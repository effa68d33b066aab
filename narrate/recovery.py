"""What keeps a render from being lost, stuck or doubled: failure reasons, the reaper, the fallback engine.

The tasks in worker.py and the embedded service (narrate/web/renderer.py) call these; the render itself is in pipeline.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from narrate.errors import INTERNAL_ERROR, EngineError, NarrateError, NotFoundError, PublishError, UnavailableError
from narrate.pipeline import engine_choice
from narrate.settings import Settings
from narrate.store import Status, Store, utcnow

log = logging.getLogger(__name__)


@contextmanager
def failing(
    store: Store, episode_id: str, render_id: str, *, unless: type[NarrateError] | None = None
) -> Iterator[None]:
    """Any error inside ends the render as failed with a one-line reason, then propagates; an ``unless`` error
    propagates unrecorded, for the caller to decide (an engine failure the fallback engine may take over)."""
    try:
        yield
    except UnavailableError:
        raise  # the database or broker is down for now: the task retries; nothing to record (or able to)
    except NarrateError as error:
        if unless is not None and isinstance(error, unless):
            raise
        store.change(episode_id, render_id, status=Status.FAILED.value, reason=str(error), exit_code=error.exit_code)
        raise
    except OSError as error:  # a full disk, an unwritable directory: publishing failed
        where = f" {error.filename}" if error.filename else ""
        reason = f"cannot write{where}: {error.strerror or error}"
        store.change(episode_id, render_id, status=Status.FAILED.value, reason=reason, exit_code=PublishError.exit_code)
        raise
    except Exception as error:
        log.exception("render %s of episode %s crashed", render_id, episode_id)
        store.change(episode_id, render_id, status=Status.FAILED.value, reason=f"internal error: {error}",
                     exit_code=INTERNAL_ERROR)  # fmt: skip
        raise


def engine_failed(settings: Settings, store: Store, episode_id: str, render_id: str, error: EngineError) -> str | None:
    """The engine failed for good: the fallback engine's new render id, or None once the failure is recorded.

    The fallback is tried first, so that nobody watching the episode (``narrate add`` waiting, the API, a test)
    sees it failed on its way to the fallback engine."""
    new_render = fall_back(settings, store, episode_id, render_id, error)
    if new_render is None:
        store.change(episode_id, render_id, status=Status.FAILED.value, reason=str(error), exit_code=error.exit_code)
    return new_render


def fall_back(settings: Settings, store: Store, episode_id: str, render_id: str, error: EngineError) -> str | None:
    """After the engine failed for good: hand the episode to the fallback engine; the new render's id, or None.

    The switch is recorded on the episode (engine, voice, notice). None when no fallback is configured, the episode
    already uses it, or the render was superseded meanwhile.
    """
    fallback = settings.fallback_engine.strip().lower()
    episode = store.get(episode_id)
    if not fallback or episode.engine == fallback or episode.render_id != render_id:
        return None
    feed = settings.feed(episode.feed)
    name, voice = engine_choice(settings, feed, fallback, "", episode.language)
    new_render = uuid.uuid4().hex
    notice = f"{episode.engine} failed ({error}); read by {name} instead"
    moved = store.change(
        episode_id, render_id, engine=name, voice=voice, render_id=new_render, status=Status.QUEUED.value,
        reason=None, exit_code=None, notice=notice, segments_total=0, segments_done=0, phase_progress=0,
    )  # fmt: skip
    if moved:
        log.warning("episode %s: %s", episode_id, notice)
    return new_render if moved else None


def is_pending(store: Store, episode_id: str, render_id: str) -> bool:
    """Whether a render message still has work to do: its render is current and has not ended.

    The reaper sends a queued episode's render again when it has waited long; if the first message was only
    waiting in a long queue, whichever of the two comes second finds the render ended and does nothing.
    """
    try:
        episode = store.get(episode_id)
    except NotFoundError:
        return False
    ended = (Status.PUBLISHED.value, Status.FAILED.value, Status.NEEDS_REVIEW.value)  # held: nothing to render yet
    return episode.render_id == render_id and episode.status not in ended


def reap(
    settings: Settings,
    store: Store,
    send: Callable[[str, str], None],
    finish: Callable[[str, str], None] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Take up renders that stopped moving; returns how many it handled.

    The database says queued or rendering, and that is what the reaper trusts:
    - rendering with every segment synthesised and no progress for settings.finish_after seconds: the worker that
      was assembling it died. ``finish`` queues the finishing step again, under the same render id (a second run of
      it finds the first's result, or waits for it): published in about a minute, not after stale_after.
    - queued: the message may be lost (a broker that keeps nothing on disk restarted) or only waiting behind a
      long queue. It is sent again under the same render id, which costs a duplicate nothing (see is_pending).
    - rendering with no progress for settings.stale_after seconds: its worker died and the broker did not hand its
      tasks on, or a chord's callback never came. It is rendered again under a new render id, so the old render can
      no longer publish, and after settings.render_attempts such renders it fails with the reason.
    Several reapers at once are safe: a rendering episode is taken only by swapping the render id it read, and a
    queued one sent twice costs nothing more than a duplicate message.
    """
    count = 0
    if finish is not None:
        count += _finish_again(settings, store, finish, now or utcnow())
    before = (now or utcnow()) - dt.timedelta(seconds=settings.stale_after)
    for episode in store.stale(before):
        if episode.status == Status.QUEUED.value:
            # Touching the row (updated_at) claims the re-send, and restarts the wait before the next one.
            if store.change(episode.id, episode.render_id, status=Status.QUEUED.value, segments_done=0):
                log.warning("episode %s still queued after %g s; sent again", episode.id, settings.stale_after)
                send(episode.id, episode.render_id)
                count += 1
            continue
        if episode.attempts + 1 >= settings.render_attempts:
            tries = episode.attempts + 1
            reason = (
                f"render stalled: no progress for {_span(settings.stale_after)} "
                f"({tries} {'attempt' if tries == 1 else 'attempts'})"
            )
            # No worker finished it in time: the workers (or their broker) are not there to do the work.
            count += store.change(episode.id, episode.render_id, status=Status.FAILED.value, reason=reason,
                                  exit_code=UnavailableError.exit_code)  # fmt: skip
            continue
        new_render = uuid.uuid4().hex
        if store.change(
            episode.id, episode.render_id, render_id=new_render, attempts=episode.attempts + 1,
            status=Status.QUEUED.value, segments_done=0, phase_progress=0,
        ):  # fmt: skip
            log.warning("episode %s stalled while rendering; rendering it again", episode.id)
            # The stalled render's stage, if a killed worker left one; should it still run, it fails harmlessly.
            shutil.rmtree(settings.work_dir / f"{episode.id}-{episode.render_id}", ignore_errors=True)
            send(episode.id, new_render)
            count += 1
    return count


def _finish_again(settings: Settings, store: Store, finish: Callable[[str, str], None], now: dt.datetime) -> int:
    count = 0
    for episode in store.unfinished(now - dt.timedelta(seconds=settings.finish_after)):
        # Touching the row (updated_at) claims it: another reaper, or this one at its next sweep, waits again.
        if store.change(episode.id, episode.render_id, phase_progress=0):
            log.warning("episode %s: every segment done but not finished; finishing it again", episode.id)
            finish(episode.id, episode.render_id)
            count += 1
    return count


def every(interval: float, action: Callable[[], object], stop: threading.Event) -> None:
    """Run ``action`` every ``interval`` seconds in a daemon thread until ``stop`` is set (never when interval <= 0).

    A failing action (the broker or database down for now) is logged and tried again at the next tick.
    """
    if interval <= 0:
        return

    def loop() -> None:
        while not stop.wait(interval):
            try:
                action()
            except Exception as error:  # noqa: BLE001 - a sweep that fails is retried, never fatal
                log.warning("reaper: %s", error)

    threading.Thread(target=loop, name="narrate-reaper", daemon=True).start()


def _span(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 120 else f"{seconds:g} s"
