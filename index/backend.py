"""The seam between the QA core and where an index lives.

Two backends implement it: `files` (FAISS + bm25s + SQLite in a build directory, the
embedded default, `index/files.py`) and `postgres` (pgvector tables that many
replicas share, `index/postgres/`). Nothing above this module knows which one runs.

Rows are the chunks' positions in their build (0..chunks-1) on both backends, so a
ranking, a fused list and a citation mean the same thing whichever serves them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from corpus.models import Chunk, Document
from corpus.report import CorpusReport
from index.embedders.base import Embedder
from index.embedders.caching import VectorCache
from index.errors import IndexNotFoundError
from index.files import FilesIndex
from index.lexical import LexicalIndex
from index.manifest import Manifest

BackendName = Literal["files", "postgres"]
Hit = tuple[int, float]  # (row, score), best first


class IndexReader(Protocol):
    """What retrieval and the service read from one published build."""

    manifest: Manifest

    @property
    def location(self) -> str:
        """Where the build is served from: its directory, or database and build id."""
        ...

    def dense_search(
        self, vector: np.ndarray, k: int, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        """Top-k rows by inner product with a normalised query vector.

        `doc_ids` restricts the search itself (never a post-filter of a top-k cut).
        """
        ...

    def lexical_search(
        self, query: str, k: int, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        """Top-k rows by BM25 (bm25s's Lucene variant); rows without a query term dropped."""
        ...

    def chunks_by_row(self, rows: Sequence[int]) -> dict[int, Chunk]: ...

    def document(self, doc_id: str) -> Document | None: ...

    def documents(self) -> list[Document]:
        """Every document of the build, ordered by path."""
        ...

    def document_frequency(self, term: str) -> int:
        """Chunks holding `term`, a token as the lexical index stores it (stemmed)."""
        ...

    def __len__(self) -> int:
        """Chunks in the build (the N of idf)."""
        ...

    def chunk_texts(self, limit: int | None = None) -> list[str]: ...

    def set_ef_search(self, ef_search: int) -> None:
        """Search beam of the HNSW graph, where the build has one (each backend opens
        with the beam its benchmark chose)."""
        ...

    def stored_bytes(self) -> int:
        """Bytes the build occupies: its files, or its table partitions and indexes."""
        ...

    def is_current(self) -> bool:
        """False once another build has been published in this one's place."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class PreparedBuild:
    """A build ready to be written: what every backend stores, computed once."""

    documents: list[Document]
    chunks: list[Chunk]  # row i is chunks[i] on every backend
    vectors: np.ndarray  # (chunks, dimension), normalised
    lexical: LexicalIndex  # bm25s over the chunk texts: the scores both backends serve
    report: CorpusReport
    manifest: Manifest  # `files` empty: the target says where it wrote


class BuildTarget(Protocol):
    """Where builds are written and published."""

    def live(self) -> tuple[str, Manifest] | None:
        """Where the live build is and its manifest, if any (to skip an unchanged build)."""
        ...

    def embedding_cache(self, embedder: Embedder) -> VectorCache | None:
        """Vectors earlier builds computed, so unchanged text is never encoded again."""
        ...

    def publish(self, build: PreparedBuild) -> tuple[str, Manifest]:
        """Write `build` beside the live one, then make it live in one atomic step.

        Returns where it went and its final manifest. A failure leaves the live build
        serving, untouched.
        """
        ...


@dataclass(frozen=True)
class IndexLocation:
    """Which backend serves, and where: settings turned into plain data."""

    backend: BackendName
    index_dir: str  # files: the live symlink; postgres: the local cache folder
    database_url: str | None = None
    read_url: str | None = None  # a standby for reads; writes always go to database_url


def open_index(where: IndexLocation, embedder: Embedder) -> IndexReader:
    """Open the live build at `where`, checked against `embedder`."""
    if where.backend == "postgres":
        # psycopg and pgvector are imported only when this backend is chosen.
        from index.postgres.reader import PostgresIndex

        if not where.database_url:
            raise IndexNotFoundError("the postgres backend needs REPORTQA_DATABASE_URL")
        index: IndexReader = PostgresIndex.open(
            where.database_url, embedder, read_url=where.read_url
        )
        return index
    return FilesIndex.open(Path(where.index_dir), embedder)
