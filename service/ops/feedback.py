"""Answer feedback (POST /feedback): stored, listed for reviewers, exported as gold.

Two stores behind one interface (`FeedbackBackend`), chosen by `open_feedback_store`:
on the files backend one SQLite file here, on the postgres backend a table of the
database that every replica shares (`service.ops.feedback_postgres`).

The SQLite file lies beside the index, never inside a build directory: builds are
replaced and pruned, feedback must outlive them (default `var/index.feedback.sqlite3`).
Each call opens its own connection, so the thread-pool workers of the API (and several
server processes) can write at once; WAL lets readers and one writer proceed together.

`export_gold` writes feedback as candidate lines for a gold file (eval/gold/README.md):
a correction or an answer marked helpful becomes the answer; an unhelpful answer
without a correction has no answer to propose, so it is written commented out for a
reviewer to complete. Every candidate is tagged `needs-review`.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol, TextIO

from service.errors import IndexUnavailableError, StorageFullError
from service.settings import Settings

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,             -- ISO 8601, UTC
    api_key_name TEXT,                    -- the caller's key name; NULL when keys are off
    question TEXT NOT NULL,
    answer TEXT NOT NULL,                 -- the answer shown; '' for an abstention
    helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    correction TEXT,                      -- what the answer should be, when the user said
    citations TEXT NOT NULL DEFAULT '[]', -- JSON [{"doc_id", "start", "end"}]
    history TEXT NOT NULL DEFAULT '[]',   -- JSON [{"role", "content"}], oldest first
    index_version TEXT,                   -- the client's, else the one served
    confidence REAL
);
CREATE INDEX IF NOT EXISTS feedback_helpful ON feedback (helpful, id);
"""
_COLUMNS = (
    "id, created_at, api_key_name, question, answer, helpful, correction, citations, "
    "history, index_version, confidence"
)
BUSY_TIMEOUT_S = 10.0

ExportScope = Literal["unhelpful", "all"]


class FeedbackStoreError(IndexUnavailableError):
    """The feedback file cannot be opened or written (answered 503, like a missing index)."""


def feedback_path(settings: Settings) -> Path:
    """`feedback_path`, or `<index_dir>.feedback.sqlite3` beside the live index symlink."""
    if settings.feedback_path is not None:
        return Path(settings.feedback_path)
    index_dir = Path(settings.index_dir)
    return index_dir.parent / f"{index_dir.name}.feedback.sqlite3"


@dataclass(frozen=True)
class CitedSpan:
    doc_id: str
    start: int
    end: int


@dataclass(frozen=True)
class HistoryTurn:
    role: str
    content: str


@dataclass(frozen=True, kw_only=True)
class Feedback:
    """One judgement of one answer, as received."""

    question: str
    answer: str
    helpful: bool
    correction: str | None = None
    citations: tuple[CitedSpan, ...] = ()
    history: tuple[HistoryTurn, ...] = ()
    index_version: str | None = None
    confidence: float | None = None
    api_key_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class FeedbackRecord(Feedback):
    """A stored feedback: its id and when it arrived."""

    id: int
    created_at: str


class FeedbackBackend(Protocol):
    """Where feedback is kept: what the routes and the export need of a store.

    Raises FeedbackStoreError (503) when the store cannot be reached, StorageFullError
    (507) from `add` once it holds `REPORTQA_FEEDBACK_MAX_ROWS` entries.
    """

    def add(self, feedback: Feedback) -> FeedbackRecord: ...

    def count(self, helpful: bool | None = None) -> int: ...

    def recent(
        self, limit: int = 50, offset: int = 0, helpful: bool | None = None
    ) -> list[FeedbackRecord]:
        """Newest first."""
        ...

    def oldest_first(self, helpful: bool | None = None) -> list[FeedbackRecord]: ...

    def require_readable(self) -> None:
        """Raises FileNotFoundError, saying why, when there is no store to read (reading
        never creates one)."""
        ...


def open_feedback_store(settings: Settings) -> FeedbackBackend:
    """The database's table on the postgres backend, so all replicas share it; else the
    SQLite file of `feedback_path`."""
    if settings.backend == "postgres":
        from service.ops.backend import database_url
        from service.ops.feedback_postgres import PostgresFeedbackStore

        return PostgresFeedbackStore(database_url(settings), settings.feedback_max_rows)
    return FeedbackStore(feedback_path(settings), settings.feedback_max_rows)


