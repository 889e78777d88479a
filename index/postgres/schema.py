"""The database's shape: versioned migrations, connections, and per-build table names.

Fixed tables hold what outlives a build (the build list, the live pointer, the
embedding cache, the job queue); each build writes its own tables
(`build_<n>_documents`, `_chunks`, `_vectors`, `_terms`), so a build never
touches the one being served, and publishing is one UPDATE of `live_build`.
"""

from __future__ import annotations

from contextlib import suppress

import psycopg
from pgvector.psycopg import register_vector
from psycopg import sql

from index.errors import DatabaseUnavailableError, IndexNotFoundError
from index.manifest import Manifest

# Each entry moves the schema from version i to i + 1; append, never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE EXTENSION IF NOT EXISTS vector;
    CREATE TABLE builds (
        build_no     bigserial PRIMARY KEY,
        state        text NOT NULL CHECK (state IN ('writing', 'ready', 'retired')),
        manifest     jsonb,
        report       jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
    );
    CREATE TABLE live_build (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        build_no bigint NOT NULL REFERENCES builds (build_no)
    );
    CREATE TABLE embedding_cache (
        model       text NOT NULL,
        text_sha256 bytea NOT NULL,
        embedding   vector NOT NULL,
        PRIMARY KEY (model, text_sha256)
    );
    """,
    """
    CREATE TABLE jobs (
        job_id      bigserial PRIMARY KEY,
        kind        text NOT NULL,
        payload     jsonb NOT NULL DEFAULT '{}',
        state       text NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'running', 'done', 'failed')),
        error       text,
        result      jsonb,
        worker      text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        started_at  timestamptz,
        finished_at timestamptz
    );
    CREATE INDEX jobs_queued ON jobs (job_id) WHERE state = 'queued';
    """,
    # Uploads and removals made on any replica, replayed by workers into their corpus
    # folder before a build (service/ops/shared_corpus.py).
    """
    CREATE TABLE corpus_changes (
        change_no  bigserial PRIMARY KEY,
        action     text NOT NULL CHECK (action IN ('add', 'remove')),
        doc_id     text NOT NULL,
        path       text NOT NULL,
        content    bytea,
        entry      jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
    );
    """,
    # Rate limits counted by every replica together (service/api/ratelimit_postgres.py).
    # UNLOGGED: rows live for one window, so skipping the WAL is worth more than keeping
    # them through a crash (or onto a promoted standby), which at worst resets the limits.
    """
    CREATE UNLOGGED TABLE rate_limit_hits (
        key        text NOT NULL,
        expires_at timestamptz NOT NULL
    );
    CREATE INDEX rate_limit_hits_key ON rate_limit_hits (key, expires_at);
    CREATE INDEX rate_limit_hits_expiry ON rate_limit_hits (expires_at);
    CREATE UNLOGGED TABLE rate_limit_counters (
        key        text PRIMARY KEY,
        value      bigint NOT NULL,
        expires_at timestamptz NOT NULL
    );
    """,
    # Answer feedback from every replica (service/ops/feedback_postgres.py); the columns
    # are those of the SQLite store of the files backend (service/ops/feedback.py).
    """
    CREATE TABLE feedback (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        created_at    timestamptz NOT NULL DEFAULT now(),
        api_key_name  text,
        question      text NOT NULL,
        answer        text NOT NULL,
        helpful       boolean NOT NULL,
        correction    text,
        citations     jsonb NOT NULL DEFAULT '[]',
        history       jsonb NOT NULL DEFAULT '[]',
        index_version text,
        confidence    double precision
    );
    CREATE INDEX feedback_helpful ON feedback (helpful, id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection:
    """A connection with pgvector's types registered.

    Raises:
        DatabaseUnavailableError: the server is unreachable or refused us; the message says which.
    """
    try:
        conn = psycopg.connect(url, autocommit=autocommit, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailableError(
            f"cannot connect to the database: {_first_line(exc)}"
        ) from exc
    with suppress(psycopg.ProgrammingError):  # no vector extension yet: `db init` makes it
        register_vector(conn)
    return conn


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def schema_version(conn: psycopg.Connection) -> int:
    """The applied version, 0 for an empty database."""
    exists = conn.execute("SELECT to_regclass('reportqa_schema') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return 0
    row = conn.execute("SELECT max(version) FROM reportqa_schema").fetchone()
    return int(row[0] or 0) if row else 0


def migrate(url: str) -> tuple[int, int]:
    """Apply the migrations not yet applied, each in its own transaction.

    Concurrent callers serialise on an advisory lock, so two replicas starting at
    once do not both apply a step. Returns (version before, version after).
    """
    with connect(url, autocommit=False) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('reportqa_migrate'))")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS reportqa_schema ("
            " version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        before = schema_version(conn)
        if before > SCHEMA_VERSION:
            raise DatabaseUnavailableError(
                f"database schema is version {before}, newer than this program's "
                f"{SCHEMA_VERSION}: upgrade reportqa"
            )
        for version in range(before + 1, SCHEMA_VERSION + 1):
            conn.execute(MIGRATIONS[version - 1])
            conn.execute("INSERT INTO reportqa_schema (version) VALUES (%s)", [version])
        conn.commit()
    return before, SCHEMA_VERSION


def require_schema(conn: psycopg.Connection) -> None:
    """Refuse a database that `reportqa db init` has not prepared (or an older one)."""
    version = schema_version(conn)
    if version == 0:
        raise IndexNotFoundError(
            "the database has no reportqa schema: run `reportqa db init`, then `reportqa index`"
        )
    if version != SCHEMA_VERSION:
        raise DatabaseUnavailableError(
            f"database schema is version {version}, this program needs {SCHEMA_VERSION}: "
            "run `reportqa db migrate`"
        )


class BuildTables:
    """The tables of build number `build_no`, as safe SQL identifiers."""

    def __init__(self, build_no: int) -> None:
        self.build_no = build_no
        self.documents = sql.Identifier(f"build_{build_no}_documents")
        self.chunks = sql.Identifier(f"build_{build_no}_chunks")
        self.vectors = sql.Identifier(f"build_{build_no}_vectors")
        self.terms = sql.Identifier(f"build_{build_no}_terms")

    def all(self) -> tuple[sql.Identifier, ...]:
        return (self.vectors, self.chunks, self.terms, self.documents)


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
