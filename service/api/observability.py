"""Metrics, structured logs with request ids, and the readiness probe.

- `/metrics`: Prometheus text format. Per-route request counts and latency
  histograms, per-stage timings of /ask and /search (from the engine's
  `timing_ms`), index size gauges, reload outcomes.
- Logs: one JSON object per line (or plain text), each carrying the request id
  that the `X-Request-ID` response header echoes. A caller may send its own id
  (letters, digits, `._-`, at most 64); otherwise one is generated.
- `/ready`: 200 once an index is loaded, 503 before; `/health` (in api.py) is liveness.

Counters live in the process: with several uvicorn workers each worker has its own.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any, Literal

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from pydantic import BaseModel
from pythonjsonlogger.core import RESERVED_ATTRS
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import IndexUnavailableError
from service.qa.engine import QAEngine
from service.settings import Settings

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

access_log = logging.getLogger("reportqa.access")

# Seconds; the service answers in milliseconds to a few seconds under load.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "reportqa_http_requests_total",
    "HTTP requests answered, by route template and status code.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "reportqa_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
)
HTTP_IN_PROGRESS = Gauge(
    "reportqa_http_requests_in_progress", "HTTP requests being answered right now."
)
STAGE_LATENCY = Histogram(
    "reportqa_stage_duration_seconds",
    "Time spent in each pipeline stage (retrieve, answer, total) per endpoint.",
    ["endpoint", "stage"],
    buckets=_LATENCY_BUCKETS,
)
INDEX_DOCUMENTS = Gauge("reportqa_index_documents", "Documents in the served index.")
INDEX_CHUNKS = Gauge("reportqa_index_chunks", "Chunks (passages) in the served index.")
INDEX_BYTES = Gauge("reportqa_index_size_bytes", "Bytes on disk of the served index build.")
INDEX_INFO = Gauge(
    "reportqa_index_info", "The served index (value 1).", ["index_version", "model", "built_at"]
)
INDEX_RELOADS = Counter(
    "reportqa_index_reloads_total", "Index reloads by outcome.", ["outcome", "trigger"]
)


def record_timings(endpoint: str, timing_ms: dict[str, float]) -> None:
    """Feed an engine response's `timing_ms` into the stage histograms."""
    for stage, ms in timing_ms.items():
        STAGE_LATENCY.labels(endpoint, stage).observe(ms / 1000)


def _directory_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def observe_index(engine: QAEngine) -> None:
    """Point the index gauges at the engine now being served."""
    manifest = engine.index.manifest
    INDEX_DOCUMENTS.set(manifest.documents)
    INDEX_CHUNKS.set(manifest.chunks)
    INDEX_BYTES.set(_directory_bytes(Path(engine.index.path)))
    INDEX_INFO.clear()
    INDEX_INFO.labels(manifest.index_version, manifest.model, manifest.built_at).set(1)


def route_label(scope: Scope) -> str:
    """The route template ("/documents/{doc_id}"), never the raw path, to bound label values.

    Requests refused before routing (401, 413, 429) are matched against the path
    templates of the app's OpenAPI document so they count under the route they asked for.
    """
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str):
        return path
    app = scope.get("app")
    if isinstance(app, FastAPI):
        for template, pattern in _route_templates(app):
            if pattern.match(scope["path"]):
                return template
    return "unmatched"


def _route_templates(app: FastAPI) -> list[tuple[str, re.Pattern[str]]]:
    templates: list[tuple[str, re.Pattern[str]]] | None = getattr(
        app.state, "route_templates", None
    )
    if templates is None:
        docs = [app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url]
        paths = [*app.openapi().get("paths", {}), *(p for p in docs if p)]
        templates = [(path, compile_path(path)[0]) for path in paths]
        app.state.route_templates = templates
    return templates


class RequestMetricsMiddleware:
    """Count, time and log every HTTP request (plain ASGI, so streaming is untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the caller gets if the app raises before answering
        HTTP_IN_PROGRESS.inc()

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            HTTP_IN_PROGRESS.dec()
            elapsed = time.perf_counter() - started
            method, route = scope["method"], route_label(scope)
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_LATENCY.labels(method, route).observe(elapsed)
            client = scope.get("client")
            access_log.info(
                "%s %s %d %.1f ms",
                method,
                scope["path"],
                status,
                elapsed * 1000,
                extra={
                    "method": method,
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "client": client[0] if client else None,
                    "api_key_name": scope.get("state", {}).get("api_key_name"),
                },
            )


def install_request_id(app: FastAPI) -> None:
    """Echo or generate `X-Request-ID`; logs get it through `CorrelationIdFilter`."""
    app.add_middleware(
        CorrelationIdMiddleware,
        header_name=REQUEST_ID_HEADER,
        # Accept the caller's own ids (not only UUIDs), but nothing that could
        # forge log lines or bloat them.
        validator=lambda value: bool(_REQUEST_ID.match(value)),
    )


def log_config(settings: Settings) -> dict[str, Any]:
    """A `logging.config.dictConfig` for the service and uvicorn: JSON lines or plain text."""
    level = settings.log_level.upper()
    formatter: dict[str, Any]
    if settings.log_format == "json":
        formatter = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
            # uvicorn adds an ANSI-coloured copy of some messages; not for JSON.
            "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
        }
    else:
        formatter = {
            "format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"
        }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "asgi_correlation_id.CorrelationIdFilter", "default_value": "-"}
        },
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        # uvicorn's own loggers propagate to the root handler; its access log is
        # replaced by reportqa.access (which knows the route and the key's name).
        "loggers": {
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["default"], "level": level},
    }


class ReadyResponse(BaseModel):
    status: Literal["ready"]
    index_version: str


router = APIRouter()


@router.get(
    "/ready",
    response_model=ReadyResponse,
    summary="Readiness: 200 once an index is loaded, 503 before",
    responses={503: {"description": "No index loaded yet"}},
)
async def ready(request: Request) -> ReadyResponse:
    engine: QAEngine | None = getattr(request.app.state, "engine", None)
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
