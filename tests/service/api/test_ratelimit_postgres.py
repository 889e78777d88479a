"""Rate limits on the postgres backend: counted in the database, one limit for every replica.

Each `RateLimiter` below stands for one replica (its own storage and connection pool);
they share only the database, as replicas do.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path

import psycopg
import pytest

from service.api import ratelimit_postgres
from service.api.app import check_configuration
from service.api.ratelimit import RateLimiter, rate_limit_storage
from service.settings import Settings


def replica(database_url: str, rate: str = "3/minute") -> RateLimiter:
    """The limiter a replica on the postgres backend makes from its settings."""
    settings = Settings(backend="postgres", database_url=database_url, rate_limit=rate)
    _, limiter = check_configuration(settings)
    assert limiter is not None
    return limiter


async def hits(limiter: RateLimiter, caller: str, n: int) -> list[int | None]:
    try:
        return [await limiter.retry_after(caller) for _ in range(n)]
    finally:
        await limiter.aclose()


def test_the_database_is_the_default_storage_on_the_postgres_backend(database_url: str) -> None:
    on_postgres = rate_limit_storage(Settings(backend="postgres", database_url=database_url))
    assert isinstance(on_postgres, ratelimit_postgres.PostgresStorage)
    assert on_postgres.url == database_url
    # Set explicitly, the storage is used as given, even per process.
    chosen = Settings(backend="postgres", database_url=database_url, rate_limit_storage="memory://")
    assert rate_limit_storage(chosen) == "memory://"
    assert rate_limit_storage(Settings()) == "memory://"


def test_a_postgresql_uri_names_the_storage_too(database_url: str) -> None:
    """REPORTQA_RATE_LIMIT_STORAGE=postgresql://... (another database, say) is understood."""
    info = psycopg.conninfo.conninfo_to_dict(database_url)
    uri = f"postgresql://{info['user']}@/{info['dbname']}?host={info['host']}"
    a, b = RateLimiter("1/minute", uri), RateLimiter("1/minute", f"async+{uri}")

    async def run() -> list[int | None]:
        try:
            return [await a.retry_after("addr:10.0.0.9"), await b.retry_after("addr:10.0.0.9")]
        finally:
            await a.aclose()
            await b.aclose()

    first, second = asyncio.run(run())
    assert first is None and second is not None


def test_two_replicas_enforce_one_shared_limit(database_url: str) -> None:
    a, b = replica(database_url), replica(database_url)

    async def run() -> list[int | None]:
        try:
            return [await limiter.retry_after("addr:10.0.0.1") for limiter in (a, b, a, b, a)]
        finally:
            await a.aclose()
            await b.aclose()

    answers = asyncio.run(run())
    assert answers[:3] == [None, None, None]
    # The 4th hit, on either replica, waits for the 1st to leave the minute.
    for wait in answers[3:]:
        assert wait is not None and 1 <= wait <= 60
    # Another caller has its own allowance.
    assert asyncio.run(hits(replica(database_url), "addr:10.0.0.2", 1)) == [None]


def test_concurrent_hits_from_many_replicas_never_over_admit(database_url: str) -> None:
    limit, threads, per_thread = 25, 8, 12
    admitted: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    async def burst(limiter: RateLimiter) -> int:
        # Concurrent tasks within each replica as well as across them.
        try:
            answers = await asyncio.gather(
                *(limiter.retry_after("key:busy") for _ in range(per_thread))
            )
        finally:
            await limiter.aclose()
        return sum(answer is None for answer in answers)

    def run_replica() -> None:
        limiter = replica(database_url, f"{limit}/minute")
        start.wait()
        count = asyncio.run(burst(limiter))
        with lock:
            admitted.append(count)

    workers = [threading.Thread(target=run_replica) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(admitted) == threads
    assert sum(admitted) == limit
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM rate_limit_hits").fetchone()
    assert row is not None and row[0] == limit


def test_hits_leave_the_window_and_their_rows_are_deleted(database_url: str) -> None:
    limiter = replica(database_url, "2/second")

    async def run() -> tuple[list[int | None], list[int | None]]:
        try:
            first = [await limiter.retry_after("addr:10.0.0.3") for _ in range(3)]
            await asyncio.sleep(1.1)
            return first, [await limiter.retry_after("addr:10.0.0.3") for _ in range(2)]
        finally:
            await limiter.aclose()

    first, later = asyncio.run(run())
    assert first == [None, None, 1]
    assert later == [None, None]
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM rate_limit_hits").fetchone()
    assert row is not None and row[0] == 2  # the two expired hits were removed


def test_an_unreachable_database_lets_requests_through_and_warns_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(ratelimit_postgres, "POOL_TIMEOUT_S", 0.2)
    nowhere = f"postgresql://postgres@/postgres?host={tmp_path}"  # no server on that socket
    limiter = replica(nowhere, "1/minute")
    with caplog.at_level(logging.WARNING, logger="service.api.ratelimit"):
        answers = asyncio.run(hits(limiter, "addr:10.0.0.4", 5))
    assert answers == [None] * 5
    warnings = [r for r in caplog.records if r.name == "service.api.ratelimit"]
    assert len(warnings) == 1
    assert "rate limit storage unavailable" in warnings[0].getMessage()


def test_the_storage_answers_the_fixed_window_calls_too(database_url: str) -> None:
    limiter = replica(database_url)
    storage = limiter._limiter.storage
    assert isinstance(storage, ratelimit_postgres.PostgresStorage)

    async def run() -> tuple[int, int, int, float, bool, int]:
        try:
            first = await storage.incr("counter", 30)
            second = await storage.incr("counter", 30, amount=2)
            held = await storage.get("counter")
            expires_in = await storage.get_expiry("counter") - time.time()
            healthy = await storage.check()
            await storage.clear("counter")
            return first, second, held, expires_in, healthy, await storage.get("counter")
        finally:
            await limiter.aclose()

    first, second, held, expires_in, healthy, cleared = asyncio.run(run())
    assert (first, second, held, healthy, cleared) == (1, 3, 3, True, 0)
    assert 25 < expires_in <= 30
