"""Operations: liveness (/health), readiness (/ready) and Prometheus metrics (/metrics)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from service.api.deps import StateDep
from service.errors import IndexUnavailableError
from service.qa.contract import HealthResponse

router = APIRouter()


@router.get("/health", response_model=HealthResponse, summary="Liveness and index summary")
async def health(state: StateDep) -> HealthResponse:
    engine = state.engine
    manifest = engine.manifest if engine else None
    return HealthResponse(
        status="ok",
        index_version=manifest.index_version if manifest else None,
        documents=manifest.documents if manifest else 0,
        chunks=manifest.chunks if manifest else 0,
        model=manifest.model if manifest else None,
    )


class ReadyResponse(BaseModel):
    status: Literal["ready"]
    index_version: str


@router.get(
    "/ready",
    response_model=ReadyResponse,
    summary="Readiness: 200 once an index is loaded, 503 before",
    responses={503: {"description": "No index loaded yet"}},
)
async def ready(state: StateDep) -> ReadyResponse:
    engine = state.engine
    if engine is None:
        raise IndexUnavailableError("not ready: the index is not loaded yet")
    return ReadyResponse(status="ready", index_version=engine.index_version)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
