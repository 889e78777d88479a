"""Embeddings are computed once per (model, text): a disk cache for builds, an LRU for queries.

Encoding a 256-token chunk costs ~0.1 s of both cores whatever the backend, so the
only way to make re-indexing cheap is to not encode a text twice. `EmbeddingCache`
is a SQLite table keyed by model name and the SHA-256 of the text; it lives beside
the index directory (not inside a build), so it survives rebuilds: re-indexing an
unchanged corpus encodes nothing, and adding a document encodes only its chunks.

`CachingEmbedder` wraps any `Embedder` with an in-memory LRU of text -> vector.
The answer stage encodes every candidate sentence of the top passages per request;
warmed at start-up with the corpus sentences, those are never encoded at query time.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from cachetools import LRUCache

from index.embedders.base import Embedder

CACHE_FILE = "embeddings.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    text_sha256 BLOB NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, text_sha256)
) WITHOUT ROWID;
"""
# SQLite's default cap on bound parameters is 32766; stay well under it.
_LOOKUP_BATCH = 900


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def text_positions(texts: Sequence[str]) -> dict[bytes, list[int]]:
    """Each distinct text's key, with every position where the text occurs."""
    positions: dict[bytes, list[int]] = {}
    for position, text in enumerate(texts):
        positions.setdefault(text_key(text), []).append(position)
    return positions


def at_positions(
    positions: dict[bytes, list[int]], rows: Iterable[tuple[bytes, np.ndarray]], dimension: int
) -> dict[int, np.ndarray]:
    """Cached (key, vector) rows spread over the positions of their texts."""
    found: dict[int, np.ndarray] = {}
    for key, vector in rows:
        if vector.shape[0] != dimension:
            continue  # a model of the same name but another size: ignore
        for position in positions[bytes(key)]:
            found[position] = vector
    return found


def default_cache_dir(index_dir: Path) -> Path:
    """`var/index` -> `var/index.cache`: beside the live symlink and the builds."""
    return index_dir.parent / f"{index_dir.name}.cache"


class VectorCache(Protocol):
    """Where a build keeps vectors it paid for: SQLite here, a table on postgres."""

    def get_many(self, texts: Sequence[str]) -> dict[int, np.ndarray]: ...

    def put_many(self, texts: Sequence[str], vectors: np.ndarray) -> None: ...

    def close(self) -> None: ...