class FeedbackStore:
    """The feedback SQLite file; created (with its folder) on the first use, not before."""

    def __init__(self, path: Path, max_rows: int | None = None) -> None:
        self.path = Path(path)
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._ready = False

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    def require_readable(self) -> None:
        if not self.exists:
            raise FileNotFoundError(
                f"no feedback store at {self.path} (no feedback received yet? --db or "
                "REPORTQA_FEEDBACK_PATH names another)"
            )

    def add(self, feedback: Feedback) -> FeedbackRecord:
        created_at = datetime.now(UTC).isoformat(timespec="seconds")
        row = (
            created_at,
            feedback.api_key_name,
            feedback.question,
            feedback.answer,
            int(feedback.helpful),
            feedback.correction,
            json.dumps([span.__dict__ for span in feedback.citations]),
            json.dumps([turn.__dict__ for turn in feedback.history], ensure_ascii=False),
            feedback.index_version,
            feedback.confidence,
        )
        with self._connection() as connection, connection:
            if self.max_rows is not None:
                (held,) = connection.execute("SELECT count(*) FROM feedback").fetchone()
                if held >= self.max_rows:
                    raise StorageFullError(
                        f"feedback store is full ({held} entries, REPORTQA_FEEDBACK_MAX_ROWS): "
                        "export it with `reportqa feedback export` and clear it"
                    )
            cursor = connection.execute(
                f"INSERT INTO feedback ({_COLUMNS.removeprefix('id, ')}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            new_id = cursor.lastrowid
        assert new_id is not None
        return FeedbackRecord(id=new_id, created_at=created_at, **feedback.__dict__)

    def count(self, helpful: bool | None = None) -> int:
        where, parameters = _helpful_filter(helpful)
        with self._connection() as connection:
            query = f"SELECT COUNT(*) FROM feedback{where}"
            (total,) = connection.execute(query, parameters).fetchone()
        return int(total)

    def recent(
        self, limit: int = 50, offset: int = 0, helpful: bool | None = None
    ) -> list[FeedbackRecord]:
        """Newest first."""
        where, parameters = _helpful_filter(helpful)
        with self._connection() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM feedback{where} ORDER BY id DESC LIMIT ? OFFSET ?",
                (*parameters, limit, offset),
            ).fetchall()
        return [_record(row) for row in rows]

    def oldest_first(self, helpful: bool | None = None) -> list[FeedbackRecord]:
        """Oldest first."""
        where, parameters = _helpful_filter(helpful)
        with self._connection() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM feedback{where} ORDER BY id", parameters
            ).fetchall()
        return [_record(row) for row in rows]

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            self._prepare()
            with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)) as connection:
                connection.row_factory = sqlite3.Row
                yield connection
        except (sqlite3.Error, OSError) as exc:  # OSError: its folder cannot be made
            raise FeedbackStoreError(f"feedback store {self.path} unavailable: {exc}") from exc

    def _prepare(self) -> None:
        """Create the folder, the file and the table once per process."""
        with self._lock:
            if self._ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)) as connection:
                (version,) = connection.execute("PRAGMA user_version").fetchone()
                if version > SCHEMA_VERSION:
                    raise sqlite3.DatabaseError(
                        f"written by a newer reportqa (schema {version} > {SCHEMA_VERSION})"
                    )
                # WAL is a property of the file: set once, it holds for every connection.
                connection.execute("PRAGMA journal_mode=WAL")
                connection.executescript(_SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                connection.commit()
            self._ready = True


def _helpful_filter(helpful: bool | None) -> tuple[str, tuple[int, ...]]:
    return ("", ()) if helpful is None else (" WHERE helpful = ?", (int(helpful),))


def _record(row: sqlite3.Row) -> FeedbackRecord:
    return FeedbackRecord(
        id=row["id"],
        created_at=row["created_at"],
        api_key_name=row["api_key_name"],
        question=row["question"],
        answer=row["answer"],
        helpful=bool(row["helpful"]),
        correction=row["correction"],
        citations=tuple(CitedSpan(**span) for span in json.loads(row["citations"])),
        history=tuple(HistoryTurn(**turn) for turn in json.loads(row["history"])),
        index_version=row["index_version"],
        confidence=row["confidence"],
    )


# --- export as gold-file candidates ---------------------------------------------------


@dataclass(frozen=True)
class GoldExport:
    corrected: int = 0
    helpful: int = 0
    to_answer: int = 0  # written commented out: no answer to propose

    @property
    def written(self) -> int:
        return self.corrected + self.helpful + self.to_answer

    def summary(self) -> str:
        return (
            f"{self.written} gold candidates: {self.corrected} corrected, {self.helpful} "
            f"helpful, {self.to_answer} to answer (commented out)"
        )


def gold_candidate(record: FeedbackRecord) -> dict[str, object]:
    """A gold line (eval/datasets.py `GoldQuestion`) proposed by `record`.

    Without a correction, an unhelpful record's `answers` is empty while `answerable`
    stays true: read_gold refuses that until a reviewer writes the answer (or marks
    the question unanswerable).
    """
    tags = ["feedback", "needs-review"]
    if record.correction:
        answers, answerable = [record.correction], True
        tags.append("corrected")
    elif record.helpful:
        # A helpful abstention says the reports hold no answer.
        answers = [record.answer] if record.answer.strip() else []
        answerable = bool(answers)
        tags.append("helpful")
    else:
        answers, answerable = [], True
        tags.append("unhelpful")
    line: dict[str, object] = {
        "id": f"feedback-{record.id}",
        "question": record.question,
        "type": "untyped" if answerable else "unanswerable",
        "answerable": answerable,
        "answers": answers,
        "tags": tags,
    }
    if record.history:
        line["history"] = [turn.__dict__ for turn in record.history]
    return line


def export_gold(records: Sequence[FeedbackRecord], out: TextIO, scope: ExportScope) -> GoldExport:
    """Write `records` (all, or only the unhelpful ones) as JSON Lines gold candidates.

    Each line is preceded by a `#` comment saying where it came from (read_gold skips
    comments), so a reviewer sees the answer that was shown and what it cited.
    """
    counts = {"corrected": 0, "helpful": 0, "to_answer": 0}
    out.write(
        "# Gold candidates from answer feedback (reportqa feedback export): review each,\n"
        "# set its type and evidence, then move it into a gold file (eval/gold/README.md).\n"
    )
    for record in records:
        if scope == "unhelpful" and record.helpful:
            continue
        line = _one_line(json.dumps(gold_candidate(record), ensure_ascii=False))
        out.write(f"# {_provenance(record)}\n")
        if record.correction:
            counts["corrected"] += 1
        elif record.helpful:
            counts["helpful"] += 1
        else:
            counts["to_answer"] += 1
            out.write("# no answer proposed: write it into answers, then remove the '# '\n# ")
        out.write(line + "\n")
    return GoldExport(**counts)


def export_gold_file(store: FeedbackBackend, out: Path | None, scope: ExportScope) -> GoldExport:
    """`export_gold` of `store` into the file `out` (its folder made), or standard output.

    Raises:
        FileNotFoundError: `store` does not exist (it is not created for reading).
    """
    store.require_readable()
    records = store.oldest_first(helpful=False if scope == "unhelpful" else None)
    if out is None:
        return export_gold(records, sys.stdout, scope)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        return export_gold(records, handle, scope)


def _provenance(record: FeedbackRecord) -> str:
    verdict = "helpful" if record.helpful else "not helpful"
    cited = ", ".join(f"{c.doc_id}[{c.start}:{c.end}]" for c in record.citations) or "nothing"
    confidence = f"{record.confidence:.2f}" if record.confidence is not None else "?"
    return _one_line(
        f"feedback {record.id}, {record.created_at}, key {record.api_key_name or '-'}, "
        f"index {record.index_version or '?'}: {verdict}; shown "
        f"{json.dumps(record.answer, ensure_ascii=False)} (confidence {confidence}), "
        f"citing {cited}"
    )


def _one_line(text: str) -> str:
    # json.dumps escapes control characters but not these, which str.splitlines (and so
    # the gold reader) takes as line breaks; escaped, the JSON means the same.
    for char in ("\x85", "\u2028", "\u2029"):
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text
