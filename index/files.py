"""The `files` backend: a build directory of FAISS, bm25s and SQLite files, opened in
this process (the embedded default; see index/backend.py for the seam)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from pathlib import Path

import faiss
import numpy as np

from corpus.models import Chunk, Document
from index.dense import DenseIndex, auto_ef_search
from index.embedders.base import Embedder
from index.errors import IndexCorruptError, IndexNotFoundError, ManifestMismatchError
from index.layout import DENSE_FILE, LEXICAL_DIR, MANIFEST_FILE, STORE_FILE
from index.lexical import LexicalIndex
from index.manifest import Manifest
from index.store import Store


class FilesIndex:
    """A loaded build directory: manifest, dense vectors, BM25 and the document/chunk store."""

    def __init__(
        self,
        path: Path,
        manifest: Manifest,
        dense: DenseIndex,
        lexical: LexicalIndex,
        store: Store,
        link: Path | None = None,
    ) -> None:
        self.path = path
        self.link = link or path  # the index directory as named (the live-build symlink)
        self.manifest = manifest
        self.dense = dense
        self.lexical = lexical
        self.store = store

    @classmethod
    def open(cls, index_dir: Path, embedder: Embedder) -> FilesIndex:
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
        dense.set_ef_search(auto_ef_search(len(dense)))
        return cls(resolved, manifest, dense, lexical, store, link=index_dir)

    @property
    def location(self) -> str:
        return str(self.path)

    def _rows(self, doc_ids: Collection[str]) -> np.ndarray:
        return np.array(sorted(self.store.rows_for_documents(sorted(doc_ids))), dtype=np.int64)

    def dense_search(
        self, vector: np.ndarray, k: int, doc_ids: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        if doc_ids is None:
            return self.dense.search(vector, k)
        rows = self._rows(doc_ids)
        if len(rows) == 0:
            return []
        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows))  # type: ignore[call-arg]
        return self.dense.search(vector, k, params=params)

    def lexical_search(
        self, query: str, k: int, doc_ids: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        mask = None
        if doc_ids is not None:
            rows = self._rows(doc_ids)
            if len(rows) == 0:
                return []
            mask = np.zeros(len(self.lexical), dtype=bool)
            mask[rows] = True
        return self.lexical.search(query, k, allowed=mask)

    def chunks_by_row(self, rows: Sequence[int]) -> dict[int, Chunk]:
        return self.store.chunks_by_row(rows)

    def document(self, doc_id: str) -> Document | None:
        return self.store.document(doc_id)

    def documents(self) -> list[Document]:
        return self.store.documents()

    def document_frequency(self, term: str) -> int:
        return self.lexical.document_frequency(term)

    def __len__(self) -> int:
        return self.manifest.chunks

    def chunk_texts(self, limit: int | None = None) -> list[str]:
        return self.store.chunk_texts(limit)

    def set_ef_search(self, ef_search: int) -> None:
        self.dense.set_ef_search(ef_search)

    def stored_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

    def is_current(self) -> bool:
        """Whether the index directory still points to this build: another process (a
        worker's reload or upload, `reportqa index`) may have published a newer one."""
        try:
            return self.link.resolve(strict=True) == self.path
        except OSError:
            return True  # the link is gone: there is nothing newer to serve

    def close(self) -> None:
        self.store.close()
