"""CMS webhooks: POST /api/hooks/{source}, signed with the source's secret (Ghost's signature, or the generic one).

No staff token: the signature is the credential. An unsigned or wrongly signed call gets 401 and changes nothing.
A signed call is answered at once (202; Ghost gives a webhook two seconds) and carried out after the answer.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse

from narrate.errors import NarrateError
from narrate.sources import webhook
from narrate.web.service import Service, ServiceDep

log = logging.getLogger("narrate.web")

hooks = APIRouter(prefix="/api/hooks", tags=["webhooks"])
SIGNATURE_CHALLENGE = 'Signature realm="narrate webhooks", headers="X-Ghost-Signature X-Narrate-Signature"'


@hooks.post(
    "/{source_id}",
    status_code=202,
    summary="A CMS announces a post published, updated or deleted",
    responses={401: {"description": "Unsigned, wrongly signed, or an unknown source; nothing was done."}},
)
async def receive(source_id: str, request: Request, background: BackgroundTasks, service: ServiceDep) -> Any:
    body = await request.body()
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        call = await anyio.to_thread.run_sync(
            webhook.check_call, service.settings, service.store, source_id, headers, body
        )
    except webhook.Unsigned as refusal:
        address = request.client.host if request.client else "unknown"
        log.warning("webhook for source %r refused from %s: %s", source_id[:40], address, refusal)
        # HTTP requires a 401 to name the credential it wants: here the source's signature, not a staff token.
        return JSONResponse({"error": str(refusal)}, status_code=401, headers={"WWW-Authenticate": SIGNATURE_CHALLENGE})
    background.add_task(_carry_out, service, call)
    return {"accepted": call.action, "url": call.url, "source": call.source_id}


def _carry_out(service: Service, call: webhook.HookCall) -> None:
    # Starlette runs a sync background task in its thread pool, after the answer went out.
    try:
        webhook.carry_out(service.settings, service.store, call, service.renders.send)
    except NarrateError as error:
        log.warning("webhook for source %s (%s): %s", call.source_id, call.url, error)
    except Exception:
        log.exception("webhook for source %s (%s) crashed", call.source_id, call.url)
