"""The corpus shared by replicas and workers on the postgres backend.

An upload or removal made on any replica is stored by that replica as usual and
also appended to `corpus_changes` with the file's bytes; a worker, on any machine,
replays the changes it has not seen into its own corpus folder before it builds.
The number of the last change applied is kept beside the corpus manifest, so a
replay is incremental and a worker that restarts does not apply a change twice.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from corpus.load import RemovedDocument
from index.postgres.schema import connect, require_schema
from service.ops.ingest import DocumentIngestor

log = logging.getLogger(__name__)

MARKER_NAME = ".reportqa-applied-change"


class SharedCorpus:
    """`corpus_changes` in the database: the `ChangeLog` of every replica's ingestor."""

    def __init__(self, url: str) -> None:
        self.url = url

    def record_upload(self, relative: str, data: bytes, entry: dict[str, str], doc_id: str) -> None:
        self._append("add", doc_id, relative, data, entry)

    def record_removal(self, removed: RemovedDocument) -> None:
        self._append(
            "remove",
            removed.doc_id,
            removed.paths[0],
            None,
            {"paths": list(removed.paths), "removed_at": removed.removed_at},
        )

    def _append(
        self, action: str, doc_id: str, path: str, content: bytes | None, entry: dict[str, Any]
    ) -> None:
        with connect(self.url) as conn:
            conn.execute(
                "INSERT INTO corpus_changes (action, doc_id, path, content, entry) "
                "VALUES (%s, %s, %s, %s, %s)",
                [action, doc_id, path, content, Jsonb(entry)],
            )

    def replay(self, ingestor: DocumentIngestor) -> int:
        """Apply the changes this corpus folder has not seen; returns how many."""
        marker = ingestor.manifest_path.with_name(MARKER_NAME)
        applied = int(marker.read_text().strip() or 0) if marker.is_file() else 0
        with connect(self.url) as conn, conn.cursor(row_factory=dict_row) as cur:
            require_schema(conn)
            rows = cur.execute(
                "SELECT * FROM corpus_changes WHERE change_no > %s ORDER BY change_no",
                [applied],
            ).fetchall()
        for row in rows:
            if row["action"] == "add":
                ingestor.put(row["path"], bytes(row["content"]), row["entry"], row["doc_id"])
            else:
                entry = row["entry"]
                ingestor.record_removal(
                    RemovedDocument(row["doc_id"], tuple(entry["paths"]), entry["removed_at"])
                )
            applied = int(row["change_no"])
            _write_marker(marker, applied)  # after each: a crash replays no change twice
        if rows:
            log.info("replayed %d corpus changes (up to %d)", len(rows), applied)
        return len(rows)


def _write_marker(marker: Path, change_no: int) -> None:
    staged = marker.with_name(marker.name + ".tmp")
    staged.write_text(f"{change_no}\n")
    staged.replace(marker)
