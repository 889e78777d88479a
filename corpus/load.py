"""Read report files and their metadata into `Document` records."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus.clean import normalise_text
from corpus.models import Document, content_hash

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md")
MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class DocumentMetadata:
    title: str | None = None
    date: str | None = None
    kind: str = "report"
    source: str = "unknown"
    author: str | None = None


def default_manifest_path(documents_dir: Path) -> Path:
    """The manifest lives beside the documents folder (`corpus/manifest.json`)."""
    return documents_dir.parent / MANIFEST_NAME


def load_manifest(path: Path) -> dict[str, DocumentMetadata]:
    """Read per-file metadata; a missing manifest means every file uses defaults."""
    if not path.is_file():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: DocumentMetadata(**fields) for name, fields in raw.get("documents", {}).items()}


def iter_document_files(documents_dir: Path) -> Iterator[Path]:
    """Supported files in a stable order, so builds are reproducible."""
    for path in sorted(documents_dir.rglob("*")):
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
            yield path


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "Untitled")


def load_document(path: Path, meta: DocumentMetadata, relative_to: Path) -> Document | None:
    """Read one file; returns None (with a warning) when it holds no usable text."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("skipping %s: cannot read as UTF-8 text (%s)", path, exc)
        return None
    text = normalise_text(raw)
    if not text:
        log.warning("skipping %s: empty after cleaning", path)
        return None
    extra: dict[str, str | list[str]] = {}
    if meta.author:
        extra["author"] = meta.author
    return Document(
        doc_id=content_hash(text),
        text=text,
        title=meta.title or _first_line(text),
        date=meta.date,
        kind=meta.kind,
        source=meta.source,
        path=path.relative_to(relative_to).as_posix(),
        extra=extra,
    )


def load_documents(documents_dir: Path, manifest_path: Path | None = None) -> list[Document]:
    """Load every supported file under `documents_dir`.

    Bad files are skipped with a warning; exact duplicates (same cleaned text) are
    kept once, preferring the file the manifest describes.
    """
    if not documents_dir.is_dir():
        raise FileNotFoundError(f"documents directory not found: {documents_dir}")
    manifest = load_manifest(manifest_path or default_manifest_path(documents_dir))
    documents: dict[str, Document] = {}
    # Files described in the manifest go first, so that of two identical files the
    # one with curated metadata is kept.
    paths = sorted(
        iter_document_files(documents_dir),
        key=lambda p: (p.relative_to(documents_dir).as_posix() not in manifest, p),
    )
    for path in paths:
        rel = path.relative_to(documents_dir).as_posix()
        doc = load_document(path, manifest.get(rel, DocumentMetadata()), documents_dir)
        if doc is None:
            continue
        if doc.doc_id in documents:
            log.warning("skipping %s: same text as %s", rel, documents[doc.doc_id].path)
            continue
        documents[doc.doc_id] = doc
    return sorted(documents.values(), key=lambda d: d.path)
