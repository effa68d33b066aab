"""The Celery app and its thin tasks: ``celery -A worker worker``.

render(episode) plans the script, then runs a chord: one ``synthesize`` task per segment (the group), and
``finish`` (assemble + publish) as its callback. Without NARRATE_BROKER_URL the same graph runs in-process
(eager), which is the embedded default the CLI uses.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import Celery, chord, group

from narrate import pipeline
from narrate.settings import Settings
from narrate.store import Store

_boot = Settings.load()

app = Celery("narrate")
app.conf.update(
    broker_url=_boot.broker_url or "memory://localhost/",
    result_backend=_boot.backend_url if _boot.broker_url else "cache+memory://",
    task_always_eager=not _boot.broker_url,
    task_default_queue=_boot.queue,
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
    worker_hijack_root_logger=False,
)


def settings() -> Settings:
    # Read per task: feed settings edited with `narrate feed edit` apply without restarting workers.
    return Settings.load()


def store() -> Store:
    return Store(settings().db_url)


@app.task(name="narrate.render")
def render(episode_id: str, render_id: str) -> str | None:
    with pipeline.failing(store(), episode_id, render_id):
        jobs = pipeline.plan(settings(), store(), episode_id, render_id)
    header = group(synthesize.s(episode_id, render_id, asdict(job)) for job in jobs)
    body = finish.s(episode_id, render_id).on_error(failed.s(episode_id, render_id))
    result = chord(header)(body)
    return result.id


@app.task(name="narrate.synthesize")
def synthesize(episode_id: str, render_id: str, job: dict[str, str]) -> str:
    with pipeline.failing(store(), episode_id, render_id):
        key = pipeline.synthesize(settings(), pipeline.SegmentJob(**job))
    store().segment_done(episode_id, render_id)
    return key


@app.task(name="narrate.finish")
def finish(keys: list[str], episode_id: str, render_id: str) -> str:
    with pipeline.failing(store(), episode_id, render_id):
        episode = pipeline.finish(settings(), store(), episode_id, render_id, keys)
    return episode.status


@app.task(name="narrate.failed")
def failed(request: Any, exc: Exception, traceback: Any, episode_id: str, render_id: str) -> None:
    """Chord error callback: the episode ends failed with a reason, never stuck in rendering."""
    episode = store().get(episode_id)
    if episode.status != "failed":  # keep the more precise reason a task already recorded
        store().change(episode_id, render_id, status="failed", reason=str(exc) or type(exc).__name__)
