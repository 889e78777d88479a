"""A `limits` storage in PostgreSQL, so every replica counts against one limit per caller.

On the postgres backend the service makes one from REPORTQA_DATABASE_URL
(`service.api.ratelimit.rate_limit_storage`). Importing this module also registers the
schemes `async+postgresql://` and `async+postgres://` with `limits`, for a
REPORTQA_RATE_LIMIT_STORAGE naming another database. The tables (`rate_limit_hits`,
`rate_limit_counters`) come from the migrations in `index/postgres/schema.py`.

Moving window: one row per admitted hit, holding when it leaves the window. A hit takes
an advisory lock on its key for its transaction, so two replicas counting the same
caller at once are serialised and can never both take the last slot; it deletes the
key's rows that have left the window as it goes. Keys a caller never hits again are
swept by each process at most once a minute.

Times are the database's clock, one clock for all replicas; what `limits` receives
(the window's start, an expiry) is converted to this machine's clock by the time left,
so a skew between the two does not skew Retry-After.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from limits.aio.storage import MovingWindowSupport, Storage
from psycopg_pool import AsyncConnectionPool

# Each request's check is one short transaction, so a few connections serve a worker;
# every worker of every replica has its own pool, and the server's connections are few.
POOL_MAX_SIZE = 4
# Waiting longer for a connection than this fails the check (and the limiter lets the
# request through, see service/api/ratelimit.py) rather than holding the request.
POOL_TIMEOUT_S = 2.0
SWEEP_EVERY_S = 60.0

# Statement 1 of a hit, alone: the next statement's snapshot must be taken after the lock
# is held (READ COMMITTED takes one per statement), or it would miss the previous
# holder's row. hashtext's 32 bits can collide (with another key, or another advisory
# lock of the service): the two then wait for each other, and still count right.
_LOCK = "SELECT pg_advisory_xact_lock(hashtext(%(key)s))"
# Statement 2: expire the key's old rows, count the rest, insert only if they fit; the
# CTEs all see the snapshot from before the DELETE, hence the expiry test in `held`.
_ACQUIRE = """
WITH expired AS (
    DELETE FROM rate_limit_hits WHERE key = %(key)s AND expires_at <= clock_timestamp()
), held AS (
    SELECT count(*) AS n FROM rate_limit_hits
    WHERE key = %(key)s AND expires_at > clock_timestamp()
), added AS (
    INSERT INTO rate_limit_hits (key, expires_at)
    SELECT %(key)s, clock_timestamp() + make_interval(secs => %(expiry)s)
    FROM held, generate_series(1, %(amount)s)
    WHERE held.n + %(amount)s <= %(limit)s
    RETURNING 1
)
SELECT count(*) FROM added
"""
_WINDOW = """
SELECT count(*), extract(epoch FROM min(expires_at) - clock_timestamp())
FROM rate_limit_hits WHERE key = %(key)s AND expires_at > clock_timestamp()
"""
# Fixed-window counters (FixedWindowRateLimiter); the service itself uses the moving window.
_INCR = """
INSERT INTO rate_limit_counters AS c (key, value, expires_at)
VALUES (%(key)s, %(amount)s, clock_timestamp() + make_interval(secs => %(expiry)s))
ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN c.expires_at <= clock_timestamp() THEN excluded.value
                 ELSE c.value + excluded.value END,
    expires_at = CASE WHEN c.expires_at <= clock_timestamp() THEN excluded.expires_at
                      ELSE c.expires_at END
