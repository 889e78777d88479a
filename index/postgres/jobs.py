"""A job queue in the database: any replica enqueues, any worker claims.

Workers claim with `FOR UPDATE SKIP LOCKED`, so two never take the same job and
none waits on another's lock. A claimed build reads the whole corpus as it is then,
so it also settles every build queued before it started ("merged_into").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from index.postgres.schema import connect

STALE_RUNNING = "2 hours"  # a job running this long lost its worker; it is queued again


@dataclass(frozen=True)
class QueuedJob:
    job_id: int
    kind: str
    payload: dict[str, Any]
    state: str
    error: str | None
    result: dict[str, Any] | None
    worker: str | None
    created_at: datetime
    finished_at: datetime | None


def _job(row: dict[str, Any]) -> QueuedJob:
    return QueuedJob(
        job_id=int(row["job_id"]),
        kind=row["kind"],
        payload=row["payload"] or {},
        state=row["state"],
        error=row["error"],
        result=row["result"],
        worker=row["worker"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
    )


class JobQueue:
    def __init__(self, url: str) -> None:
        self.url = url

    def _connect(self) -> psycopg.Connection[dict[str, Any]]:
        conn = connect(self.url)
        conn.row_factory = dict_row  # type: ignore[assignment]
        return conn  # type: ignore[return-value]

    def enqueue(self, kind: str, payload: dict[str, Any] | None = None) -> QueuedJob:
        """Queue a job; wakes listening workers at once (they poll as well)."""
        with self._connect() as conn:
            row = conn.execute(
                "INSERT INTO jobs (kind, payload) VALUES (%s, %s) RETURNING *",
                [kind, Jsonb(payload or {})],
            ).fetchone()
            conn.execute("NOTIFY reportqa_jobs")
        assert row is not None
        return _job(row)

    def claim(self, worker: str) -> QueuedJob | None:
        """The oldest queued job, now running under `worker`; None when none is queued."""
        with self._connect() as conn:
            conn.execute(
                "UPDATE jobs SET state = 'queued', worker = NULL, started_at = NULL "
                f"WHERE state = 'running' AND started_at < now() - interval '{STALE_RUNNING}'"
            )
            row = conn.execute(
                """
                UPDATE jobs SET state = 'running', worker = %s, started_at = now()
                WHERE job_id = (
                    SELECT job_id FROM jobs WHERE state = 'queued'
                    ORDER BY job_id FOR UPDATE SKIP LOCKED LIMIT 1)
                RETURNING *
                """,
                [worker],
            ).fetchone()
        return None if row is None else _job(row)

    def finish(
        self, job: QueuedJob, result: dict[str, Any] | None = None, error: str | None = None
    ) -> None:
        """Record the outcome; a successful build also settles the builds queued before it."""
        with self._connect() as conn, conn.transaction():
            conn.execute(
                "UPDATE jobs SET state = %s, result = %s, error = %s, finished_at = now() "
                "WHERE job_id = %s",
                ["failed" if error else "done", Jsonb(result), error, job.job_id],
            )
            if error is None and job.kind == "build":
                conn.execute(
                    "UPDATE jobs SET state = 'done', finished_at = now(), result = %s "
                    "WHERE kind = 'build' AND state = 'queued' AND created_at < "
                    "(SELECT started_at FROM jobs WHERE job_id = %s)",
                    [Jsonb({"merged_into": job.job_id}), job.job_id],
                )

    def get(self, job_id: int) -> QueuedJob | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM jobs WHERE job_id = %s", [job_id]).fetchone()
        return None if row is None else _job(row)

    def recent(self, limit: int = 20) -> list[QueuedJob]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT * FROM jobs ORDER BY job_id DESC LIMIT %s", [limit]
            ).fetchall()
        return [_job(r) for r in rows]

    def wait_for_work(self, timeout_s: float) -> None:
        """Sleep until a job is queued (LISTEN/NOTIFY) or `timeout_s` passes."""
        with connect(self.url) as conn:
            conn.execute("LISTEN reportqa_jobs")
            for _ in conn.notifies(timeout=timeout_s, stop_after=1):
                pass
