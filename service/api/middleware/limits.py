"""Request-body size limit and security headers, as plain ASGI middleware; and the
connection limits of the HTTP server (`reportqa serve`): a cap on connections, a
deadline for receiving each request, the keep-alive timeout, `Connection: close` on 500.

Plain ASGI (not BaseHTTPMiddleware) so streaming responses pass through untouched.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any, TypedDict, cast

import h11
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from service.settings import ServerSettings

if TYPE_CHECKING:
    from uvicorn._types import ASGI3Application, ASGIReceiveCallable, ASGISendCallable
    from uvicorn._types import Scope as UvicornScope
    from uvicorn.config import Config
    from uvicorn.server import ServerState

# Multipart framing (boundaries, part headers, form fields) around an uploaded file.
MULTIPART_ALLOWANCE = 64 * 1024


class BodyTooLarge(HTTPException):
    """Raised while the body streams in; an HTTPException so FastAPI passes it through."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=_too_large(limit))


class BodySizeLimitMiddleware:
    """Answer 413 for bodies over the limit, without reading them.

    A declared Content-Length over the limit is refused before any byte is read;
    a chunked body is counted as it arrives and refused when it crosses the limit.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    def limit_for(self, scope: Scope) -> int:
        if scope["method"] == "POST" and scope["path"].rstrip("/") == "/documents":
            return self.max_upload_bytes + MULTIPART_ALLOWANCE
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await _refuse(scope, receive, send, 400, "Content-Length is not a number")
                return
            if int(declared) > limit:
                await _refuse(scope, receive, send, 413, _too_large(limit))
                return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:  # too late for a clean answer; the connection is dropped
                raise
            await _refuse(scope, receive, send, 413, _too_large(limit))


def _too_large(limit: int) -> str:
    return f"request body too large: the limit is {limit} bytes"


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
    await JSONResponse({"detail": message}, status_code=status)(scope, receive, send)


class SecurityHeadersMiddleware:
    """Generic hardening headers on every response, and a CSP on HTML pages.

    A page that sets its own policy keeps it: the API docs (routes/docs.py) send this
    one with the hashes of their inline scripts added.
    """

    def __init__(self, app: ASGIApp, content_security_policy: str) -> None:
        self.app = app
        self.csp = content_security_policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("X-Frame-Options", "DENY")
                    if self.csp:
                        headers.setdefault("Content-Security-Policy", self.csp)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ConnectionLimits(TypedDict):
    """The `uvicorn.run` / `uvicorn.Config` options that bound connections."""

    http: type[asyncio.Protocol]
    limit_concurrency: int
    timeout_keep_alive: int


def connection_limits(settings: ServerSettings) -> ConnectionLimits:
    """uvicorn options for `settings`; `reportqa serve` and the server tests use these."""
    # A partial, not a subclass made on the fly, so that the config still pickles for
    # --workers; uvicorn only calls `http` the way it calls a protocol class.
    protocol = partial(ReadTimeoutH11Protocol, request_read_timeout=settings.request_read_timeout_s)
    return {
        "http": cast("type[asyncio.Protocol]", protocol),
        "limit_concurrency": settings.max_connections,
        "timeout_keep_alive": settings.keep_alive_timeout_s,
    }


class ReadTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for receiving each request.

    uvicorn closes idle keep-alive connections, but not one that stalls mid-request: a
    client holding half a request head keeps its connection (and a `limit_concurrency`
    slot) for ever. Here each request, head and body, must arrive within
    `request_read_timeout` seconds, counted from the connection opening for the first
    request and from its first byte for later ones (the keep-alive timeout covers the
    wait before it); the connection is closed otherwise. The clock stops once the request
    is in, so slow answers are not cut; it runs while uvicorn pauses reading a large body
    for the app, which the routes here read at once (and is bounded by max_upload_bytes).

    500 responses also carry `Connection: close`: Starlette re-raises the error after
    sending its 500, and uvicorn then closes the connection; without the header a
    client would send its next request on a dead connection.
    """

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
        *,
        request_read_timeout: float = 15.0,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.request_read_timeout = request_read_timeout
        self.read_timer: asyncio.TimerHandle | None = None
        self.app = close_after_server_error(self.app)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_read_timer()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._start_read_timer()  # a new request's first byte (no-op if running)
        super().data_received(data)
        self._settle_read_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # may start the next, pipelined, request
        self._settle_read_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_read_timer()
        super().connection_lost(exc)

    def _awaiting_request(self) -> bool:
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            return True
        if state is h11.IDLE:
            # No request yet on this connection, or part of the next one's head buffered;
            # an idle keep-alive connection is left to the keep-alive timeout.
            return self.cycle is None or bool(self.conn.trailing_data[0])
        return False  # received whole (the app is answering), closed, or broken

    def _settle_read_timer(self) -> None:
        if self._awaiting_request() and not self.transport.is_closing():
            self._start_read_timer()
        else:
            self._stop_read_timer()

    def _start_read_timer(self) -> None:
        if self.read_timer is None and not self.transport.is_closing():
            self.read_timer = self.loop.call_later(self.request_read_timeout, self._read_timed_out)

    def _stop_read_timer(self) -> None:
        if self.read_timer is not None:
            self.read_timer.cancel()
            self.read_timer = None

    def _read_timed_out(self) -> None:
        self.read_timer = None
        if self.transport.is_closing():
            return
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
        self.logger.info(
            "closed the connection from %s: no whole request within %g s",
            client,
            self.request_read_timeout,
        )
        # connection_lost follows: an app reading this request's body sees a disconnect.
        self.transport.close()


def close_after_server_error(app: ASGI3Application) -> ASGI3Application:
    """Wrap `app` so that its 500 responses say `Connection: close`."""

    async def closing_app(
        scope: UvicornScope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        # Any: a copy of uvicorn's TypedDict event union is not worth spelling out.
        async def send_closing(message: Any) -> None:
            if message["type"] == "http.response.start" and message["status"] == 500:
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"
                ]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await app(scope, receive, send_closing)

    return closing_app