RETURNING value
"""


class PostgresStorage(Storage, MovingWindowSupport):
    """`limits` async storage over a psycopg connection pool, opened on first use.

    `uri`: the database's URL or libpq connection string, "async+" prefix optional.
    """

    STORAGE_SCHEME = ["async+postgresql", "async+postgres"]

    def __init__(
        self, uri: str, wrap_exceptions: bool = False, **options: float | str | bool
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.url = uri.removeprefix("async+")
        self._pool: AsyncConnectionPool | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._next_sweep = 0.0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        # The pool's PoolTimeout and PoolClosed are psycopg.OperationalError too.
        return psycopg.Error

    async def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        parameters = {"key": key, "limit": limit, "expiry": float(expiry), "amount": amount}
        async with self._transaction() as conn:
            await conn.execute(_LOCK, parameters)
            cursor = await conn.execute(_ACQUIRE, parameters)
            row = await cursor.fetchone()
        await self._sweep_now_and_then()
        return row is not None and int(row[0]) == amount

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(when the window's oldest hit arrived, hits in the window), on this machine's clock."""
        async with self._transaction() as conn:
            cursor = await conn.execute(_WINDOW, {"key": key})
            row = await cursor.fetchone()
        now = time.time()
        if row is None or not row[0]:
            return now, 0
        return now + float(row[1]) - expiry, int(row[0])

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        parameters = {"key": key, "amount": amount, "expiry": float(expiry)}
        async with self._transaction() as conn:
            row = await (await conn.execute(_INCR, parameters)).fetchone()
        return int(row[0]) if row else 0

    async def get(self, key: str) -> int:
        async with self._transaction() as conn:
            cursor = await conn.execute(
                "SELECT value FROM rate_limit_counters"
                " WHERE key = %s AND expires_at > clock_timestamp()",
                [key],
            )
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def get_expiry(self, key: str) -> float:
        async with self._transaction() as conn:
            cursor = await conn.execute(
                "SELECT extract(epoch FROM expires_at - clock_timestamp())"
                " FROM rate_limit_counters WHERE key = %s AND expires_at > clock_timestamp()",
                [key],
            )
            row = await cursor.fetchone()
        return time.time() + (float(row[0]) if row else 0.0)

    async def check(self) -> bool:
        try:
            async with self._transaction() as conn:
                await conn.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    async def reset(self) -> int | None:
        """Forget every limit of every caller; returns the rows removed."""
        async with self._transaction() as conn:
            hits = await conn.execute("DELETE FROM rate_limit_hits")
            counters = await conn.execute("DELETE FROM rate_limit_counters")
        return max(hits.rowcount, 0) + max(counters.rowcount, 0)

    async def clear(self, key: str) -> None:
        async with self._transaction() as conn:
            await conn.execute(_LOCK, {"key": key})
            await conn.execute("DELETE FROM rate_limit_hits WHERE key = %s", [key])
            await conn.execute("DELETE FROM rate_limit_counters WHERE key = %s", [key])

    async def aclose(self) -> None:
        """Close the pool (the app's shutdown); the next use opens a new one."""
        pool, self._pool, self._loop = self._pool, None, None
        if pool is not None:
            await pool.close()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[psycopg.AsyncConnection]:
        pool = await self._open_pool()
        async with pool.connection() as conn, conn.transaction():
            yield conn

    async def _open_pool(self) -> AsyncConnectionPool:
        # A pool belongs to the event loop that opened it; an app started again under a
        # new loop (tests do) gets a new one rather than one bound to a closed loop.
        loop = asyncio.get_running_loop()
        if self._pool is None or self._loop is not loop:
            pool = AsyncConnectionPool(
                self.url,
                min_size=1,
                max_size=POOL_MAX_SIZE,
                timeout=POOL_TIMEOUT_S,
                kwargs={"autocommit": True, "connect_timeout": 5},
                name="rate-limits",
                open=False,
            )
            await pool.open()
            if self._pool is not None and self._loop is loop:
                await pool.close()  # another request opened one while this one awaited
            else:
                self._pool, self._loop = pool, loop
        return self._pool

    async def _sweep_now_and_then(self) -> None:
        """Remove every key's rows that have expired, once a minute per process."""
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_EVERY_S
        async with self._transaction() as conn:
            await conn.execute("DELETE FROM rate_limit_hits WHERE expires_at <= clock_timestamp()")
            await conn.execute(
                "DELETE FROM rate_limit_counters WHERE expires_at <= clock_timestamp()"
            )
