"""Documents uploaded over HTTP: checked, deduplicated, stored beside the bundled corpus.

An upload is read exactly as the index build reads a file (`corpus.load.load_corpus`
on a folder holding only that file), so its `doc_id` is the one the next build will
give it; a document whose cleaned text is already indexed (or already uploaded and
waiting for a build) is not stored twice. Stored files go to
`<documents_dir>/uploads/` and their metadata into the corpus manifest, so a later
`reportqa index` sees them like any other document.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from corpus.config import CorpusConfig
from corpus.formats import SUPPORTED_SUFFIXES, ExtractionError
from corpus.load import (
    MANIFEST_NAME,
    DocumentMetadata,
    RemovedDocument,
    default_manifest_path,
    load_corpus,
    load_removed,
)
from corpus.models import Document
from corpus.sandbox import shared_sandbox
from service.errors import BadQueryError, DocumentTooLargeError, UnsupportedDocumentError

UPLOADS_DIR = "uploads"


class ChangeLog(Protocol):
    """Where uploads and removals are recorded for other machines to replay."""

    def record_upload(
        self, relative: str, data: bytes, entry: dict[str, str], doc_id: str
    ) -> None: ...

    def record_removal(self, removed: RemovedDocument) -> None: ...

    def replay(self, ingestor: DocumentIngestor) -> int:
        """Apply to `ingestor`'s folder the changes it has not seen; returns how many."""
        ...


@dataclass(frozen=True)
class StoredDocument:
    doc_id: str
    path: str  # relative to the documents folder
    duplicate: bool


def safe_stem(filename: str) -> str:
    """A file-system-safe stem of the client's file name (no directories, no dots first)."""
    stem = Path(filename.replace("\\", "/")).stem
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:60]
    return cleaned or "document"


