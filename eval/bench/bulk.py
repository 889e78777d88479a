"""Section `bulk`: a build's chunk encoding in one process versus one process per core.

Both run the build's own path (`encode_cached`, groups of 256 texts sorted by length)
over the same SciFact abstracts (title and text, cut at the model's 256 tokens as a
chunk would be), in interleaved rounds so that a busy moment of the shared cores
falls on both; the figure is the median round.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from eval.bench.measure import stamped
from eval.bench.records import BulkRow, Section
from eval.datasets import read_beir
from index.embedders.base import Embedder
from index.embedders.caching import encode_cached
from index.embedders.parallel import auto_processes, process_pool_embedder


def scifact_texts(scifact: Path, limit: int) -> list[str]:
    """The first `limit` SciFact abstracts, title and text, as `reportqa eval beir` reads them."""
    return [f"{d.title} {d.text}".strip() for d in read_beir(scifact).corpus[:limit]]


def bench_bulk(scifact: Path, models_dir: Path, chunks: int = 400, rounds: int = 3) -> Section:
    from index.embedders.onnx import OnnxEmbedder

    texts = scifact_texts(scifact, chunks)
    single = OnnxEmbedder(cache_dir=models_dir)  # the serving encoder: two threads, batch 32
    processes = auto_processes(0)
    rates: dict[str, list[float]] = {"one process": [], "one per core": []}
    vectors: dict[str, np.ndarray] = {}
    with process_pool_embedder(single, single.spec, processes) as pool:
        pool.encode(texts[:processes])  # start the children and load their models
        models: dict[str, Embedder] = {"one process": single, "one per core": pool}
        for _ in range(rounds):
            for label, model in models.items():
                started = time.perf_counter()
                vectors[label], _ = encode_cached(model, texts, None)
                rates[label].append(round(len(texts) / (time.perf_counter() - started), 2))
                print(f"bulk {label}: {rates[label][-1]} chunks/s")
    base = statistics.median(rates["one process"])
    reference = vectors["one process"]
    rows = []
    for label, figures in rates.items():
        median = statistics.median(figures)
        cosine = float(np.min(np.sum(vectors[label] * reference, axis=1)))
        count = 1 if label == "one process" else processes
        rows.append(
            BulkRow(label, count, len(texts), figures, round(median, 2), round(median / base, 3),
                    round(cosine, 6))
        )  # fmt: skip
    return stamped(
        rows,
        [
            f"{len(texts)} SciFact abstracts (title and text, cut at 256 tokens), ONNX; one "
            f"process: two threads, batch 32 (the serving encoder); one per core: {processes} "
            "processes of one thread, batch 4 (`reportqa index` above 1,000 new chunks); "
            f"median of {rounds} interleaved rounds"
        ],
    )
