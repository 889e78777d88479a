"""Section `scale`: FAISS flat versus HNSW at growing sizes: latency, memory, recall."""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench.measure import bundled_sentences, rss_mib, stamped, timed
from eval.bench.records import EF_SWEEP, QUESTIONS, ScaleRow, Section


def real_vectors(
    scifact: Path, limit: int, cache_path: Path, models_dir: Path
) -> tuple[np.ndarray, np.ndarray, str]:
    """Real MiniLM embeddings: corpus vectors and query vectors, plus how they were made.

    SciFact abstracts are cut into sentences (the bundled corpus alone has a few
    hundred); each is encoded once with the ONNX backend and kept in an embedding
    cache so later runs read them back.
    """
    from corpus.sentences import sentence_spans
    from index.embedders.caching import EmbeddingCache, encode_cached
    from index.embedders.onnx import OnnxEmbedder

    texts = bundled_sentences()
    queries = list(QUESTIONS)
    source = "bundled corpus sentences"
    if (scifact / "corpus.jsonl").is_file():
        source += " + SciFact abstract sentences"
        with (scifact / "corpus.jsonl").open() as handle:
            for line in handle:
                record = json.loads(line)
                body = f"{record.get('title', '')}\n{record.get('text', '')}"
                texts.extend(body[s:e] for s, e in sentence_spans(body))
                if len(texts) >= limit:
                    break
        with (scifact / "queries.jsonl").open() as handle:
            queries.extend(json.loads(line)["text"] for line in handle)
    texts = list(dict.fromkeys(t for t in texts if len(t) > 20))[:limit]
    embedder = OnnxEmbedder(cache_dir=models_dir)
    cache = EmbeddingCache(cache_path, embedder.name, embedder.dimension)
    try:
        corpus, report = encode_cached(embedder, texts, cache)
        query_vectors, _ = encode_cached(embedder, queries, cache)
    finally:
        cache.close()
    print(f"real vectors: {len(texts)} ({report.encoded} encoded now), {len(queries)} queries")
    return corpus, query_vectors, f"{len(texts)} real embeddings of {source}"


def synthetic_vectors(real: np.ndarray, size: int, seed: int = 7) -> np.ndarray:
    """`size` unit vectors shaped like the real ones: each is a random mix of two real
    embeddings plus a little noise, so they keep the real distribution's clusters and
    anisotropy (uniform random vectors have none, and make any ANN recall meaningless)."""
    rng = np.random.default_rng(seed)
    out = np.empty((size, real.shape[1]), dtype=np.float32)
    step = 100_000
    for begin in range(0, size, step):
        n = min(step, size - begin)
        a = real[rng.integers(0, len(real), n)]
        b = real[rng.integers(0, len(real), n)]
        w = rng.uniform(0.55, 0.95, (n, 1)).astype(np.float32)
        block = w * a + (1 - w) * b + rng.normal(0, 0.02, (n, real.shape[1])).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[begin : begin + n] = block
    return out


def scale_row(
    vectors: np.ndarray, queries: np.ndarray, kind: str, work: Path, runs: int
) -> ScaleRow:
    import faiss

    from index.dense import DenseIndex, HnswOptions, set_search_threads

    size = len(vectors)
    # Exact ground truth, batched; faiss only uses BLAS for batches above this threshold.
    faiss.cvar.distance_compute_blas_threshold = 16
    set_search_threads(os.cpu_count() or 1)
    _, exact = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)

    set_search_threads(1)
    counter = iter(range(10**9))
    flat_query = timed(
        lambda: faiss.knn(queries[next(counter) % len(queries)][None, :], vectors, 10,
                          metric=faiss.METRIC_INNER_PRODUCT),
        runs if size < 500_000 else max(10, runs // 10),
    )  # fmt: skip

    set_search_threads(os.cpu_count() or 1)  # the build uses both cores
    started = time.perf_counter()
    dense = DenseIndex.build(vectors, np.arange(size), kind="hnsw")
    build_s = time.perf_counter() - started
    path = work / f"hnsw-{size}.faiss"
    dense.save(path)
    del dense
    started = time.perf_counter()
    DenseIndex.load(path, mmap=False)
    load_s = time.perf_counter() - started
    rss_before = rss_mib()
    started = time.perf_counter()
    dense = DenseIndex.load(path, mmap=True)
    mmap_s = time.perf_counter() - started

    set_search_threads(1)
    counter = iter(range(10**9))
    hnsw_query = timed(lambda: dense.search(queries[next(counter) % len(queries)], 10), runs)
    recall = _recall(dense, queries, exact)
    rss_after = rss_mib()
    sweep: dict[str, tuple[float, float]] = {}
    for ef in EF_SWEEP:
        dense.set_ef_search(ef)
        queries_cycle = itertools.cycle(queries)
        p50 = timed(lambda: dense.search(next(queries_cycle), 10), max(20, runs // 2)).p50_ms  # noqa: B023
        sweep[str(ef)] = (round(_recall(dense, queries, exact), 4), p50)
    dense.set_ef_search(HnswOptions().ef_search)
    row = ScaleRow(
        size=size,
        vectors=kind,
        flat_query=flat_query,
        flat_bytes=int(vectors.nbytes),
        hnsw_build_s=round(build_s, 1),
        hnsw_query=hnsw_query,
        hnsw_bytes=path.stat().st_size,
        hnsw_load_s=round(load_s, 2),
        hnsw_load_mmap_s=round(mmap_s, 3),
        rss_mib_after_load=round(rss_after - rss_before + 0.0, 1),
        recall_at_10=round(recall, 4),
        ef_sweep=sweep,
    )
    path.unlink()
    print(
        f"scale {size} ({kind}): flat p50 {flat_query.p50_ms} ms, hnsw p50 {hnsw_query.p50_ms} ms, "
        f"build {build_s:.1f} s, recall@10 {recall:.4f}, file {row.hnsw_bytes / 2**20:.0f} MiB, "
        f"ef sweep {sweep}",
        flush=True,
    )
    return row


def _recall(dense: Any, queries: np.ndarray, exact: np.ndarray) -> float:
    _, approx = dense.search_batch(queries, 10)
    return float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact, strict=True)]))


def bench_scale(
    sizes: Sequence[int], scifact: Path, real_limit: int, work: Path, models_dir: Path, runs: int
) -> Section:
    real, queries, how = real_vectors(
        scifact, real_limit, work / "scale-embeddings.sqlite3", models_dir
    )
    rows = []
    for size in sizes:
        if size <= len(real):
            vectors, kind = np.ascontiguousarray(real[:size]), "real"
        else:
            vectors, kind = synthetic_vectors(real, size), "generated from real"
        rows.append(scale_row(vectors, queries, kind, work, runs))
        del vectors
    return stamped(
        rows,
        [how + f"; {len(queries)} real query embeddings (bench questions + SciFact queries)",
         "generated: each vector a random mix (weights 0.55-0.95 / rest) of two real embeddings "
         "plus N(0, 0.02) noise, re-normalised",
         "HNSW32, efConstruction 80, built with both cores; HNSW columns at the service's "
         "efSearch for that size (256 up to 200k, 1024 above); queries one at a time, one thread; "
         "recall@10 against exact inner-product search over all query embeddings",
         "RSS is the resident growth after a memory-mapped load and the queries"],
    )  # fmt: skip