class DocumentIngestor:
    """Validates and stores uploads; thread-safe."""

    def __init__(
        self,
        documents_dir: Path,
        manifest_path: Path | None,
        max_bytes: int,
        corpus_config: CorpusConfig | None = None,
        changes: ChangeLog | None = None,
    ) -> None:
        """`changes`, when given, also records each upload and removal where other
        machines replay them (the postgres backend's shared corpus)."""
        self.documents_dir = documents_dir
        self.changes = changes
        self.corpus_config = corpus_config or CorpusConfig()
        self.manifest_path = manifest_path or default_manifest_path(documents_dir)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._waiting: dict[str, str] = {}  # doc_id -> path, stored but not yet indexed

    def check(self, filename: str, data: bytes) -> str:
        """Refuse what the index cannot read; returns the lower-case suffix."""
        suffix = Path(filename).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            allowed = ", ".join(SUPPORTED_SUFFIXES)
            raise UnsupportedDocumentError(
                f"unsupported file type {suffix or '(none)'!r}: upload one of {allowed}"
            )
        if len(data) > self.max_bytes:
            raise DocumentTooLargeError(
                f"document too large: {len(data)} bytes, the limit is {self.max_bytes}"
            )
        if not data.strip():
            raise BadQueryError("the file is empty")
        try:
            shared_sandbox(self.corpus_config).extract(Path(f"upload{suffix}"), data)
        except ExtractionError as exc:
            raise UnsupportedDocumentError(f"cannot read the file: {exc}") from exc
        return suffix

    def store(
        self,
        filename: str,
        data: bytes,
        metadata: DocumentMetadata,
        indexed: Callable[[str], str | None],
    ) -> StoredDocument:
        """Store one upload unless its text is already known.

        Args:
            filename: the client's file name (only its stem and suffix are used).
            data: the file's bytes.
            metadata: title, date, kind, source for the manifest (None: found in the text).
            indexed: doc_id -> path of that document in the served index, or None.
        """
        suffix = self.check(filename, data)
        with tempfile.TemporaryDirectory(prefix="reportqa-upload-") as staging:
            folder = Path(staging) / "documents"
            folder.mkdir()
            (folder / f"upload{suffix}").write_bytes(data)
            entry = {k: v for k, v in asdict(metadata).items() if v is not None}
            (Path(staging) / MANIFEST_NAME).write_text(
                json.dumps({"documents": {f"upload{suffix}": entry}})
            )
            loaded = load_corpus(folder, config=self.corpus_config)
        if not loaded.documents:
            reasons = "; ".join(s.reason for s in loaded.report.skipped) or "no text"
            raise BadQueryError(f"the file holds no usable text ({reasons})")
        document = loaded.documents[0]

        with self._lock:
            existing = indexed(document.doc_id) or self._waiting.get(document.doc_id)
            if document.doc_id in load_removed(self.manifest_path):
                existing = None  # removed, perhaps not yet out of the index: stored again
            if existing is not None:
                return StoredDocument(document.doc_id, existing, duplicate=True)
            relative = f"{UPLOADS_DIR}/{safe_stem(filename)}-{document.doc_id[:8]}{suffix}"
            entry = {k: v for k, v in asdict(metadata).items() if v is not None}
            self.put(relative, data, entry, document.doc_id)
            self._waiting[document.doc_id] = relative
            if self.changes is not None:
                self.changes.record_upload(relative, data, entry, document.doc_id)
        return StoredDocument(document.doc_id, relative, duplicate=False)

    def put(self, relative: str, data: bytes, entry: dict[str, str], doc_id: str) -> None:
        """Write an accepted upload and its manifest entry (also a replayed one)."""
        target = self.documents_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(target, data)
        self._add_to_manifest(relative, entry, doc_id)

    def forget_indexed(self, indexed: Callable[[str], str | None]) -> None:
        """Drop waiting uploads that a finished build has indexed."""
        with self._lock:
            for doc_id in [d for d in self._waiting if indexed(d) is not None]:
                del self._waiting[doc_id]

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def remove(self, document: Document) -> RemovedDocument:
        """Take a document out of the corpus; the next build leaves it out.

        The document (and every file it was read from: a letter merged from several
        copies has several) is recorded under "removed" in the manifest; files this
        service stored as uploads are deleted as well, files of the operator's corpus
        folder are left in place (the record keeps them out, and deleting it undoes
        the removal).
        """
        paths = (document.path, *_copies(document))
        removed = RemovedDocument(
            document.doc_id, paths, datetime.now(UTC).isoformat(timespec="seconds")
        )
        with self._lock:
            self._waiting.pop(document.doc_id, None)
            self.record_removal(removed)
            if self.changes is not None:
                self.changes.record_removal(removed)
        return removed

    def record_removal(self, removed: RemovedDocument) -> None:
        """Record a removal in the manifest and delete its uploaded files (also replayed)."""

        def change(manifest: dict[str, Any]) -> None:
            manifest.setdefault("removed", {})[removed.doc_id] = {
                "paths": list(removed.paths),
                "removed_at": removed.removed_at,
            }

        self._edit_manifest(change)
        for path in removed.paths:
            if Path(path).parts[0] == UPLOADS_DIR:
                (self.documents_dir / path).unlink(missing_ok=True)

    def _add_to_manifest(self, relative: str, entry: dict[str, str], doc_id: str) -> None:
        def change(manifest: dict[str, Any]) -> None:
            manifest.setdefault("documents", {})[relative] = entry
            # Uploading a removed document again brings it back.
            manifest.get("removed", {}).pop(doc_id, None)

        self._edit_manifest(change)

    def _edit_manifest(self, change: Callable[[dict[str, Any]], None]) -> None:
        manifest: dict[str, Any] = {"documents": {}}
        if self.manifest_path.is_file():
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        change(manifest)
        _write_atomically(
            self.manifest_path, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
        )


def _copies(document: Document) -> list[str]:
    copies = document.extra.get("copies", [])
    return [c for c in copies if isinstance(c, str)] if isinstance(copies, list) else []


def _write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