class EmbeddingCache:
    """Persistent (model, text hash) -> float32 vector store in one SQLite file."""

    def __init__(self, path: Path, model: str, dimension: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.model = model
        self.dimension = dimension
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)

    def get_many(self, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """Vectors already cached, keyed by the position of their text in `texts`."""
        positions = text_positions(texts)
        unique = list(positions)
        found: dict[int, np.ndarray] = {}
        with self._lock:
            for begin in range(0, len(unique), _LOOKUP_BATCH):
                batch = unique[begin : begin + _LOOKUP_BATCH]
                rows = self._conn.execute(
                    "SELECT text_sha256, vector FROM embeddings WHERE model = ? AND text_sha256 IN "
                    f"({','.join('?' * len(batch))})",
                    [self.model, *batch],
                ).fetchall()
                found.update(
                    at_positions(
                        positions,
                        ((key, np.frombuffer(blob, dtype=np.float32)) for key, blob in rows),
                        self.dimension,
                    )
                )
        return found

    def put_many(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        rows = [
            (self.model, text_key(t), np.ascontiguousarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        with self._lock:
            self._conn.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)", rows)
            self._conn.commit()

    def __len__(self) -> int:
        with self._lock:
            row = self._conn.execute(
                "SELECT COUNT(*) FROM embeddings WHERE model = ?", [self.model]
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._conn.close()


@dataclass(frozen=True)
class EmbedReport:
    """How many texts a cached encode had to run through the model."""

    total: int
    encoded: int
    cached: int
    seconds: float


def encode_cached(
    embedder: Embedder,
    texts: Sequence[str],
    cache: VectorCache | None,
    *,
    group_size: int = 256,
    on_progress: Callable[[int], None] | None = None,
    bulk: Callable[[], AbstractContextManager[Embedder]] | None = None,
    bulk_min: int = 0,
) -> tuple[np.ndarray, EmbedReport]:
    """Vectors for `texts`, encoding only those not in `cache` (and each distinct text once).

    Texts to encode are sorted by length so every batch pads to similar lengths;
    they are sent to the model in groups of `group_size` and written to the cache
    after each group, so an interrupted build keeps what it paid for. With `bulk`
    (a model in several processes), at least `bulk_min` texts to encode go to it.
    """
    import time

    started = time.perf_counter()
    out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    found = cache.get_many(texts) if cache is not None else {}
    for position, vector in found.items():
        out[position] = vector
    if on_progress is not None and found:
        on_progress(len(found))  # cached chunks are done: the bar shows what is left
    missing: dict[str, list[int]] = {}
    for position, text in enumerate(texts):
        if position not in found:
            missing.setdefault(text, []).append(position)
    pending = sorted(missing, key=len)

    def encode_with(model: Embedder) -> None:
        for begin in range(0, len(pending), group_size):
            group = pending[begin : begin + group_size]
            vectors = model.encode(group)
            for text, vector in zip(group, vectors, strict=True):
                out[missing[text]] = vector
            if cache is not None:
                cache.put_many(group, vectors)
            if on_progress is not None:
                on_progress(sum(len(missing[t]) for t in group))

    if bulk is not None and len(pending) >= bulk_min:
        with bulk() as parallel:
            encode_with(parallel)
    else:
        encode_with(embedder)
    report = EmbedReport(
        total=len(texts),
        encoded=len(pending),
        cached=len(texts) - sum(len(p) for p in missing.values()),
        seconds=time.perf_counter() - started,
    )
    return out, report


def pinned(embedder: Embedder, vectors: dict[str, np.ndarray]) -> AbstractContextManager[None]:
    """`CachingEmbedder.pinned` when `embedder` is one, else a no-op context."""
    if isinstance(embedder, CachingEmbedder):
        return embedder.pinned(vectors)
    return nullcontext()


class CachingEmbedder:
    """An `Embedder` that remembers the vectors of the last `size` distinct texts.

    Thread-safe; misses of one call are encoded together in one batch. With
    `learn=False` only warmed texts are kept (benchmarks use it so that a repeated
    question is encoded again, as a new one would be).
    """

    def __init__(self, inner: Embedder, size: int = 50_000, learn: bool = True) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self._lru: LRUCache[str, np.ndarray] = LRUCache(maxsize=max(1, size))
        self._lock = threading.Lock()
        self._pinned = threading.local()
        self.learn = learn
        self.hits = 0
        self.misses = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        pinned: dict[str, np.ndarray] = getattr(self._pinned, "vectors", {})
        with self._lock:
            for position, text in enumerate(texts):
                vector = pinned.get(text)
                if vector is None:
                    vector = self._lru.get(text)
                if vector is None:
                    todo.setdefault(text, []).append(position)
                else:
                    out[position] = vector
            self.hits += len(texts) - sum(len(p) for p in todo.values())
            self.misses += len(todo)
        if todo:
            pending = list(todo)
            vectors = self.inner.encode(pending)
            for text, vector in zip(pending, vectors, strict=True):
                out[todo[text]] = vector
            if self.learn:
                with self._lock:
                    for text, vector in zip(pending, vectors, strict=True):
                        self._lru[text] = vector
        return out

    @contextmanager
    def pinned(self, vectors: dict[str, np.ndarray]) -> Iterator[None]:
        """Serve these vectors to encode calls of this thread for the duration (one request)."""
        previous = getattr(self._pinned, "vectors", {})
        self._pinned.vectors = {**previous, **vectors}
        try:
            yield
        finally:
            self._pinned.vectors = previous

    def warm(self, texts: Iterable[str], cache: EmbeddingCache | None = None) -> EmbedReport:
        """Load `texts` into the LRU, from `cache` where possible, encoding the rest."""
        distinct = list(dict.fromkeys(texts))
        vectors, report = encode_cached(self.inner, distinct, cache)
        with self._lock:
            for text, vector in zip(distinct, vectors, strict=True):
                self._lru[text] = vector
        return report

    def __len__(self) -> int:
        return len(self._lru)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)
