"""FAISS index choice by size, memory-mapped loading, and filters on HNSW."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from index.dense import HNSW_THRESHOLD, DenseIndex


def _clustered(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    """Unit vectors around a few dozen fixed centres: structure like real embeddings have."""
    centres = np.random.default_rng(1234).normal(size=(40, dim))
    rng = np.random.default_rng(seed)
    vectors = centres[rng.integers(0, 40, n)] + rng.normal(scale=0.4, size=(n, dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32)


def test_small_corpora_get_exact_search_and_large_ones_hnsw() -> None:
    vectors = _clustered(300)
    ids = np.arange(300)
    assert DenseIndex.build(vectors, ids).kind == "flat"
    assert DenseIndex.build(vectors, ids, threshold=299).kind == "hnsw"
    assert DenseIndex.build(vectors, ids, threshold=300).kind == "flat"
    assert DenseIndex.build(vectors, ids, kind="hnsw").kind == "hnsw"
    assert HNSW_THRESHOLD >= 10_000  # below this a flat scan is ~2 ms: no reason to approximate


def test_hnsw_recall_against_exact_search() -> None:
    vectors = _clustered(3000)
    queries = _clustered(100, seed=1)
    ids = np.arange(len(vectors))
    exact = DenseIndex.build(vectors, ids, kind="flat")
    approx = DenseIndex.build(vectors, ids, kind="hnsw")
    _, truth = exact.search_batch(queries, 10)
    _, found = approx.search_batch(queries, 10)
    recall = np.mean([len(set(a) & set(t)) / 10 for a, t in zip(found, truth, strict=True)])
    assert recall >= 0.98


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_memory_mapped_load_answers_like_the_saved_index(tmp_path: Path, kind: str) -> None:
    vectors = _clustered(500)
    built = DenseIndex.build(vectors, np.arange(500), kind=kind)  # type: ignore[arg-type]
    path = tmp_path / "dense.faiss"
    built.save(path)
    mapped = DenseIndex.load(path, mmap=True)
    assert mapped.kind == kind and len(mapped) == 500
    for row in (0, 17, 499):
        assert mapped.search(vectors[row], 5) == built.search(vectors[row], 5)


def test_filter_restricts_hnsw_search_to_allowed_rows() -> None:
    vectors = _clustered(2000)
    index = DenseIndex.build(vectors, np.arange(2000), kind="hnsw")
    allowed = np.arange(0, 2000, 7, dtype=np.int64)
    params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))  # type: ignore[call-arg]
    hits = index.search(vectors[3], 10, params=params)
    assert len(hits) == 10
    assert all(row % 7 == 0 for row, _ in hits)


def test_ef_search_is_adjustable_and_ignored_by_flat() -> None:
    vectors = _clustered(200)
    DenseIndex.build(vectors, np.arange(200)).set_ef_search(10)  # flat: no effect, no error
    hnsw = DenseIndex.build(vectors, np.arange(200), kind="hnsw")
    hnsw.set_ef_search(128)
    assert hnsw.search(vectors[5], 1)[0][0] == 5
