"""Text extracted from PDF, DOCX and HTML files, remembered by the file's bytes.

Parsing is the slow part of loading a corpus of PDFs (seconds per long report), and
a rebuild after one upload or removal would otherwise parse every file again. Keyed by
the bytes' SHA-256, the format, the extraction limits and `EXTRACTOR_VERSION`, an
entry is reused only for exactly the same input to exactly the same reader; refusals
(a zip bomb, a time-out) are remembered too, so a bad file costs its limit once.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict
from pathlib import Path

from corpus.config import CorpusTunables
from corpus.formats import Extracted, ExtractionError, ResourceLimitError
from corpus.sandbox import ISOLATED_SUFFIXES, shared_sandbox

# Bump when a reader's output changes, so entries from older code are not reused.
EXTRACTOR_VERSION = 1
CACHE_FILE = "extracted.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS extracted (
    key TEXT PRIMARY KEY,
    extracted TEXT,  -- JSON of Extracted, or NULL when the file was refused
    refusal TEXT
)
"""


class ExtractionCache:
    def __init__(self, path: Path, limits: str) -> None:
        """`limits` describes the extraction limits in force (part of every key)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.limits = limits
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)

    def _key(self, digest: str, suffix: str) -> str:
        return f"{EXTRACTOR_VERSION}|{suffix.lower()}|{self.limits}|{digest}"

    def get(self, digest: str, suffix: str) -> Extracted | None:
        """The remembered text of these bytes, or None if unknown.

        Raises:
            ExtractionError: these bytes were refused before, with that reason.
        """
        with self._lock:
            row = self._conn.execute(
                "SELECT extracted, refusal FROM extracted WHERE key = ?",
                (self._key(digest, suffix),),
            ).fetchone()
        if row is None:
            return None
        extracted, refusal = row
        if extracted is None:
            raise ExtractionError(str(refusal))
        fields = json.loads(extracted)
        return Extracted(**fields)

    def put(self, digest: str, suffix: str, outcome: Extracted | ExtractionError) -> None:
        row: tuple[str | None, str | None] = (
            (json.dumps(asdict(outcome)), None)
            if isinstance(outcome, Extracted)
            else (None, str(outcome))
        )
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO extracted (key, extracted, refusal) VALUES (?, ?, ?)",
                (self._key(digest, suffix), *row),
            )

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def extract_cached(
    path: Path, data: bytes, digest: str, config: CorpusTunables, cache: ExtractionCache | None
) -> Extracted:
    """Parse in the sandbox, or recall what these bytes gave before."""
    if cache is None or path.suffix.lower() not in ISOLATED_SUFFIXES:
        return shared_sandbox(config).extract(path, data)
    remembered = cache.get(digest, path.suffix)  # raises a remembered refusal
    if remembered is not None:
        return remembered
    try:
        extracted = shared_sandbox(config).extract(path, data)
    except ResourceLimitError:
        raise  # about this run (time, memory), not the file: tried again next build
    except ExtractionError as exc:
        cache.put(digest, path.suffix, exc)
        raise
    cache.put(digest, path.suffix, extracted)
    return extracted


def limits_key(config: CorpusTunables) -> str:
    """The limits an extraction ran under (an extraction cache key part)."""
    return (
        f"{config.max_unpacked_bytes}|{config.max_pdf_pages}|"
        f"{config.extract_timeout_seconds}|{config.extract_memory_mb}"
    )
