"""Write a build into PostgreSQL and publish it in one transaction.

A build gets a number in `builds` and its own tables; it is filled with COPY (binary,
pgvector's types), given an HNSW index when it is as large as the files backend's
threshold, analysed, and then made live by one UPDATE of `live_build`, which every
replica sees on its next poll. A failure drops the half-written tables; the live
build never changes until the final commit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import psycopg
from pgvector import SparseVector, Vector
from psycopg import sql
from psycopg.types.json import Jsonb

from index.backend import PreparedBuild
from index.dense import HNSW_THRESHOLD, HnswOptions
from index.embedders.base import Embedder
from index.embedders.caching import text_key
from index.manifest import Manifest
from index.postgres.schema import BuildTables, connect, require_schema

log = logging.getLogger(__name__)

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


def live_build(conn: psycopg.Connection) -> tuple[int, Manifest] | None:
    row = conn.execute(
        "SELECT b.build_no, b.manifest FROM live_build l JOIN builds b USING (build_no)"
    ).fetchone()
    if row is None:
        return None
    return int(row[0]), Manifest.parse(row[1], f"database build {row[0]}")


def describe(url: str, build_no: int) -> str:
    """`postgres://host/db#build-7`, never with the password."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    host = str(info.get("host") or "localhost")
    return f"postgres://{host}/{info.get('dbname') or 'postgres'}#build-{build_no}"


def _write_tables(conn: psycopg.Connection, tables: BuildTables, build: PreparedBuild) -> None:
    weights, vocabulary = build.lexical.term_weights()
    dimension = build.vectors.shape[1]
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
                text text NOT NULL, also_in jsonb NOT NULL,
                embedding vector({dimension}) NOT NULL, lexical sparsevec NOT NULL);
            CREATE TABLE {terms} (term text PRIMARY KEY, term_id int NOT NULL, df int NOT NULL);
            """
        ).format(
            documents=tables.documents,
            chunks=tables.chunks,
            terms=tables.terms,
            dimension=sql.Literal(dimension),
        )
    )
    with conn.cursor() as cur:
        with cur.copy(
            sql.SQL("COPY {} FROM STDIN WITH (FORMAT BINARY)").format(tables.documents)
        ) as copy:
            copy.set_types(["text"] * 6 + ["jsonb", "text", "jsonb"])
            for d in build.documents:
                copy.write_row(
                    [d.doc_id, d.path, d.title, d.date, d.kind, d.source,
                     Jsonb(d.extra), d.text, Jsonb(list(d.page_starts))]
                )  # fmt: skip
        columns = weights.shape[1]
        with cur.copy(
            sql.SQL("COPY {} FROM STDIN WITH (FORMAT BINARY)").format(tables.chunks)
        ) as copy:
            copy.set_types(
                ["int4", "text", "text", "int4", "int4", "int4", "text", "jsonb", "vector",
                 "sparsevec"]
            )  # fmt: skip
            for row, chunk in enumerate(build.chunks):
                line = weights.getrow(row)
                copy.write_row(
                    [row, chunk.chunk_id, chunk.doc_id, chunk.ordinal, chunk.start, chunk.end,
                     chunk.text, Jsonb([[w.doc_id, w.start, w.end] for w in chunk.also_in]),
                     np.ascontiguousarray(build.vectors[row], dtype=np.float32),
                     SparseVector(dict(zip(line.indices.tolist(), line.data.tolist(),
                                           strict=True)), columns)]
                )  # fmt: skip
        frequencies = np.diff(weights.tocsc().indptr)
        with cur.copy(
            sql.SQL("COPY {} FROM STDIN WITH (FORMAT BINARY)").format(tables.terms)
        ) as copy:
            copy.set_types(["text", "int4", "int4"])
            for term, term_id in vocabulary.items():
                if term_id < columns:  # bm25s keeps an empty token outside the matrix
                    copy.write_row([term, term_id, int(frequencies[term_id])])
    conn.execute(sql.SQL("CREATE INDEX ON {} (doc_id)").format(tables.chunks))
    if len(build.chunks) > HNSW_THRESHOLD:
        # The files backend's graph parameters, so both serve the same recall.
        options = HnswOptions()
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute(
            sql.SQL(
                "CREATE INDEX ON {} USING hnsw (embedding vector_ip_ops) "
                "WITH (m = {}, ef_construction = {})"
            ).format(tables.chunks, sql.Literal(options.m), sql.Literal(options.ef_construction))
        )
    for table in tables.all():
        conn.execute(sql.SQL("ANALYZE {}").format(table))


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
        positions: dict[bytes, list[int]] = {}
        for position, text in enumerate(texts):
            positions.setdefault(text_key(text), []).append(position)
        rows = self._conn.execute(
            "SELECT text_sha256, embedding FROM embedding_cache "
            "WHERE model = %s AND text_sha256 = ANY(%s)",
            [self.model, list(positions)],
        ).fetchall()
        found: dict[int, np.ndarray] = {}
        for key, vector in rows:
            vector = np.asarray(_numpy(vector), dtype=np.float32)
            if vector.shape[0] != self.dimension:
                continue  # a model of the same name but another size: ignore
            for position in positions[bytes(key)]:
                found[position] = vector
        return found

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
