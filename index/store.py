"""SQLite store of documents and chunks: the text every citation points into."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from corpus.models import Chunk, Document, Location
from index.errors import IndexCorruptError

SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    path   TEXT NOT NULL,
    title  TEXT NOT NULL,
    date   TEXT,
    kind   TEXT NOT NULL,
    source TEXT NOT NULL,
    extra  TEXT NOT NULL,
    text   TEXT NOT NULL,
    page_starts TEXT NOT NULL DEFAULT '[]'  -- JSON offsets where pages begin (PDF)
);
CREATE TABLE chunks (
    row_id   INTEGER PRIMARY KEY,  -- the id FAISS stores
    chunk_id TEXT NOT NULL UNIQUE,
    doc_id   TEXT NOT NULL REFERENCES documents(doc_id),
    ordinal  INTEGER NOT NULL,
    start    INTEGER NOT NULL,
    "end"    INTEGER NOT NULL,
    text     TEXT NOT NULL,
    also_in  TEXT NOT NULL DEFAULT '[]'  -- JSON [[doc_id, start, end], ...]: near-duplicates
);
CREATE INDEX chunks_by_doc ON chunks(doc_id, ordinal);
"""


def write_store(path: Path, documents: Iterable[Document], chunks: Sequence[Chunk]) -> None:
    """Write a fresh store; chunk row ids are their positions in `chunks`."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript(SCHEMA)
        conn.executemany(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    d.doc_id,
                    d.path,
                    d.title,
                    d.date,
                    d.kind,
                    d.source,
                    json.dumps(d.extra),
                    d.text,
                    json.dumps(list(d.page_starts)),
                )
                for d in documents
            ],
        )
        conn.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    row,
                    c.chunk_id,
                    c.doc_id,
                    c.ordinal,
                    c.start,
                    c.end,
                    c.text,
                    json.dumps([[w.doc_id, w.start, w.end] for w in c.also_in]),
                )
                for row, c in enumerate(chunks)
            ],
        )
        conn.commit()
    finally:
        conn.close()


def document_from_row(row: Mapping[str, Any], load: Callable[[Any], Any] = json.loads) -> Document:
    """A documents-table row as a `Document`; `load` decodes its JSON columns (SQLite
    keeps text; PostgreSQL's jsonb arrives decoded: pass `lambda v: v`)."""
    return Document(
        doc_id=row["doc_id"],
        path=row["path"],
        title=row["title"],
        date=row["date"],
        kind=row["kind"],
        source=row["source"],
        extra=load(row["extra"]),
        text=row["text"],
        page_starts=tuple(load(row["page_starts"])),
    )


def chunk_from_row(row: Mapping[str, Any], load: Callable[[Any], Any] = json.loads) -> Chunk:
    """A chunks-table row as a `Chunk` (`load` as for `document_from_row`)."""
    return Chunk(
        chunk_id=row["chunk_id"],
        doc_id=row["doc_id"],
        ordinal=row["ordinal"],
        start=row["start"],
        end=row["end"],
        text=row["text"],
        also_in=tuple(Location(d, s, e) for d, s, e in load(row["also_in"])),
    )


# One JSON parameter instead of one per value: SQLite refuses more than 250,000
# variables, and a filter can name more documents than that.
_JSON_LIST = "(SELECT value FROM json_each(?))"


class Store:
    """Read-only access to a written store, safe to share across request threads.

    Documents are few and small next to their chunks, so they are cached in memory;
    chunks are read by row id on demand.
    """

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise IndexCorruptError(f"{path}: store file missing")
        try:
            self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            self._conn.row_factory = sqlite3.Row
            rows = self._conn.execute("SELECT * FROM documents ORDER BY path").fetchall()
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(f"{path}: store unreadable ({exc})") from exc
        self._lock = threading.Lock()
        self._documents = {row["doc_id"]: document_from_row(row) for row in rows}

    def documents(self) -> list[Document]:
        return list(self._documents.values())

    def document(self, doc_id: str) -> Document | None:
        return self._documents.get(doc_id)

    def chunks_by_row(self, row_ids: Sequence[int]) -> dict[int, Chunk]:
        if not row_ids:
            return {}
        with self._lock:
            rows = self._conn.execute(
                f"SELECT * FROM chunks WHERE row_id IN {_JSON_LIST}",
                [json.dumps([int(r) for r in row_ids])],
            ).fetchall()
        return {row["row_id"]: chunk_from_row(row) for row in rows}

    def rows_for_documents(self, doc_ids: Sequence[str]) -> list[int]:
        """Chunk row ids of the given documents (for filtering inside retrieval)."""
        if not doc_ids:
            return []
        with self._lock:
            rows = self._conn.execute(
                f"SELECT row_id FROM chunks WHERE doc_id IN {_JSON_LIST}",
                [json.dumps(list(doc_ids))],
            ).fetchall()
        return [int(row[0]) for row in rows]

    def chunk_count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def chunk_texts(self, limit: int | None = None) -> list[str]:
        """Chunk texts in row order (the first `limit` of them), for cache warm-up."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT text FROM chunks ORDER BY row_id LIMIT ?", [-1 if limit is None else limit]
            ).fetchall()
        return [str(row[0]) for row in rows]

    def close(self) -> None:
        self._conn.close()
