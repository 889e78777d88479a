"""Dense vector search with FAISS: exact inner product for small corpora, HNSW for large
ones, an inverted file (IVF) for the largest.

Measured on these 2-core machines (384-d, k=10, one query, one thread): a flat scan
costs ~0.18 ms per 1,000 vectors (1.8 ms at 10k, ~15 ms at 100k, ~134 ms at 1M);
HNSW32 costs ~0.1-1 ms at efSearch 64-256 on MiniLM embeddings. Above
`HNSW_THRESHOLD` chunks (where a flat scan passes ~4 ms) the index is HNSW, whose
recall@10 against exact search on real MiniLM embeddings is reported by
`reportqa bench` (docs/benchmarks.md). Below it, exact search is both fast enough
and free of approximation. At a million vectors the HNSW graph (M 32, efConstruction
80) reaches recall@10 0.987 only at efSearch 1024 (14 ms) and takes ~15 minutes to
build; an IVF of 4,000 lists with exact distances reaches 0.989 at 64 probed lists in
1.8 ms and builds in a minute (real-derived vectors, docs/benchmarks.md), so above
`IVF_THRESHOLD` the index is IVF.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import faiss
import numpy as np

from index.errors import IndexCorruptError

DenseKind = Literal["auto", "flat", "hnsw", "ivf"]
HNSW_THRESHOLD = 20_000
IVF_THRESHOLD = 500_000
# Lists probed per query: recall@10 0.963 / 0.980 / 0.989 / 0.995 at 16 / 32 / 64 / 128
# (1M real-derived vectors, 4,096 lists; 0.5 / 0.9 / 1.8 / 3.1 ms on one thread).
IVF_NPROBE = 64
# Vectors the IVF's k-means is trained on (a seeded sample: the same corpus, the same index).
IVF_TRAIN_SAMPLE = 200_000
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


def ivf_lists(size: int) -> int:
    """Inverted lists for `size` vectors: about 4 x sqrt(size), FAISS's usual choice."""
    return max(1, min(65_536, int(4 * size**0.5)))


def auto_ef_search(size: int) -> int:
    """HNSW beam width for an index of `size` vectors, from the benchmark's efSearch sweep.

    recall@10 against exact search: 256 gives >= 0.99 up to 100k vectors (< 1 ms);
    at 1M, 256 gives 0.94 and 1024 gives 0.987 (~1.5-15 ms under load).
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
        ivf_threshold: int = IVF_THRESHOLD,
    ) -> DenseIndex:
        """Exact search up to `threshold` vectors, HNSW above it, IVF above `ivf_threshold`
        (with `kind="auto"`)."""
        dimension = vectors.shape[1]
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if kind == "auto":
            kind = "ivf" if len(ids) > ivf_threshold else "hnsw" if len(ids) > threshold else "flat"
        if kind == "ivf":
            # The factory's index owns its coarse quantizer (a Python-made one could be
            # freed under it).
            inner = faiss.index_factory(
                dimension, f"IVF{ivf_lists(len(ids))},Flat", faiss.METRIC_INNER_PRODUCT
            )
            sample = np.random.default_rng(0).permutation(len(vectors))[:IVF_TRAIN_SAMPLE]
            inner.train(vectors[np.sort(sample)])
            faiss.extract_index_ivf(inner).nprobe = IVF_NPROBE
        elif kind == "hnsw":
            options = hnsw or HnswOptions()
            inner = faiss.IndexHNSWFlat(dimension, options.m, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = options.ef_construction
            inner.hnsw.efSearch = options.ef_search
        else:
            inner = faiss.IndexFlatIP(dimension)
        index = faiss.IndexIDMap2(inner)
        if len(ids):
            index.add_with_ids(vectors, ids.astype(np.int64))
        return cls(index)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    @property
    def kind(self) -> str:
        return "hnsw" if self._hnsw is not None else "ivf" if self._ivf is not None else "flat"

    @property
    def _ivf(self) -> faiss.IndexIVF | None:
        inner = faiss.downcast_index(self._index.index) if hasattr(self._index, "index") else None
        return inner if isinstance(inner, faiss.IndexIVF) else None

    @property
    def _hnsw(self) -> faiss.IndexHNSW | None:
        inner = faiss.downcast_index(self._index.index) if hasattr(self._index, "index") else None
        return inner if isinstance(inner, faiss.IndexHNSW) else None

    def set_ef_search(self, ef_search: int) -> None:
        if self._hnsw is not None:
            self._hnsw.hnsw.efSearch = ef_search

    def set_nprobe(self, nprobe: int) -> None:
        """Inverted lists an IVF visits per query (no effect on other kinds)."""
        if self._ivf is not None:
            self._ivf.nprobe = nprobe

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
        hnsw, ivf = self._hnsw, self._ivf
        if params is not None and hnsw is not None:
            # HNSW accepts only its own parameter type; keep the selector, widen the beam
            # so a restrictive filter still finds k neighbours.
            params = faiss.SearchParametersHNSW(  # type: ignore[attr-defined]
                sel=params.sel, efSearch=max(hnsw.hnsw.efSearch, 4 * k)
            )
        elif params is not None and ivf is not None:
            # A filter may keep rows of lists no probe would reach: visit every list, and
            # compute distances only for the rows the selector lets through.
            params = faiss.SearchParametersIVF(  # type: ignore[call-arg]
                sel=params.sel, nprobe=ivf.nlist
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
