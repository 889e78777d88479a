"""Per-caller rate limits (moving window) on top of the `limits` library.

A caller is an API key's name when a key was presented, else the client address.
The memory storage counts per process; with several worker processes, point
`REPORTQA_RATE_LIMIT_STORAGE` at a shared store (for example a Redis URI).
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from service.errors import ConfigurationError


def parse_rate(text: str, where: str) -> RateLimitItem:
    """Parse `limits` notation ("60/minute", "5 per second"); `where` names the setting."""
    try:
        return parse(text)
    except ValueError as exc:
        raise ConfigurationError(
            f"{where}: {text!r} is not a rate limit (write it like '60/minute')"
        ) from exc


class RateLimiter:
    """Answers "may this caller make one more request now?" and how long to wait if not."""

    def __init__(self, default: str | None, storage_uri: str = "memory://") -> None:
        self.default = parse_rate(default, "REPORTQA_RATE_LIMIT") if default else None
        uri = storage_uri if storage_uri.startswith("async+") else f"async+{storage_uri}"
        try:
            storage = storage_from_string(uri)
        except Exception as exc:  # the library raises several types for a bad URI
            raise ConfigurationError(
                f"REPORTQA_RATE_LIMIT_STORAGE: cannot use {storage_uri!r} ({exc})"
            ) from exc
        self._limiter = MovingWindowRateLimiter(storage)
        self._parsed: dict[str, RateLimitItem] = {}

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
        if await self._limiter.hit(item, caller):
            return None
        stats = await self._limiter.get_window_stats(item, caller)
        return max(1, math.ceil(stats.reset_time - time.time()))
