"""Write a build into PostgreSQL and publish it in one transaction.

A build gets a number in `builds` and its own tables; it is filled with COPY (binary,
pgvector's types), given an HNSW index when it is as large as the files backend's
threshold, analysed, and then made live by one UPDATE of `live_build`, which every
replica sees on its next poll. A failure drops the half-written tables; the live
build never changes until the final commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import psycopg
from pgvector import Vector
from psycopg import sql
from psycopg.types.json import Jsonb
from scipy import sparse

from index.backend import PreparedBuild
from index.dense import HnswOptions
from index.embedders.base import Embedder
from index.embedders.caching import at_positions, text_key, text_positions
from index.manifest import Manifest
from index.postgres.schema import BuildTables, connect, describe, live_build, require_schema

log = logging.getLogger(__name__)

# An exact scan of inline vectors costs ~0.7 ms per 1,000 rows here (7 ms at 10k,
# docs/benchmarks.md), against ~0.03 ms per 1,000 for FAISS; so pgvector's HNSW pays
# off from a quarter of the files backend's threshold (index/dense.py).
PGVECTOR_HNSW_THRESHOLD = 5_000
KEEP_OLD_BUILDS = 2  # the live build and the one before it, as the files backend keeps
_COPY_BATCH = 1000


class PostgresTarget:
    """Builds as table sets in one database, published by moving `live_build`."""

    def __init__(self, url: str) -> None:
        self.url = url

    def live(self) -> tuple[str, Manifest] | None:
        with connect(self.url) as conn:
            require_schema(conn)
            found = live_build(conn)
        if found is None:
            return None
        build_no, manifest = found
        return describe(self.url, build_no), manifest

    def embedding_cache(self, embedder: Embedder) -> PostgresVectorCache:
        return PostgresVectorCache(self.url, embedder.name, embedder.dimension)

    def publish(self, build: PreparedBuild) -> tuple[str, Manifest]:
        with connect(self.url) as conn:
            require_schema(conn)
            row = conn.execute(
                "INSERT INTO builds (state) VALUES ('writing') RETURNING build_no"
            ).fetchone()
            assert row is not None
            tables = BuildTables(int(row[0]))
            try:
                _write_tables(conn, tables, build)
                manifest = _publish(conn, tables, build)
            except BaseException:
                _drop(conn, tables)
                conn.execute("DELETE FROM builds WHERE build_no = %s", [tables.build_no])
                raise
            prune(conn)
        return describe(self.url, tables.build_no), manifest


def _write_tables(conn: psycopg.Connection, tables: BuildTables, build: PreparedBuild) -> None:
    """Four tables: the text a citation points into (documents, chunks) apart from the
    vectors, so a scanned vector row stays narrow enough to be stored inline (a chunk's
    text beside its 1.5 KB vector pushes the vector out of line, TOAST, and every scanned
    row costs an extra lookup: 6x slower, measured); and BM25 as an inverted index.

    BM25: each term's posting list (rows, and bm25s's precomputed weight in each, idf
    included) packed as little-endian int32 and float32 arrays in one row per term. A
    query fetches its terms' rows by primary key and sums them as bm25s does, so scores
    are bm25s's own. Measured at 100k chunks (docs/benchmarks.md, section backend):
    2.2 ms p50 and 38 MB, against 34 ms for a `sparsevec` inner-product scan (no index
    can rank by it exactly), 12 ms and 392 MB for a (term, row, weight) table summed in
    SQL, 17 ms for SQL arrays unnested and summed in SQL."""
    by_term, vocabulary = build.lexical.term_weights()
    conn.execute(
        sql.SQL(
            """
            CREATE TABLE {documents} (
                doc_id text PRIMARY KEY, path text NOT NULL, title text NOT NULL, date text,
                kind text NOT NULL, source text NOT NULL, extra jsonb NOT NULL,
                text text NOT NULL, page_starts jsonb NOT NULL);
            CREATE TABLE {chunks} (
                row_id int PRIMARY KEY, chunk_id text NOT NULL, doc_id text NOT NULL,
                ordinal int NOT NULL, start int NOT NULL, "end" int NOT NULL,
                text text NOT NULL, also_in jsonb NOT NULL);
            CREATE TABLE {vectors} (
                row_id int PRIMARY KEY, doc_id text NOT NULL,
                embedding vector({dimension}) NOT NULL);
            ALTER TABLE {vectors} ALTER COLUMN embedding SET STORAGE PLAIN;
            CREATE TABLE {terms} (
                term text PRIMARY KEY, df int NOT NULL, rows bytea NOT NULL,
                weights bytea NOT NULL);
            """
        ).format(
            documents=tables.documents,
            chunks=tables.chunks,
            vectors=tables.vectors,
            terms=tables.terms,
            dimension=sql.Literal(build.vectors.shape[1]),
        )
    )
    columns = by_term.shape[1]
    with conn.cursor() as cur:
        _copy(cur, tables.documents, ["text"] * 6 + ["jsonb", "text", "jsonb"], (
            [d.doc_id, d.path, d.title, d.date, d.kind, d.source, Jsonb(d.extra), d.text,
             Jsonb(list(d.page_starts))]
            for d in build.documents
        ))  # fmt: skip
        chunk_types = ["int4", "text", "text", "int4", "int4", "int4", "text", "jsonb"]
        _copy(cur, tables.chunks, chunk_types, (
            [row, c.chunk_id, c.doc_id, c.ordinal, c.start, c.end, c.text,
             Jsonb([[w.doc_id, w.start, w.end] for w in c.also_in])]
            for row, c in enumerate(build.chunks)
        ))  # fmt: skip
        _copy(cur, tables.vectors, ["int4", "text", "vector"], (
            [row, c.doc_id, np.ascontiguousarray(build.vectors[row], dtype=np.float32)]
            for row, c in enumerate(build.chunks)
        ))  # fmt: skip
        _copy(cur, tables.terms, ["text", "int4", "bytea", "bytea"], (
            [term, int(by_term.indptr[column + 1] - by_term.indptr[column]),
             *_posting(by_term, column)]
            for term, column in vocabulary.items()
            if column < columns  # bm25s keeps an empty token outside the matrix
        ))  # fmt: skip
    for table in (tables.chunks, tables.vectors):
        conn.execute(sql.SQL("CREATE INDEX ON {} (doc_id)").format(table))
    if len(build.chunks) > PGVECTOR_HNSW_THRESHOLD:
        # The files backend's graph parameters, so both serve the same recall.
        options = HnswOptions()
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute(
            sql.SQL(
                "CREATE INDEX ON {} USING hnsw (embedding vector_ip_ops) "
                "WITH (m = {}, ef_construction = {})"
            ).format(tables.vectors, sql.Literal(options.m), sql.Literal(options.ef_construction))
        )
    for table in tables.all():
        conn.execute(sql.SQL("ANALYZE {}").format(table))


def _copy(
    cur: psycopg.Cursor[Any], table: sql.Identifier, types: list[str], rows: Iterable[list[Any]]
) -> None:
    """Binary COPY of `rows` into `table` (pgvector's types included)."""
    with cur.copy(sql.SQL("COPY {} FROM STDIN WITH (FORMAT BINARY)").format(table)) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def _posting(by_term: sparse.csc_matrix, column: int) -> tuple[bytes, bytes]:
    """Rows holding the term (ascending) and the term's weight in each, packed."""
    begin, end = by_term.indptr[column], by_term.indptr[column + 1]
    return (
        np.asarray(by_term.indices[begin:end], dtype="<i4").tobytes(),
        np.asarray(by_term.data[begin:end], dtype="<f4").tobytes(),
    )


def _publish(conn: psycopg.Connection, tables: BuildTables, build: PreparedBuild) -> Manifest:
    manifest = build.manifest
    with conn.transaction():
        conn.execute(
            "UPDATE builds SET state = 'ready', manifest = %s, report = %s, "
            "published_at = now() WHERE build_no = %s",
            [
                Jsonb(manifest.to_json()),
                Jsonb(build.report.to_dict()),
                tables.build_no,
            ],
        )
        conn.execute(
            "INSERT INTO live_build (build_no) VALUES (%s) "
            "ON CONFLICT (only_row) DO UPDATE SET build_no = EXCLUDED.build_no",
            [tables.build_no],
        )
    return manifest


def prune(conn: psycopg.Connection, keep: int = KEEP_OLD_BUILDS) -> list[int]:
    """Drop the tables of builds older than the newest `keep` published ones, and of
    builds left 'writing' for over an hour (a killed writer). Returns their numbers."""
    live = conn.execute("SELECT build_no FROM live_build").fetchone()
    rows = conn.execute(
        """
        SELECT build_no FROM builds
        WHERE (state = 'ready' AND build_no NOT IN (
                 SELECT build_no FROM builds WHERE state = 'ready'
                 ORDER BY build_no DESC LIMIT %s))
           OR (state = 'writing' AND created_at < now() - interval '1 hour')
        """,
        [keep],
    ).fetchall()
    dropped = [int(r[0]) for r in rows if live is None or int(r[0]) != int(live[0])]
    for build_no in dropped:
        _drop(conn, BuildTables(build_no))
        conn.execute("UPDATE builds SET state = 'retired' WHERE build_no = %s", [build_no])
    return dropped


def _drop(conn: psycopg.Connection, tables: BuildTables) -> None:
    try:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.SQL(", ").join(tables.all())))
    except psycopg.Error as exc:  # the caller's own error is the one to report
        log.warning("could not drop the tables of build %s: %s", tables.build_no, exc)


class PostgresVectorCache:
    """The embedding cache as a table, so every worker reuses every other's vectors."""

    def __init__(self, url: str, model: str, dimension: int) -> None:
        self.model = model
        self.dimension = dimension
        self._conn = connect(url)

    def get_many(self, texts: Sequence[str]) -> dict[int, np.ndarray]:
        positions = text_positions(texts)
        rows = self._conn.execute(
            "SELECT text_sha256, embedding FROM embedding_cache "
            "WHERE model = %s AND text_sha256 = ANY(%s)",
            [self.model, list(positions)],
        ).fetchall()
        return at_positions(
            positions,
            ((key, np.asarray(_numpy(vector), dtype=np.float32)) for key, vector in rows),
            self.dimension,
        )

    def put_many(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        with self._conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO embedding_cache (model, text_sha256, embedding) "
                "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                [
                    (self.model, text_key(t), np.ascontiguousarray(v, dtype=np.float32))
                    for t, v in zip(texts, vectors, strict=True)
                ],
            )

    def close(self) -> None:
        self._conn.close()


def _numpy(value: object) -> object:
    # pgvector's loader gives ndarrays for typed columns, Vector objects for `vector`.
    return value.to_numpy() if isinstance(value, Vector) else value
