"""The staff JSON API under /api: queue articles, follow, re-render and unpublish episodes, with a bearer token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from narrate import pipeline
from narrate.extract.controls import without_controls
from narrate.publishing.summary import episode_summary
from narrate.settings import DEFAULT_FEED
from narrate.store import Episode, Status
from narrate.web import tokens
from narrate.web.service import Service, ServiceDep, url_root
from narrate.web.submission import Submission, reading_from_submission

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="staff token",
    description="A staff API token from `narrate token create NAME`, sent as `Authorization: Bearer <token>`.",
)


def api_token(
    service: ServiceDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
) -> str:
    """The name of the request's valid token; 401 without one, 429 over the token's rate limit."""
    if credentials is None:
        raise HTTPException(401, "send a staff token: Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"})
    name = tokens.verify_token(service.store, credentials.credentials)
    if name is None:
        challenge = 'Bearer error="invalid_token"'
        raise HTTPException(401, "the token is unknown or revoked", {"WWW-Authenticate": challenge})
    count(service, name)
    return name


def count(service: Service, name: str) -> None:
    """Count a request against token ``name``'s rate limit (the staff page's forms too); 429 over it."""
    wait = service.limit.wait_seconds(name)
    if wait:
        limit = service.limit.per_minute
        message = f"rate limit of {limit} requests a minute for token {name!r}; retry in {wait} s"
        raise HTTPException(429, message, {"Retry-After": str(wait)})


def staff_api_router() -> APIRouter:
    """A router for staff API routes under /api: each needs a staff token and counts against its rate limit."""
    return APIRouter(
        prefix="/api",
        tags=["staff"],
        dependencies=[Depends(api_token)],
        responses={
            401: {"description": "No token, or an unknown or revoked one; nothing was done."},
            429: {"description": "Over the token's rate limit; see Retry-After."},
        },
    )


api = staff_api_router()


class ArticleRequest(BaseModel):
    """Exactly one of url, html, text or markdown; the rest optional."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    html: str | None = None
    text: str | None = None
    markdown: str | None = None
    feed: str = DEFAULT_FEED
    title: str | None = None
    author: str | None = None
    engine: str = ""
    force: bool = False
    """Render the reading as it is, even when it looks incomplete (no hold for review)."""


@api.post("/articles", status_code=202, summary="Queue an article for rendering")
def queue_article(body: ArticleRequest, request: Request, service: ServiceDep) -> JSONResponse:
    submission = Submission(**body.model_dump())
    reading = reading_from_submission(service.settings, submission)
    episode = pipeline.submit(
        service.settings,
        service.store,
        reading.article,
        feed=submission.feed,
        source=submission.source,
        engine=submission.engine,
        hold=reading.hold,
        notice=reading.notice,
    )
    if episode.status != Status.NEEDS_REVIEW.value:  # held: nothing is rendered until staff approve or correct it
        service.renders.dispatch(episode)
    return _accepted(request, service, episode)


@api.get("/episodes", summary="List episodes, newest first")
def list_episodes(service: ServiceDep, feed: str | None = None) -> dict[str, list[dict[str, Any]]]:
    return {"episodes": [episode_summary(service.settings, e) for e in service.store.episodes(feed=feed)]}


@api.get("/episodes/{episode_id}", summary="An episode's status, progress and public URLs")
def get_episode(episode_id: str, service: ServiceDep) -> dict[str, Any]:
    return episode_summary(service.settings, service.store.get(episode_id))


@api.post("/episodes/{episode_id}/render", status_code=202, summary="Render the episode again (same GUID)")
def rerender_episode(episode_id: str, request: Request, service: ServiceDep) -> JSONResponse:
    episode = pipeline.rerender(service.settings, service.store, episode_id)
    service.renders.dispatch(episode)
    return _accepted(request, service, episode)


# -- review: episodes held because their reading looked incomplete (narrate/extract/completeness.py) -------------

_NOT_HELD = {404: {"description": "No such episode, or it is not held for review."}}


class CorrectionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    """The article's corrected text: paragraphs apart by blank lines; a line starting with "## " heads a section."""


@api.post("/episodes/{episode_id}/approve", status_code=202, responses=_NOT_HELD,
          summary="Render an episode held for review from its reading as it is (same GUID)")  # fmt: skip
def approve_episode(episode_id: str, request: Request, service: ServiceDep) -> JSONResponse:
    episode = pipeline.approve(service.settings, service.store, episode_id)
    service.renders.dispatch(episode)
    return _accepted(request, service, episode)


@api.post("/episodes/{episode_id}/correct", status_code=202, responses=_NOT_HELD,
          summary="Render an episode held for review from corrected text (same episode, same GUID)")  # fmt: skip
def correct_episode(episode_id: str, body: CorrectionRequest, request: Request, service: ServiceDep) -> JSONResponse:
    episode = pipeline.correct(service.settings, service.store, episode_id, without_controls(body.text))
    service.renders.dispatch(episode)
    return _accepted(request, service, episode)


@api.delete("/episodes/{episode_id}", summary="Unpublish: remove from the feed and delete its files")
def unpublish_episode(episode_id: str, service: ServiceDep) -> dict[str, str]:
    pipeline.unpublish(service.settings, service.store, episode_id)
    return {"id": episode_id, "status": "unpublished"}


def _accepted(request: Request, service: Service, episode: Episode) -> JSONResponse:
    status_url = f"{url_root(request)}api/episodes/{episode.id}"
    body = {"id": episode.id, "status_url": status_url, **episode_summary(service.settings, episode)}
    return JSONResponse(body, status_code=202, headers={"Location": status_url})
