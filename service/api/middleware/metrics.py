"""Request ids, and the count, time and access-log line of every HTTP request.

Logs carry the request id that the `X-Request-ID` response header echoes. A caller
may send its own id (letters, digits, `._-`, at most 64); otherwise one is generated.
"""

from __future__ import annotations

import logging
import re
import time

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.metrics import HTTP_IN_PROGRESS, HTTP_LATENCY, HTTP_REQUESTS

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

access_log = logging.getLogger("reportqa.access")


def _route_templates(app: FastAPI) -> list[tuple[str, re.Pattern[str]]]:
    docs = [app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url]
    paths = [*app.openapi().get("paths", {}), *(p for p in docs if p)]
    return [(path, compile_path(path)[0]) for path in paths]


class RequestMetricsMiddleware:
    """Count, time and log every HTTP request (plain ASGI, so streaming is untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Filled on first use: the routes are all known only once the app is built.
        self._templates: list[tuple[str, re.Pattern[str]]] | None = None

    def route_label(self, scope: Scope) -> str:
        """The route template ("/documents/{doc_id}"), never the raw path, to bound labels.

        Requests refused before routing (401, 413, 429) are matched against the path
        templates of the OpenAPI document so they count under the route they asked for.
        """
        path = getattr(scope.get("route"), "path", None)
        if isinstance(path, str):
            return path
        app = scope.get("app")
        if isinstance(app, FastAPI):
            if self._templates is None:
                self._templates = _route_templates(app)
            for template, pattern in self._templates:
                if pattern.match(scope["path"]):
                    return template
        return "unmatched"

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
            method, route = scope["method"], self.route_label(scope)
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
