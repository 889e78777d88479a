"""Answer feedback in the postgres backend's database, shared by every replica.

The `feedback` table (a migration in `index/postgres/schema.py`) has the SQLite store's
columns, so POST /feedback, GET /admin/feedback and `reportqa feedback export` behave
the same on either backend, whichever replica a request reaches. Feedback is rare (a
person's click), so each call opens its own connection rather than keeping a pool.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from index.errors import DatabaseUnavailableError
from index.postgres.schema import connect
from service.errors import StorageFullError
from service.ops.feedback import (
    CitedSpan,
    Feedback,
    FeedbackRecord,
    FeedbackStoreError,
    HistoryTurn,
)

_COLUMNS = (
    "id, created_at, api_key_name, question, answer, helpful, correction, citations, "
    "history, index_version, confidence"
)
# Serialises adds, so replicas adding at once cannot pass the row bound together.
_ADD_LOCK = "SELECT pg_advisory_xact_lock(hashtext('reportqa_feedback'))"


class PostgresFeedbackStore:
    """The `feedback` table; a `FeedbackBackend` (service.ops.feedback)."""

    def __init__(self, url: str, max_rows: int | None = None) -> None:
        self.url = url
        self.max_rows = max_rows

    def add(self, feedback: Feedback) -> FeedbackRecord:
        row = {
            "api_key_name": _text(feedback.api_key_name),
            "question": _text(feedback.question),
            "answer": _text(feedback.answer),
            "helpful": feedback.helpful,
            "correction": _text(feedback.correction),
            "citations": Jsonb([span.__dict__ for span in feedback.citations]),
            "history": Jsonb(
                [{"role": _text(t.role), "content": _text(t.content)} for t in feedback.history]
            ),
            "index_version": _text(feedback.index_version),
            "confidence": feedback.confidence,
        }
        with self._connection(transaction=True) as conn:
            if self.max_rows is not None:
                conn.execute(_ADD_LOCK)
                found = conn.execute("SELECT count(*) AS n FROM feedback").fetchone()
                held = int(found["n"]) if found else 0
                if held >= self.max_rows:
                    raise StorageFullError(
                        f"feedback store is full ({held} entries, REPORTQA_FEEDBACK_MAX_ROWS): "
                        "export it with `reportqa feedback export` and clear it"
                    )
            stored = conn.execute(
                f"INSERT INTO feedback ({_COLUMNS.removeprefix('id, created_at, ')}) VALUES "
                "(%(api_key_name)s, %(question)s, %(answer)s, %(helpful)s, %(correction)s, "
                "%(citations)s, %(history)s, %(index_version)s, %(confidence)s) "
                f"RETURNING {_COLUMNS}",
                row,
            ).fetchone()
        assert stored is not None
        return _record(stored)

    def count(self, helpful: bool | None = None) -> int:
        where, parameters = _helpful_filter(helpful)
        with self._connection() as conn:
            found = conn.execute(f"SELECT count(*) AS n FROM feedback{where}", parameters)
            total = found.fetchone()
        return int(total["n"]) if total else 0

    def recent(
        self, limit: int = 50, offset: int = 0, helpful: bool | None = None
    ) -> list[FeedbackRecord]:
        """Newest first."""
        where, parameters = _helpful_filter(helpful)
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM feedback{where} ORDER BY id DESC LIMIT %s OFFSET %s",
                [*parameters, limit, offset],
            ).fetchall()
        return [_record(row) for row in rows]

    def oldest_first(self, helpful: bool | None = None) -> list[FeedbackRecord]:
        """Oldest first."""
        where, parameters = _helpful_filter(helpful)
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM feedback{where} ORDER BY id", parameters
            ).fetchall()
        return [_record(row) for row in rows]

    def require_readable(self) -> None:
        """Raises FileNotFoundError when the database has no feedback table (not migrated),
        DatabaseUnavailableError when it cannot be reached."""
        with connect(self.url) as conn:
            found = conn.execute("SELECT to_regclass('feedback') IS NOT NULL").fetchone()
        if not found or not found[0]:
            raise FileNotFoundError("the database has no feedback table: run `reportqa db migrate`")

    @contextmanager
    def _connection(self, transaction: bool = False) -> Iterator[psycopg.Connection[Any]]:
        try:
            with connect(self.url, autocommit=not transaction) as conn:
                conn.row_factory = dict_row  # type: ignore[assignment]
                yield conn
        except (psycopg.Error, DatabaseUnavailableError) as exc:
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise FeedbackStoreError(f"feedback store (database) unavailable: {detail}") from exc


def _helpful_filter(helpful: bool | None) -> tuple[str, list[bool]]:
    return ("", []) if helpful is None else (" WHERE helpful = %s", [helpful])


def _text(value: str | None) -> str | None:
    # PostgreSQL text and jsonb cannot hold NUL, which SQLite and JSON bodies can: it is
    # kept as U+FFFD rather than refusing the feedback it arrived in.
    return value.replace("\x00", "\ufffd") if value is not None else None


def _record(row: dict[str, Any]) -> FeedbackRecord:
    return FeedbackRecord(
        id=int(row["id"]),
        # The SQLite store's form: ISO 8601 in UTC, to the second.
        created_at=row["created_at"].astimezone(UTC).isoformat(timespec="seconds"),
        api_key_name=row["api_key_name"],
        question=row["question"],
        answer=row["answer"],
        helpful=bool(row["helpful"]),
        correction=row["correction"],
        citations=tuple(CitedSpan(**span) for span in row["citations"]),
        history=tuple(HistoryTurn(**turn) for turn in row["history"]),
        index_version=row["index_version"],
        confidence=row["confidence"],
    )
