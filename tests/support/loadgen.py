"""Closed-loop HTTP load: N concurrent clients for a bounded time, latency percentiles.

Runs in its own process against a server started elsewhere:

    python -m tests.support.loadgen --url http://127.0.0.1:8000 --clients 8 --seconds 60 \
        [--key KEY] [--write docs/benchmarks.md]

Each client sends its next request as soon as the previous one is answered; the
mix is mostly /ask, some /search and document fetches. Only loopback URLs are
accepted, and both the time and the request count are bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import statistics
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from eval.markdown import replace_block

# Phrased like staff would ask; not the evaluation questions.
QUESTIONS = (
    "What did inspectors find about children's services in Doncaster?",
    "When did the children's services trust start running services?",
    "What did Ofsted say about leadership?",
    "How many children had placement moves?",
    "What were the concerns about social work caseloads?",
    "What changed after the monitoring visit?",
    "Who was responsible for the deterioration in services?",
    "What rating did Ofsted give in 2018?",
)
SEARCHES = ("placement stability", "monitoring visit", "Ofsted rating", "social workers")
MARK_START, MARK_END = "<!-- load:start -->", "<!-- load:end -->"


@dataclass
class LoadResult:
    url: str
    clients: int
    seconds: float
    requests: int
    errors: dict[str, int]
    latency_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    versions: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else []

    def pick(p: int) -> float:
        return round(cuts[p - 1] if cuts else ordered[0], 1)

    return {
        "n": len(ordered),
        "p50": pick(50),
        "p95": pick(95),
        "p99": pick(99),
        "max": round(ordered[-1], 1),
    }


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit(f"refusing to load {host!r}: only loopback addresses are allowed")


async def run_load(
    url: str,
    clients: int,
    seconds: float,
    api_key: str | None = None,
    max_requests: int = 100_000,
    seed: int = 7,
) -> LoadResult:
    """Drive `clients` concurrent loops for `seconds` (and at most `max_requests`)."""
    _check_loopback(url)
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    latencies: dict[str, list[float]] = {"ask": [], "search": [], "document": []}
    errors: Counter[str] = Counter()
    versions: set[str] = set()
    sent = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, timeout=120, limits=limits
    ) as client:
        listing = await client.get("/documents")
        listing.raise_for_status()
        doc_ids = [d["doc_id"] for d in listing.json()]
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + seconds

        async def one_client(number: int) -> None:
            nonlocal sent
            rng = random.Random(seed + number)
            while loop.time() < deadline and sent < max_requests:
                sent += 1
                roll = rng.random()
                begin = time.perf_counter()
                try:
                    if roll < 0.7:
                        kind = "ask"
                        response = await client.post(
                            "/ask", json={"question": rng.choice(QUESTIONS)}
                        )
                    elif roll < 0.9:
                        kind = "search"
                        response = await client.get(
                            "/search", params={"q": rng.choice(SEARCHES), "k": 5}
                        )
                    else:
                        kind = "document"
                        response = await client.get(f"/documents/{rng.choice(doc_ids)}")
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                    continue
                elapsed = (time.perf_counter() - begin) * 1000
                if response.status_code != 200:
                    errors[f"HTTP {response.status_code}"] += 1
                    continue
                latencies[kind].append(elapsed)
                if kind != "document":
                    versions.add(response.json()["index_version"])

        await asyncio.gather(*(one_client(n) for n in range(clients)))
        elapsed_total = loop.time() - started
    every = [v for values in latencies.values() for v in values]
    summary = {"all": _percentiles(every)}
    summary.update({kind: _percentiles(values) for kind, values in latencies.items() if values})
    return LoadResult(
        url=url,
        clients=clients,
        seconds=round(elapsed_total, 1),
        requests=len(every) + sum(errors.values()),
        errors=dict(errors),
        latency_ms=summary,
        versions=sorted(versions),
    )


def markdown(result: LoadResult, note: str = "") -> str:
    """The benchmarks.md section for one run."""
    lines = [
        f"`python -m tests.support.loadgen --clients {result.clients}` for {result.seconds} s "
        "against `reportqa serve` (one uvicorn worker, API keys on) "
        f"over loopback, on {platform.machine()} with 2 cores shared with other work; "
        f"{datetime.now(UTC):%Y-%m-%d}. Closed loop: each client sends its next request "
        "when the previous one is answered (70% /ask, 20% /search, 10% /documents/{id}).",
        "",
        f"- requests: {result.requests} in {result.seconds} s "
        f"({result.throughput:.1f} requests/s), errors: {result.error_count}",
        "",
        "| endpoint | requests | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, stats in result.latency_ms.items():
        lines.append(
            f"| {kind} | {stats['n']:.0f} | {stats['p50']} | {stats['p95']} | "
            f"{stats['p99']} | {stats['max']} |"
        )
    if note:
        lines += ["", note]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replace the text between the load markers (other sections belong to others)."""
    replace_block(path, MARK_START, MARK_END, f"{MARK_START}\n{section}\n{MARK_END}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--key", help="API key, if the server needs one")
    parser.add_argument("--write", type=Path, help="update this benchmarks file's load section")
    parser.add_argument("--note", default="", help="a line added under the table")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 64 or not 0 < args.seconds <= 600:
        parser.error("clients must be 1-64 and seconds 0-600")
    result = asyncio.run(
        run_load(args.url, args.clients, args.seconds, args.key, args.max_requests)
    )
    print(json.dumps(asdict(result), indent=2))
    if args.write:
        write_section(args.write, markdown(result, args.note))
    return 1 if result.error_count else 0


if __name__ == "__main__":
    raise SystemExit(main())
