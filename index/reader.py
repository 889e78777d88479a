"""Open a saved index directory for querying."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from index.dense import DenseIndex
from index.embedders.base import Embedder
from index.errors import IndexCorruptError, IndexNotFoundError, ManifestMismatchError
from index.layout import DENSE_FILE, LEXICAL_DIR, MANIFEST_FILE, STORE_FILE
from index.lexical import LexicalIndex
from index.manifest import Manifest
from index.store import Store


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

    def close(self) -> None:
        self.store.close()
