"""Section `http`: /ask over loopback HTTP against a real uvicorn server in a subprocess."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path

from eval.bench.measure import stamped
from eval.bench.records import QUESTIONS, HttpLevel, Latency, Section
from eval.server import running_server


def server_env(models_dir: Path, workers: int) -> dict[str, str]:
    """The benchmark's server settings: answer LRU off, question vectors not remembered."""
    return {
        "HF_HUB_OFFLINE": "1",
        "REPORTQA_ONNX_DIR": str(models_dir),
        "REPORTQA_ASK_CACHE_SIZE": "0",
        "REPORTQA_CACHE_QUERY_TEXTS": "false",
        "REPORTQA_LOG_LEVEL": "warning",
        "REPORTQA_WORKERS": str(workers),
    }


async def _load(base: str, concurrency: int, total: int) -> HttpLevel:
    import httpx

    latencies: list[float] = []
    server: list[float] = []
    kinds: dict[str, int] = {}

    def failed(kind: str) -> None:
        kinds[kind] = kinds.get(kind, 0) + 1

    queue = iter(range(total))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def client_loop(client: httpx.AsyncClient) -> None:
        for n in queue:
            question = QUESTIONS[n % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                response = await client.post("/ask", json={"question": question})
                if response.status_code != 200:
                    failed(f"HTTP {response.status_code}: {response.text[:120]}")
                    continue
            except httpx.HTTPError as exc:
                failed(f"{type(exc).__name__}: {exc}"[:160])
                continue
            latencies.append(time.perf_counter() - started)
            server.append(response.json()["timing_ms"]["total"] / 1000)

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        for question in QUESTIONS[:3]:  # warm-up: connections and first-request paths
            await client.post("/ask", json={"question": question})
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return HttpLevel(
        concurrency,
        total,
        sum(kinds.values()),
        Latency.of(latencies or [0.0]),
        round(len(latencies) / elapsed, 1),
        kinds,
        Latency.of(server or [0.0]).p50_ms,
    )


def _sequential(base: str, total: int) -> HttpLevel:
    """One client on one keep-alive connection with the standard library's http.client:
    what the HTTP stack adds, with as little of the client's own time as Python allows."""
    import http.client
    import json
    from urllib.parse import urlsplit

    where = urlsplit(base)
    connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port)
    headers = {"Content-Type": "application/json"}
    latencies, server, errors = [], [], 0
    for n in range(total + 3):  # the first three warm the connection and code paths
        body = json.dumps({"question": QUESTIONS[n % len(QUESTIONS)]})
        started = time.perf_counter()
        connection.request("POST", "/ask", body, headers)
        response = connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            errors += 1
        elif n >= 3:
            latencies.append(elapsed)
            server.append(json.loads(payload)["timing_ms"]["total"] / 1000)
    connection.close()
    seconds = sum(latencies) or 1.0
    return HttpLevel(
        1, total, errors, Latency.of(latencies or [0.0]), round(len(latencies) / seconds, 1),
        {}, Latency.of(server or [0.0]).p50_ms, "http.client",
    )  # fmt: skip


def bench_http(
    index_dir: Path, models_dir: Path, levels: Sequence[int], per_level: int, workers: int
) -> Section:
    results = []
    with running_server(
        index_dir, server_env(models_dir, workers), log_path=index_dir.parent / "server.log"
    ) as server:
        stack = _sequential(server.base, per_level)
        results.append(stack)
        print(f"http 1 client (http.client): p50 {stack.latency.p50_ms} ms "
              f"(server {stack.server_p50_ms})")  # fmt: skip
        for concurrency in levels:
            total = max(per_level, 4 * concurrency)
            level = asyncio.run(_load(server.base, concurrency, total))
            results.append(level)
            print(
                f"http c={concurrency}: p50 {level.latency.p50_ms} ms "
                f"(server {level.server_p50_ms}) p95 {level.latency.p95_ms} ms "
                f"{level.requests_per_s} req/s errors "
                f"{level.errors} {level.error_kinds or ''}"
            )
    return stamped(
        results,
        [f"uvicorn, {workers} worker(s), loopback; each client sends its next question when "
         "the previous answer arrives"],
    )  # fmt: skip
