"""Prometheus metrics of the process: requests, pipeline stages, the served index, reloads.

Counters live in the process: with several uvicorn workers each worker has its own.
They stay per process on the postgres backend too, where rate limits and feedback are
shared through the database: Prometheus scrapes every replica and sums, so a shared
counter would be counted once per replica.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from service.qa.engine import QAEngine

# Seconds; the service answers in milliseconds to a few seconds under load.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "reportqa_http_requests_total",
    "HTTP requests answered, by route template and status code.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "reportqa_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
)
HTTP_IN_PROGRESS = Gauge(
    "reportqa_http_requests_in_progress", "HTTP requests being answered right now."
)
STAGE_LATENCY = Histogram(
    "reportqa_stage_duration_seconds",
    "Time spent in each pipeline stage (retrieve, answer, total) per endpoint.",
    ["endpoint", "stage"],
    buckets=_LATENCY_BUCKETS,
)
INDEX_DOCUMENTS = Gauge("reportqa_index_documents", "Documents in the served index.")
INDEX_CHUNKS = Gauge("reportqa_index_chunks", "Chunks (passages) in the served index.")
INDEX_BYTES = Gauge("reportqa_index_size_bytes", "Bytes on disk of the served index build.")
INDEX_INFO = Gauge(
    "reportqa_index_info", "The served index (value 1).", ["index_version", "model", "built_at"]
)
INDEX_RELOADS = Counter(
    "reportqa_index_reloads_total", "Index reloads by outcome.", ["outcome", "trigger"]
)


def record_timings(endpoint: str, timing_ms: dict[str, float]) -> None:
    """Feed an engine response's `timing_ms` into the stage histograms."""
    for stage, ms in timing_ms.items():
        STAGE_LATENCY.labels(endpoint, stage).observe(ms / 1000)


def observe_index(engine: QAEngine) -> None:
    """Point the index gauges at the engine now being served."""
    manifest = engine.manifest
    INDEX_DOCUMENTS.set(manifest.documents)
    INDEX_CHUNKS.set(manifest.chunks)
    INDEX_BYTES.set(engine.index.stored_bytes())
    INDEX_INFO.clear()
    INDEX_INFO.labels(manifest.index_version, manifest.model, manifest.built_at).set(1)


def count_reload(outcome: str, trigger: str) -> None:
    """Count one reload by outcome ("swapped", "unchanged", "failed") and trigger."""
    INDEX_RELOADS.labels(outcome, trigger).inc()
