"""Open a saved index directory for querying."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.models import Chunk
from index.build import DENSE_FILE, LEXICAL_DIR, STORE_FILE
from index.dense import DenseIndex
from index.embedders.base import Embedder
from index.errors import IndexCorruptError, IndexNotFoundError, ManifestMismatchError
from index.lexical import LexicalIndex
from index.manifest import MANIFEST_FILE, Manifest
from index.store import Store


@dataclass(frozen=True)
class ScoredChunk:
    chunk: Chunk
    score: float
    rank: int  # 1-based


class ReportIndex:
    """A loaded index: manifest, dense vectors and the document/chunk store."""

    def __init__(
        self,
        path: Path,
        manifest: Manifest,
        dense: DenseIndex,
        lexical: LexicalIndex,
        store: Store,
    ) -> None:
        self.path = path
        self.manifest = manifest
        self.dense = dense
        self.lexical = lexical
        self.store = store

    @classmethod
    def open(cls, index_dir: Path, embedder: Embedder) -> ReportIndex:
        """Load and validate; refuses an index the embedder cannot query."""
        if not (index_dir / MANIFEST_FILE).exists():
            if not index_dir.exists():
                raise IndexNotFoundError(
                    f"no index at {index_dir}: build one with `reportqa index`"
                )
            raise IndexCorruptError(f"{index_dir / MANIFEST_FILE}: manifest missing")
        resolved = index_dir.resolve()
        manifest = Manifest.read(resolved)
        try:
            manifest.check_compatible(embedder.name, embedder.dimension)
        except ManifestMismatchError as exc:
            raise ManifestMismatchError(f"{resolved / MANIFEST_FILE}: {exc}") from exc
        dense = DenseIndex.load(resolved / manifest.files.get("dense", DENSE_FILE))
        lexical = LexicalIndex.load(
            resolved / manifest.files.get("lexical", LEXICAL_DIR), manifest.chunks
        )
        store_path = resolved / manifest.files.get("store", STORE_FILE)
        store = Store(store_path)
        try:
            stored_chunks = store.chunk_count()
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(f"{store_path}: store unreadable ({exc})") from exc
        if stored_chunks != manifest.chunks:
            # A truncated store can still open; its chunk table gives it away.
            raise IndexCorruptError(
                f"{store_path}: holds {stored_chunks} chunks, manifest says {manifest.chunks}"
            )
        if dense.dimension != manifest.dimension or len(dense) != manifest.chunks:
            raise IndexCorruptError(
                f"{resolved / DENSE_FILE}: holds {len(dense)} vectors of dimension "
                f"{dense.dimension}, manifest says {manifest.chunks} of {manifest.dimension}"
            )
        return cls(resolved, manifest, dense, lexical, store)

    def search_dense(self, query_vector: np.ndarray, k: int) -> list[ScoredChunk]:
        return self.resolve(self.dense.search(query_vector, k))

    def search_lexical(self, query: str, k: int) -> list[ScoredChunk]:
        return self.resolve(self.lexical.search(query, k))

    def resolve(self, hits: list[tuple[int, float]]) -> list[ScoredChunk]:
        """Turn (row id, score) pairs into ranked chunks from the store."""
        chunks = self.store.chunks_by_row([row for row, _ in hits])
        return [
            ScoredChunk(chunk=chunks[row], score=score, rank=rank)
            for rank, (row, score) in enumerate(hits, start=1)
            if row in chunks
        ]

    def close(self) -> None:
        self.store.close()
