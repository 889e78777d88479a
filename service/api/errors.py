"""Domain errors mapped to HTTP: a JSON body with a readable `detail`, never a stack trace."""

from __future__ import annotations

import logging

from asgi_correlation_id import correlation_id
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from index.errors import ReportIndexError
from service.errors import (
    BadQueryError,
    DocumentNotFoundError,
    DocumentTooLargeError,
    IndexUnavailableError,
    ServiceError,
    StorageFullError,
    UnsupportedDocumentError,
)

log = logging.getLogger(__name__)

# The most specific class wins (ReloadFailedError is an IndexUnavailableError).
_STATUS: dict[type[ServiceError], int] = {
    DocumentNotFoundError: 404,
    BadQueryError: 422,
    IndexUnavailableError: 503,
    DocumentTooLargeError: 413,
    UnsupportedDocumentError: 415,
    StorageFullError: 507,
}


def status_code(error: ServiceError) -> int:
    """The HTTP status of a domain error: 400 unless a subclass says otherwise."""
    for cls in type(error).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return 400


def _describe(error: dict[str, object]) -> str:
    if error.get("type") == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "")  # type: ignore[attr-defined]
        return f"body: not valid JSON ({reason})" if reason else "body: not valid JSON"
    not_an_object = error.get("type") in ("model_attributes_type", "dict_type")
    if error.get("loc") == ("body",) and not_an_object:
        return "body: expected a JSON object (send it with Content-Type: application/json)"
    location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")  # type: ignore[attr-defined]
    if not location and error.get("loc") == ("body",):
        location = "body"  # the body as a whole, e.g. missing
    return f"{location}: {error.get('msg')}" if location else str(error.get("msg"))


def install_error_handlers(app: FastAPI) -> None:
    """JSON errors with a readable `detail` for every failure; never a stack trace."""

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        detail = "; ".join(_describe(e) for e in errors) or "invalid request"
        clean = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in errors
        ]
        return JSONResponse(status_code=422, content={"detail": detail, "errors": clean})

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(status_code=status_code(exc), content={"detail": str(exc)})

    @app.exception_handler(ReportIndexError)
    async def _index(request: Request, exc: ReportIndexError) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": f"index unavailable: {exc}"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # This response is made outside the middleware stack, so the request id
        # header is added here for the caller to quote.
        request_id = correlation_id.get()
        return JSONResponse(
            status_code=500,
            content={"detail": "internal error"},
            headers={"X-Request-ID": request_id} if request_id else None,
        )
