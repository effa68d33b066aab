"""A CMS's call on publish, update or delete, checked and turned into what it asks: Ghost's and a generic JSON form.

Ghost      X-Ghost-Signature: sha256=<hex>, t=<ms>; body {"post": {"current": {...}, "previous": {...}}}
generic    X-Narrate-Signature: sha256=<hex of the body's HMAC>; body {"action": "publish" | "update" |
           "delete", "url": "...", "title": "...", "html": "..."} (title and html optional)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from narrate import pipeline
from narrate.errors import NotFoundError, SourceError
from narrate.settings import Settings
from narrate.sources import records, signing
from narrate.sources.articles import Send, queue
from narrate.sources.entries import Entry
from narrate.store import Store
from narrate.store.models import Source, SourceEntry

log = logging.getLogger(__name__)

ACTIONS = ("publish", "update", "delete")


class Unsigned(Exception):
    """No signature, a wrong one, or an unknown source: the call changes nothing (HTTP 401, never a user's error)."""


@dataclass(frozen=True)
class HookCall:
    """What a verified call asks for."""

    source_id: str
    action: str
    url: str
    title: str = ""
    html: str = ""


def check_call(settings: Settings, store: Store, source_id: str, headers: Mapping[str, str], body: bytes) -> HookCall:
    """The call's request if it is signed with the source's secret; Unsigned (401) otherwise, SourceError (422)
    for a signed body that asks for nothing we understand."""
    source = records.find(store, source_id, missing_ok=True) if len(source_id) <= 16 else None
    if source is None or not source.secret:
        raise Unsigned("unknown source, or the call is not signed with its secret")
    if not signing.verify(signing.unseal(settings.home, source.secret), headers, body):
        raise Unsigned(
            "the call is not signed with the source's secret "
            f"({signing.GHOST_HEADER} from Ghost, or {signing.GENERIC_HEADER}: sha256=<HMAC-SHA256 of the body>)"
        )
    try:
        data = json.loads(body)
    except ValueError as error:
        raise SourceError(f"the body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise SourceError("the body must be a JSON object")
    return _ghost(source.id, data) if ("post" in data or "page" in data) else _generic(source.id, data)


def _ghost(source_id: str, data: dict[str, Any]) -> HookCall:
    change = data.get("post") or data.get("page") or {}
    current = change.get("current") or {}
    previous = change.get("previous") or {}
    if current.get("url") and current.get("status", "published") == "published":
        action = "update" if previous else "publish"
        return HookCall(source_id, action, str(current["url"]), str(current.get("title") or ""),
                        str(current.get("html") or ""))  # fmt: skip
    url = previous.get("url") or current.get("url")
    if not url:
        raise SourceError("the Ghost call names no post URL")
    return HookCall(source_id, "delete", str(url))  # deleted, or unpublished: no longer public


def _generic(source_id: str, data: dict[str, Any]) -> HookCall:
    action = str(data.get("action") or "publish").lower()
    url = str(data.get("url") or "").strip()
    if action not in ACTIONS:
        raise SourceError(f"action must be one of {', '.join(ACTIONS)}, got {action[:40]!r}")
    if not url.startswith(("http://", "https://")):
        raise SourceError("url: the article's http(s) address is required")
    html = data.get("html") or data.get("content_html") or ""
    return HookCall(source_id, action, url, str(data.get("title") or ""), str(html))


def carry_out(settings: Settings, store: Store, call: HookCall, send: Send) -> str:
    """Do what a verified call asks; returns what happened, in a few words (also recorded on the source)."""
    source = records.find(store, call.source_id)
    assert source is not None
    row = _entry(store, source, call.url)
    if call.action == "delete":
        outcome = _delete(settings, store, source, row, call.url)
    else:
        entry = Entry(id=call.url, link=call.url, title=call.title, content=call.html)
        saved, episode = queue(settings, store, source, entry, send, row)
        if episode is not None:
            outcome = f"{call.action}: queued episode {episode.id}"
        elif saved.state == "failed":
            outcome = f"{call.action}: failed: {saved.reason}"
        else:
            outcome = f"{call.action}: unchanged, nothing to render"
    log.info("webhook for %s: %s (%s)", source.url, outcome, call.url)
    records.change(store, source.id, poll_result=f"webhook {outcome}")
    return outcome


def _entry(store: Store, source: Source, url: str) -> SourceEntry | None:
    for row in records.entries(store, source.id):
        if row.link == url:
            return row
    return None


def _delete(settings: Settings, store: Store, source: Source, row: SourceEntry | None, url: str) -> str:
    episode_id = row.episode_id if row else None
    if episode_id is None:
        found = store.find(source.feed, url)
        episode_id = found.id if found else None
    if episode_id is None:
        return "delete: no episode of it"
    if not source.unpublish_missing:
        if row is not None:
            row.state = "gone"
            records.save_entry(store, row)
        return f"delete: episode {episode_id} stays published (the source keeps deleted posts' episodes)"
    try:
        pipeline.unpublish(settings, store, episode_id)
    except NotFoundError:
        pass
    if row is not None:
        row.state = "unpublished"
        records.save_entry(store, row)
    return f"delete: episode {episode_id} unpublished"
