"""Per-caller rate limits (moving window) on top of the `limits` library.

A caller is an API key's name when a key was presented, else the client address.
The memory storage counts per process; with several worker processes, point
`REPORTQA_RATE_LIMIT_STORAGE` at a shared store (for example a Redis URI). On the
postgres backend it defaults to the database (`service.api.ratelimit_postgres`), so
every replica counts against the same limit.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string

from service.errors import ConfigurationError
from service.ops.backend import database_url
from service.settings import Settings

log = logging.getLogger(__name__)

# When the storage cannot answer (database or Redis down), requests are let through
# rather than refused or failed: the limits keep callers fair, they are not access
# control (keys are), and a limiter outage must not become an outage of the API. After
# a failure the storage is left alone for STORAGE_RETRY_S, so requests do not each wait
# for it to time out, and the warning is logged at most once per LOG_EVERY_S.
STORAGE_RETRY_S = 5.0
LOG_EVERY_S = 60.0
_POSTGRES_SCHEMES = ("async+postgresql:", "async+postgres:")


def parse_rate(text: str, where: str) -> RateLimitItem:
    """Parse `limits` notation ("60/minute", "5 per second"); `where` names the setting."""
    try:
        return parse(text)
    except ValueError as exc:
        raise ConfigurationError(
            f"{where}: {text!r} is not a rate limit (write it like '60/minute')"
        ) from exc


def rate_limit_storage(settings: Settings) -> str | Storage:
    """REPORTQA_RATE_LIMIT_STORAGE; when it is not set on the postgres backend, the database.

    Set explicitly, even to memory://, it is used as given.
    """
    if settings.backend == "postgres" and "rate_limit_storage" not in settings.model_fields_set:
        from service.api.ratelimit_postgres import PostgresStorage

        # Made here rather than from a URI: the database URL may be libpq's key=value form.
        return PostgresStorage(database_url(settings))
    return settings.rate_limit_storage


class RateLimiter:
    """Answers "may this caller make one more request now?" and how long to wait if not."""

    def __init__(self, default: str | None, storage: str | Storage = "memory://") -> None:
        """`storage`: a `limits` URI (async+ optional), or a `limits` async storage."""
        self.default = parse_rate(default, "REPORTQA_RATE_LIMIT") if default else None
        if isinstance(storage, str):
            storage = _storage_from_uri(storage)
        # Wrapped, every storage's failures are one type for retry_after to let through.
        storage.wrap_exceptions = True
        self._limiter = MovingWindowRateLimiter(storage)
        self._parsed: dict[str, RateLimitItem] = {}
        self._skip_storage_until = 0.0
        self._next_warning = 0.0
        self._unlimited = 0  # requests let through since the storage last answered

    def limit_for(self, override: str | None) -> RateLimitItem | None:
        if override is None:
            return self.default
        if override not in self._parsed:
            self._parsed[override] = parse_rate(override, "rate_limit")
        return self._parsed[override]

    async def retry_after(self, caller: str, override: str | None = None) -> int | None:
        """Count one request for `caller`; None if allowed, else seconds until a slot frees."""
        item = self.limit_for(override)
        if item is None:
            return None
        if time.monotonic() < self._skip_storage_until:
            self._unlimited += 1
            return None
        try:
            if await self._limiter.hit(item, caller):
                self._storage_answered()
                return None
            stats = await self._limiter.get_window_stats(item, caller)
        except StorageError as exc:
            self._storage_failed(exc.storage_error)
            return None
        self._storage_answered()
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def aclose(self) -> None:
        """Release the storage's connections, if it keeps any (the app's shutdown)."""
        close = getattr(self._limiter.storage, "aclose", None)
        if close is not None:
            await close()

    def _storage_failed(self, error: Exception) -> None:
        now = time.monotonic()
        self._skip_storage_until = now + STORAGE_RETRY_S
        self._unlimited += 1
        if now >= self._next_warning:
            self._next_warning = now + LOG_EVERY_S
            log.warning(
                "rate limit storage unavailable, requests are not limited until it answers "
                "(%d let through so far): %s",
                self._unlimited,
                " ".join(str(error).split()) or type(error).__name__,
            )

    def _storage_answered(self) -> None:
        if self._unlimited:
            log.warning(
                "rate limit storage answers again; %d requests went unlimited", self._unlimited
            )
            self._unlimited = 0


def _storage_from_uri(text: str) -> Storage:
    uri = text if text.startswith("async+") else f"async+{text}"
    if uri.startswith(_POSTGRES_SCHEMES):
        import service.api.ratelimit_postgres  # noqa: F401  (registers the schemes)
    try:
        storage = storage_from_string(uri)
    except Exception as exc:  # the library raises several types for a bad URI
        raise ConfigurationError(
            f"REPORTQA_RATE_LIMIT_STORAGE: cannot use {_redacted(text)} ({exc})"
        ) from exc
    if not isinstance(storage, Storage):  # a synchronous one: "async+" is always added
        raise ConfigurationError(f"REPORTQA_RATE_LIMIT_STORAGE: {_redacted(text)} is not async")
    return storage


def _redacted(uri: str) -> str:
    """`uri` without its password, for messages (the database's URL may carry one)."""
    scheme, sep, rest = uri.partition("://")
    credentials, at, location = rest.rpartition("@")
    if not at or ":" not in credentials:
        return repr(uri)
    return repr(f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{location}")
