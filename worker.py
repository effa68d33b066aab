"""The Celery app and its thin tasks: ``celery -A worker worker``.

render(episode) plans the script, then runs a chord: one ``synthesize`` task per segment (the group), and
``finish`` (assemble + publish) as its callback. Without NARRATE_BROKER_URL the same graph runs in-process
(eager), which is the embedded default the CLI uses.

What survives what:
- a worker killed mid-task: tasks are acknowledged only when done, so the broker hands them to another worker
  (RabbitMQ at once; Redis after NARRATE_VISIBILITY_TIMEOUT); every task is safe to run twice;
- the database down for a moment: tasks retry with backoff (UnavailableError), recording nothing meanwhile;
- a message lost (a broker that keeps nothing on disk) or a chord that never completes: each worker asks for a
  ``reap`` every NARRATE_REAP_INTERVAL seconds, which queues renders without progress again (recovery.reap);
- a TTS engine down for good: the episode moves to NARRATE_FALLBACK_ENGINE if one is set, else fails with the reason.

Importing this module reads the settings and builds the app, nothing more: no connection, and the rendering
library (ONNX, numpy, SQLAlchemy) is imported by the first task that needs it.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from celery import Celery, Task, chord, group
from celery.signals import celeryd_after_setup, worker_init, worker_ready, worker_shutdown
from kombu import Queue
from kombu.exceptions import OperationalError

from narrate.errors import INTERNAL_ERROR, EngineError, UnavailableError
from narrate.logs import install_redaction
from narrate.settings import Settings

if TYPE_CHECKING:
    from narrate.store import Store

install_redaction()  # tracebacks and Celery's own lines may hold URLs with passwords
_boot = Settings.load()
LONG_QUEUE = f"{_boot.queue}.long"
"""Where the segments of articles over NARRATE_LONG_ARTICLE_CHARS are spoken: a worker takes from its two queues in
turn, so a short article's segments are not stuck behind a long one's hundreds. Renders themselves (planning only)
always go to the main queue."""

app = Celery("narrate")
app.conf.update(
    broker_url=_boot.broker_url or "memory://localhost/",
    result_backend=_boot.backend_url if _boot.broker_url else "cache+memory://",
    task_always_eager=not _boot.broker_url,
    task_default_queue=_boot.queue,
    task_queues=[Queue(_boot.queue), Queue(LONG_QUEUE)],  # a worker started without -Q listens to both
    task_eager_propagates=True,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # A task is acknowledged only when done, and re-queued if its worker dies.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    result_expires=24 * 3600,
    broker_connection_retry_on_startup=True,
    broker_transport_options={
        # Redis: when a task taken by a dead worker goes back to the queue, and how often that is checked.
        "visibility_timeout": _boot.visibility_timeout,
        "unacked_restore_interval": max(1, min(10, int(_boot.visibility_timeout / 4))),
        "unacked_restore_throttle": 1,
        # The lock a restore holds: a worker killed while holding it leaves it held until it expires, and no task of
        # a dead worker goes back meanwhile. No longer than the visibility timeout (kombu's own 300 s otherwise).
        "unacked_mutex_expire": min(300, max(5, int(_boot.visibility_timeout))),
        # RabbitMQ: a send returns only once the broker has the message (queues are durable, messages persistent).
        "confirm_publish": True,
    },
    worker_hijack_root_logger=False,
)


def context() -> tuple[Settings, Store]:
    # Read once per task: feed settings edited with `narrate feed edit` apply without restarting workers.
    from narrate.store import Store

    settings = Settings.load()
    settings.make_home()
    return settings, Store(settings.db_url, settings.public_dir)


class NarrateTask(Task):  # type: ignore[misc]
    """Retries, with backoff, while the database (or another service) is unavailable."""

    autoretry_for = (UnavailableError,)
    retry_backoff = 1
    retry_backoff_max = 60
    retry_jitter = True
    max_retries = 12  # about ten minutes of backoff; after that the reaper has the episode


tasks_log = logging.getLogger("narrate.worker")
"""One line per task: what the operator of a worker sees (Celery itself says nothing after its banner)."""


@worker_init.connect
def _say_each_task(**_: Any) -> None:
    # Only a worker says them: the CLI's embedded renderer runs the same tasks and shows a progress bar instead.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[%(asctime)s] %(message)s"))
    tasks_log.addHandler(handler)
    tasks_log.setLevel(logging.INFO)
    tasks_log.propagate = False


def _title(store: Store, episode_id: str) -> str:
    title = store.get(episode_id).title
    return repr(title if len(title) <= 60 else title[:59] + "\u2026")


@app.task(name="narrate.render", base=NarrateTask, ignore_result=True)  # progress lives in the database
def render(episode_id: str, render_id: str) -> str | None:
    from narrate import pipeline, recovery

    settings, store = context()
    if not recovery.is_pending(store, episode_id, render_id):
        return None  # a duplicate of a render that has ended, or one superseded by a newer render
    started = time.monotonic()
    with recovery.failing(store, episode_id, render_id):
        jobs = pipeline.plan(settings, store, episode_id, render_id)
    queue = LONG_QUEUE if pipeline.is_long(settings, sum(len(job.text) for job in jobs)) else _boot.queue
    tasks_log.info("episode %s %s: planned %d segments in %.1f s (queue %s)", episode_id, _title(store, episode_id),
                   len(jobs), time.monotonic() - started, queue)  # fmt: skip
    header = group(synthesize.s(episode_id, render_id, asdict(job)).set(queue=queue) for job in jobs)
    body = finish.s(episode_id, render_id).set(queue=queue).on_error(failed.s(episode_id, render_id))
    result = chord(header)(body)
    return result.id


@app.task(name="narrate.synthesize", base=NarrateTask)
def synthesize(episode_id: str, render_id: str, job: dict[str, str]) -> str:
    from narrate import pipeline, recovery

    settings, store = context()
    if not recovery.is_pending(store, episode_id, render_id):
        return job["key"]  # superseded or ended: its finish publishes nothing, so spend no engine time on it
    started = time.monotonic()
    try:
        with recovery.failing(store, episode_id, render_id, unless=EngineError):
            key = pipeline.synthesize(settings, pipeline.SegmentJob(**job), lambda: store.touch(episode_id, render_id))
    except EngineError as error:
        tasks_log.info("episode %s: a segment failed after %.1f s: %s", episode_id, time.monotonic() - started, error)
        new_render = recovery.engine_failed(settings, store, episode_id, render_id, error)
        if new_render:
            render.delay(episode_id, new_render)
        raise
    counted = store.segment_done(episode_id, render_id)
    if counted is not None:
        tasks_log.info("episode %s: segment done (%d of %d) in %.1f s", episode_id, *counted,
                       time.monotonic() - started)  # fmt: skip
    return key


@app.task(name="narrate.finish", base=NarrateTask)
def finish(_keys: list[str], episode_id: str, render_id: str) -> str:
    from narrate import pipeline, recovery

    settings, store = context()
    started = time.monotonic()
    try:
        with recovery.failing(store, episode_id, render_id):
            episode = pipeline.finish(settings, store, episode_id, render_id)
    except Exception as error:
        tasks_log.info("episode %s: failed after %.1f s: %s", episode_id, time.monotonic() - started, error)
        raise
    minutes = f", {episode.duration / 60:.1f} min of audio" if episode.duration else ""
    tasks_log.info("episode %s %s: %s%s in %.1f s", episode_id, _title(store, episode_id), episode.status, minutes,
                   time.monotonic() - started)  # fmt: skip
    return episode.status


@app.task(name="narrate.failed", base=NarrateTask)
def failed(request: Any, exc: Exception, traceback: Any, episode_id: str, render_id: str) -> None:
    """Chord error callback: the episode ends failed with a reason, never stuck in rendering."""
    from narrate import recovery

    _, store = context()
    if recovery.is_pending(store, episode_id, render_id):  # keep a more precise reason a task recorded
        code = getattr(exc, "exit_code", INTERNAL_ERROR)  # what `narrate add` exits with
        store.change(episode_id, render_id, status="failed", reason=str(exc) or type(exc).__name__, exit_code=code)


def send_render(episode_id: str, render_id: str) -> None:
    """Queue a render (or, embedded, run it). A broker that cannot be reached is UnavailableError: the episode
    stays queued in the database, and the reaper sends it once the broker is back."""
    try:
        render.delay(episode_id, render_id)
    except OperationalError as error:
        raise UnavailableError(
            f"broker unreachable ({error}); the article is queued and will be sent when the broker is back"
        ) from None


def send_finish(episode_id: str, render_id: str) -> None:
    """Queue the finishing step again (its chord's callback was lost with a worker that died assembling)."""
    finish.apply_async(([], episode_id, render_id), retry=False)


@app.task(name="narrate.reap", base=NarrateTask, ignore_result=True)
def reap() -> int:
    from narrate import recovery

    handled = recovery.reap(*context(), send_render, send_finish)
    if handled:
        tasks_log.info("reaper: took up %d stalled or lost renders", handled)
    return handled


@celeryd_after_setup.connect
def _take_the_long_queue_too(instance: Any, **_: Any) -> None:
    # `-Q narrate` (what deployments before the long lane say) must not leave long articles unread.
    queues = instance.app.amqp.queues
    if _boot.queue in queues.consume_from and LONG_QUEUE not in queues.consume_from:
        queues.select_add(LONG_QUEUE)


# -- every worker asks for a reap now and then: no separate scheduler to deploy --------------------------------

_stop_reaping = threading.Event()


@worker_ready.connect
def _start_reaping(**_: Any) -> None:
    from narrate import recovery

    interval = _boot.reap_interval
    recovery.every(interval, lambda: reap.apply_async(expires=interval), _stop_reaping)


@worker_shutdown.connect
def _stop(**_: Any) -> None:
    _stop_reaping.set()


# -- followed sources (feeds, sitemaps) are polled the same way: each worker asks now and then -----------------


@app.task(name="narrate.poll_sources", base=NarrateTask, ignore_result=True)
def poll_sources() -> int:
    """Poll every source that is due; a source is claimed in the database, so several workers never poll it twice."""
    from narrate import sources

    reports = sources.poll_due(*context(), send_render)
    for report in reports:
        tasks_log.info("source %s: %s %s", report.source, report.result, report.error or report.describe())
    return len(reports)


@worker_ready.connect
def _start_polling(**_: Any) -> None:
    from narrate import recovery

    interval = _boot.source_poll_interval
    tick = min(interval, 60.0)  # each source waits its whole interval; the tick only notices when one is due
    recovery.every(tick, lambda: poll_sources.apply_async(expires=tick), _stop_reaping)
