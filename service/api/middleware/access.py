"""The key check before any route runs: 401 without a known key, 403 without its scope, 429.

Which keys exist and which scope a route needs is `service.api.keys`.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from service.api.keys import ApiKey, KeyRing, required_scope
from service.api.links import ViewLinks
from service.api.ratelimit import RateLimiter


def presented_key(headers: Headers) -> str | None:
    """The key sent as `Authorization: Bearer KEY` or `X-API-Key: KEY`, if any."""
    authorization = headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    api_key = headers.get("x-api-key", "").strip()
    return api_key or None


def _is_cors_preflight(scope: Scope, headers: Headers) -> bool:
    # Browsers send preflights without credentials; they carry no data either way.
    return (
        scope["method"] == "OPTIONS"
        and "origin" in headers
        and "access-control-request-method" in headers
    )


class AccessMiddleware:
    """Identify the caller, apply the rate limit, then check the route's scope.

    The rate limit is applied before rejecting a missing or wrong key, so guessing
    keys from one address is throttled too.
    """

    def __init__(
        self,
        app: ASGIApp,
        keyring: KeyRing,
        limiter: RateLimiter | None,
        links: ViewLinks | None = None,
    ) -> None:
        self.app = app
        self.keyring = keyring
        self.limiter = limiter
        self.links = links

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        needed = required_scope(scope["method"], scope["path"])
        if needed is None or _is_cors_preflight(scope, headers):
            await self.app(scope, receive, send)
            return
        if self.links is not None and self.links.admits(
            scope["method"], scope["path"], scope.get("query_string", b"")
        ):
            # A citation link the service signed: opened by a browser without a key.
            scope.setdefault("state", {})["api_key_name"] = None
            await self.app(scope, receive, send)
            return

        key: ApiKey | None = None
        refusal: tuple[int, str] | None = None
        if self.keyring.enabled:
            presented = presented_key(headers)
            if presented is None:
                refusal = (
                    401,
                    "missing API key: send it as 'Authorization: Bearer <key>' "
                    "or 'X-API-Key: <key>'",
                )
            else:
                key = self.keyring.identify(presented)
                if key is None:
                    refusal = (401, "invalid API key")
        elif needed == "admin":
            refusal = (
                403,
                "admin routes are disabled: configure an API key with the admin scope "
                "(REPORTQA_API_KEYS or REPORTQA_API_KEYS_FILE)",
            )

        if self.limiter is not None and needed != "metrics":
            client = scope.get("client")
            caller = f"key:{key.name}" if key else f"addr:{client[0] if client else 'unknown'}"
            wait = await self.limiter.retry_after(caller, key.rate_limit if key else None)
            if wait is not None:
                await self._refuse(
                    scope,
                    receive,
                    send,
                    429,
                    f"rate limit exceeded: retry in {wait} s",
                    {"Retry-After": str(wait)},
                )
                return

        if refusal is None and key is not None and not key.allows(needed):
            refusal = (403, f"API key {key.name!r} lacks the {needed!r} scope for this route")
        if refusal is not None:
            status, message = refusal
            extra = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
            await self._refuse(scope, receive, send, status, message, extra)
            return

        # Routes and the access log can see who called (by name only).
        scope.setdefault("state", {})["api_key_name"] = key.name if key else None
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(
        scope: Scope,
        receive: Receive,
        send: Send,
        status: int,
        message: str,
        headers: dict[str, str],
    ) -> None:
        response = JSONResponse({"detail": message}, status_code=status, headers=headers)
        await response(scope, receive, send)
