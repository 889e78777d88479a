"""Dense vector search with FAISS: exact inner product for small corpora, HNSW for large ones.

Measured on these 2-core machines (384-d, k=10, one query, one thread): a flat scan
costs ~0.18 ms per 1,000 vectors (1.8 ms at 10k, ~15 ms at 100k, ~134 ms at 1M);
HNSW32 costs ~0.1-1 ms at efSearch 64-256 on MiniLM embeddings. Above
`HNSW_THRESHOLD` chunks (where a flat scan passes ~4 ms) the index is HNSW, whose
recall@10 against exact search on real MiniLM embeddings is reported by
`reportqa bench` (docs/benchmarks.md). Below it, exact search is both fast enough
and free of approximation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import faiss
import numpy as np

from index.errors import IndexCorruptError

DenseKind = Literal["auto", "flat", "hnsw"]
HNSW_THRESHOLD = 20_000
# Files above this size are memory-mapped instead of read into private memory.
MMAP_ABOVE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class HnswOptions:
    """HNSW graph parameters.

    efSearch 256 keeps recall@10 >= 0.99 from 10k to 100k MiniLM-like vectors at under
    1 ms a query; 64 drops to ~0.97 at 100k (docs/benchmarks.md, efSearch sweep).
    """

    m: int = 32
    ef_construction: int = 80
    ef_search: int = 256


def auto_ef_search(size: int) -> int:
    """HNSW beam width for an index of `size` vectors, from the benchmark's efSearch sweep.

    recall@10 against exact search: 256 gives >= 0.99 up to 100k vectors (< 1 ms); at 1M
    real-derived vectors 256 gives 0.970, 512 0.984 and 1024 0.995 at 3.0 ms p50 (an IVF
    of 4,000 lists was measured beside it and not adopted: 0.982 at 2.2 ms with 64 lists
    probed, 0.989 at 3.8 ms with 128; docs/benchmarks.md, 2026-12-04).
    """
    return 256 if size <= 200_000 else 1024


# OpenMP's thread count is per thread: set in the main thread at start-up, it did not
# reach the request threads, where a search ran with a second OpenMP thread that spun
# on the other core after each query (1.66 cores of CPU per search, measured).
_search_threads: int | None = None


def set_search_threads(threads: int) -> None:
    """FAISS OpenMP threads for every search, in whichever thread it runs. One is
    fastest for a lone query (two make it slower here)."""
    global _search_threads
    _search_threads = max(1, threads)
    faiss.omp_set_num_threads(_search_threads)


def _apply_search_threads() -> None:
    if _search_threads is not None:
        faiss.omp_set_num_threads(_search_threads)


class DenseIndex:
    """Inner-product FAISS index keyed by integer chunk row ids."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        ids: np.ndarray,
        kind: DenseKind = "auto",
        hnsw: HnswOptions | None = None,
        threshold: int = HNSW_THRESHOLD,
    ) -> DenseIndex:
        """Exact search up to `threshold` vectors, HNSW above it (with `kind="auto"`)."""
        dimension = vectors.shape[1]
        if kind == "auto":
            kind = "hnsw" if len(ids) > threshold else "flat"
        if kind == "hnsw":
            options = hnsw or HnswOptions()
            inner = faiss.IndexHNSWFlat(dimension, options.m, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = options.ef_construction
            inner.hnsw.efSearch = options.ef_search
        else:
            inner = faiss.IndexFlatIP(dimension)  # type: ignore[assignment]
        index = faiss.IndexIDMap2(inner)
        if len(ids):
            index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64)
            )
        return cls(index)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    @property
    def kind(self) -> str:
        return "hnsw" if self._hnsw is not None else "flat"

    @property
    def _hnsw(self) -> faiss.IndexHNSW | None:
        inner = faiss.downcast_index(self._index.index) if hasattr(self._index, "index") else None
        return inner if isinstance(inner, faiss.IndexHNSW) else None

    def set_ef_search(self, ef_search: int) -> None:
        if self._hnsw is not None:
            self._hnsw.hnsw.efSearch = ef_search

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def search(
        self, query: np.ndarray, k: int, params: faiss.SearchParameters | None = None
    ) -> list[tuple[int, float]]:
        """Top-k (row id, cosine score) for one normalised query vector.

        `params` may carry an id selector, which restricts the scan itself.
        """
        if len(self) == 0 or k <= 0:
            return []
        _apply_search_threads()
        hnsw = self._hnsw
        if params is not None and hnsw is not None:
            # HNSW accepts only its own parameter type; keep the selector, widen the beam
            # so a restrictive filter still finds k neighbours.
            params = faiss.SearchParametersHNSW(  # type: ignore[attr-defined]
                sel=params.sel, efSearch=max(hnsw.hnsw.efSearch, 4 * k)
            )
        scores, ids = self._index.search(
            query.reshape(1, -1).astype(np.float32), min(k, len(self)), params=params
        )
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def search_batch(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) arrays for many queries at once (benchmarks, recall checks)."""
        _apply_search_threads()
        scores, ids = self._index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return scores, ids

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, mmap: bool | None = None) -> DenseIndex:
        """Read an index file; large ones (or `mmap=True`) are memory-mapped.

        A mapped index shares the page cache across workers and processes and opens
        without reading the whole file; the kernel pages vectors in on demand.
        """
        if not path.is_file():
            raise IndexCorruptError(f"{path}: FAISS index file missing")
        if mmap is None:
            mmap = path.stat().st_size > MMAP_ABOVE_BYTES
        try:
            if mmap:
                try:
                    return cls(faiss.read_index(str(path), _mmap_flags()))
                except RuntimeError:
                    pass  # an index type that cannot be mapped: read it normally
            return cls(faiss.read_index(str(path)))
        except RuntimeError as exc:
            raise IndexCorruptError(f"{path}: FAISS index unreadable ({exc})") from exc


def _mmap_flags() -> int:
    # IO_FLAG_MMAP_IFC maps the flat code storage (flat and HNSW vectors) in place;
    # older faiss builds only have IO_FLAG_MMAP (inverted lists).
    flags = int(faiss.IO_FLAG_MMAP) | int(faiss.IO_FLAG_READ_ONLY)
    return flags | int(getattr(faiss, "IO_FLAG_MMAP_IFC", 0))
