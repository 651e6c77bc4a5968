"""`POST /api/v1/metrics` and `POST /api/v1/lead-events`: authenticate, bound the body, hand
the raw bytes to the use cases in `handlers.ingest` / `handlers.leads_io`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer

from bot.api import docs
from bot.api.auth import TooLarge, authenticate, read_limited
from bot.settings import Settings
from handlers.ingest import Answer, Grant, ingest_metrics
from handlers.leads_io import ingest_leads

bearer = HTTPBearer(auto_error=False, description="PERFBOT_INGEST_TOKEN or a named token")
router = APIRouter(prefix="/api/v1", tags=["ingest"], dependencies=[Depends(bearer)])

IdemKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="A retried request with the same key and body returns the first answer "
        "and writes nothing; the same key with another body gets 409.",
    ),
]


async def _serve(request: Request, call: Callable[[Grant, bytes, int], Answer]) -> Response:
    grant = authenticate(request)
    if grant is None:
        return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    settings: Settings = request.app.state.settings
    try:
        raw = await read_limited(request, settings.ingest_max_bytes)
    except TooLarge:
        reason = f"body over {settings.ingest_max_bytes} bytes"
        return JSONResponse(
            {"errors": [{"index": None, "field": "body", "reason": reason}]}, status_code=413
        )
    answer = await run_in_threadpool(call, grant, raw, settings.ingest_max_items)
    return JSONResponse(answer.body, status_code=answer.status)


@router.post(
    "/metrics",
    summary="Ingest a batch of metric values",
    responses=docs.responses(),
    openapi_extra=docs.request_body(docs.METRIC_ITEM, "metrics", docs.METRICS_EXAMPLE),
)
async def post_metrics(
    request: Request,
    idempotency_key: IdemKey = None,
    reopen: Annotated[
        bool, Query(description="Allow changing a period frozen by cycle-close (audited).")
    ] = False,
) -> Response:
    """All-or-nothing: every item is validated like a CSV row; one bad item refuses the
    batch. Affected members' provisional scores, content hits and at-risk flags follow."""
    engine = request.app.state.engine

    def call(grant: Grant, raw: bytes, max_items: int) -> Answer:
        return ingest_metrics(
            engine,
            raw,
            grant=grant,
            key=idempotency_key,
            reopen=reopen,
            now=datetime.now(UTC),
            max_items=max_items,
        )

    return await _serve(request, call)


@router.post(
    "/lead-events",
    summary="Ingest lead events (created / handed over)",
    responses=docs.responses(),
    openapi_extra=docs.request_body(docs.LEAD_ITEM, "events", docs.LEADS_EXAMPLE),
)
async def post_lead_events(request: Request, idempotency_key: IdemKey = None) -> Response:
    """Upserts leads by (origin, lead_id) and recomputes `lead_handoff_on_time` of the
    touched members and months."""
    engine = request.app.state.engine

    def call(grant: Grant, raw: bytes, max_items: int) -> Answer:
        return ingest_leads(
            engine,
            raw,
            grant=grant,
            key=idempotency_key,
            now=datetime.now(UTC),
            max_items=max_items,
        )

    return await _serve(request, call)
