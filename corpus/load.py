"""Read report files and their metadata into clean, deduplicated `Document` records.

Per file: size check -> exact-duplicate check (bytes) -> extract text (formats.py)
-> repair (clean.py) -> paragraphs -> boilerplate removal -> letterhead metadata
-> repeated paragraphs/sentences collapsed (dedupe.py) -> page-split paragraphs
rejoined -> canonical text. A bad file is skipped with a warning; the rest of the
corpus is always loaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from corpus.clean import (
    Block,
    assemble,
    merge_page_splits,
    norm_key,
    remove_boilerplate,
    repair,
    source_furniture,
    split_blocks,
)
from corpus.config import CorpusConfig
from corpus.dedupe import collapse_repeats
from corpus.extraction_cache import ExtractionCache, extract_cached
from corpus.formats import SUPPORTED_SUFFIXES, Extracted, ExtractionError
from corpus.metadata import (
    Letterhead,
    extract_date,
    extract_letterhead,
    extract_title,
    guess_kind,
    letterhead_flags,
    parse_date,
)
from corpus.models import Document, MetadataValue, content_hash
from corpus.report import CorpusReport, Removal, Skipped

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class DocumentMetadata:
    title: str | None = None
    date: str | None = None
    kind: str | None = None
    source: str | None = None
    author: str | None = None


@dataclass
class LoadResult:
    """Documents of a corpus and the record of how they were cleaned.

    `inputs` maps each kept document's path to its text after repair and boilerplate
    removal but before deduplication: the words deduplication must not lose.
    """

    documents: list[Document]
    report: CorpusReport
    inputs: dict[str, str] = field(default_factory=dict)
    # A file holding the same letter as another, to another addressee -> that file.
    merged_into: dict[str, str] = field(default_factory=dict)


def default_manifest_path(documents_dir: Path) -> Path:
    """The manifest lives beside the documents folder (`corpus/manifest.json`)."""
    return documents_dir.parent / MANIFEST_NAME


def load_manifest(path: Path) -> dict[str, DocumentMetadata]:
    """Read per-file metadata; a missing manifest means every file uses defaults."""
    if not path.is_file():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: DocumentMetadata(**fields) for name, fields in raw.get("documents", {}).items()}


@dataclass(frozen=True)
class RemovedDocument:
    """A document an administrator removed: its id and the files it was read from.

    Recorded in the manifest's "removed" section rather than by deleting the corpus
    files, so that a removal is explicit, survives rebuilds, and can be undone.
    """

    doc_id: str
    paths: tuple[str, ...]
    removed_at: str


def load_removed(path: Path) -> dict[str, RemovedDocument]:
    """The manifest's removed documents by id; none without a manifest."""
    if not path.is_file():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        doc_id: RemovedDocument(doc_id, tuple(entry.get("paths", ())), entry.get("removed_at", ""))
        for doc_id, entry in raw.get("removed", {}).items()
    }


def _listing(documents_dir: Path) -> list[Path]:
    """Every file, and every symlink to a directory, under `documents_dir`, sorted.

    Symlinked directories are listed but never entered (os.walk does not follow them):
    one pointing outside the folder must not be read, and one pointing inside it is
    walked at its real place anyway.
    """
    found: list[Path] = []
    for folder, dirs, files in os.walk(documents_dir, followlinks=False):
        base = Path(folder)
        found += [base / name for name in files]
        found += [base / name for name in dirs if (base / name).is_symlink()]
    return sorted(found)


def _walk_documents(documents_dir: Path) -> Iterator[tuple[Path, str | None]]:
    """Supported files in a stable order, each with why it must not be read (None: read it).

    A symlink whose target lies outside the folder (file or directory) is refused: only
    what the user put in the documents folder may be indexed and served.
    """
    root = documents_dir.resolve()
    for path in _listing(documents_dir):
        is_dir = path.is_dir()
        if not is_dir and not (path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES):
            continue  # unsupported, or a broken or looping symlink
        target = path.resolve()
        if not target.is_relative_to(root):
            yield path, f"symlink to {target} outside the documents folder: not followed"
        elif not is_dir:
            yield path, None


def iter_document_files(documents_dir: Path) -> Iterator[Path]:
    """Supported files in a stable order, so builds are reproducible.

    Symlinks leading outside `documents_dir` are skipped with a warning.
    """
    for path, refusal in _walk_documents(documents_dir):
        if refusal is None:
            yield path
        else:
            log.warning("skipping %s: %s", path.relative_to(documents_dir).as_posix(), refusal)


@dataclass
class _Pending:
    rel: str
    meta: DocumentMetadata
    source: str
    extracted: Extracted
    blocks: list[Block]


def _skip(report: CorpusReport, rel: str, reason: str) -> None:
    log.warning("skipping %s: %s", rel, reason)
    report.skipped.append(Skipped(rel, reason))


def _read(
    path: Path,
    rel: str,
    config: CorpusConfig,
    report: CorpusReport,
    seen: dict[str, str],
    cache: ExtractionCache | None,
) -> Extracted | None:
    try:
        size = path.stat().st_size
        if size > config.max_file_bytes:
            _skip(report, rel, f"{size:,} bytes is over the {config.max_file_bytes:,}-byte limit")
            return None
        data = path.read_bytes()
    except OSError as exc:
        _skip(report, rel, f"cannot read ({exc})")
        return None
    digest = hashlib.sha256(data).hexdigest()
    if digest in seen:
        _skip(report, rel, f"identical file: same text as {seen[digest]}")
        return None
    seen[digest] = rel
    try:
        extracted = extract_cached(path, data, digest, config, cache)
    except ExtractionError as exc:
        _skip(report, rel, str(exc))
        return None
    if extracted.note:
        log.warning("%s: %s", rel, extracted.note)
    return extracted


def load_corpus(
    documents_dir: Path,
    manifest_path: Path | None = None,
    config: CorpusConfig | None = None,
    extraction_cache: ExtractionCache | None = None,
) -> LoadResult:
    """Load, clean and deduplicate every supported file under `documents_dir`.

    Bad files are skipped with a warning; exact duplicates (same bytes, or same text
    after cleaning) are kept once, preferring the file the manifest describes. With an
    `extraction_cache`, files parsed by an earlier load are not parsed again.
    """
    config = config or CorpusConfig()
    if not documents_dir.is_dir():
        raise FileNotFoundError(f"documents directory not found: {documents_dir}")
    manifest_path = manifest_path or default_manifest_path(documents_dir)
    manifest = load_manifest(manifest_path)
    removed = load_removed(manifest_path)
    removed_files = {path: r.doc_id for r in removed.values() for path in r.paths}
    report = CorpusReport()
    # Files described in the manifest go first, so that of two identical files the
    # one with curated metadata is kept.
    candidates = sorted(
        _walk_documents(documents_dir),
        key=lambda c: (c[0].relative_to(documents_dir).as_posix() not in manifest, c[0]),
    )
    seen_bytes: dict[str, str] = {}
    pending: list[_Pending] = []
    for path, refusal in candidates:
        rel = path.relative_to(documents_dir).as_posix()
        report.files_seen += 1
        if refusal is not None:
            _skip(report, rel, refusal)
            continue
        if rel in removed_files:
            _skip(report, rel, f"removed (document {removed_files[rel]})")
            continue
        extracted = _read(path, rel, config, report, seen_bytes, extraction_cache)
        if extracted is None:
            continue
        report.chars_in += sum(len(page) for page in extracted.pages)
        pages = [repair(page, config, report.repairs) for page in extracted.pages]
        meta = manifest.get(rel, DocumentMetadata())
        folder = path.parent.relative_to(documents_dir).as_posix()
        source = meta.source or ("unknown" if folder == "." else folder)
        pending.append(_Pending(rel, meta, source, extracted, split_blocks(pages)))

    furniture = source_furniture(((p.source, p.blocks) for p in pending), config)
    documents: dict[str, Document] = {}
    inputs: dict[str, str] = {}
    letters: dict[str, str] = {}  # letter body key -> doc id
    merged_into: dict[str, str] = {}
    for item in pending:
        blocks, removals = remove_boilerplate(
            item.blocks, item.rel, config, furniture.get(item.source, frozenset())
        )
        input_text, _ = assemble(blocks, paged=False)
        letterhead = extract_letterhead(blocks)
        title_guess = extract_title(blocks) if blocks else None
        date_guess = extract_date(blocks)
        kind_guess = guess_kind(blocks, letterhead)
        blocks, repeats = collapse_repeats(blocks, item.rel, config)
        blocks = merge_page_splits(blocks, report.repairs)
        text, page_starts = assemble(blocks, paged=item.extracted.paged)
        if not text:
            _skip(report, item.rel, "no text left after cleaning (empty or only boilerplate)")
            continue
        doc_id = content_hash(text)
        if doc_id in removed:
            _skip(report, item.rel, f"removed (document {doc_id})")
            continue
        if doc_id in documents:
            _skip(report, item.rel, f"same text as {documents[doc_id].path} after cleaning")
            continue
        body_key = _letter_body_key(blocks) if letterhead.addressees else None
        if body_key is not None and body_key in letters:
            target = documents[letters[body_key]]
            documents[target.doc_id] = _add_copy(target, item.rel, letterhead)
            _skip(
                report,
                item.rel,
                f"same letter as {target.path} to another addressee; "
                f"its addressee is added to {target.path}'s metadata",
            )
            flags = letterhead_flags(blocks)
            headers = [b.text for b, f in zip(blocks, flags, strict=True) if f]
            report.removals.append(
                Removal(
                    item.rel,
                    "letter-copy-file",
                    f"same letter as {target.path}",
                    "\n".join(headers),
                    kept_in="metadata",
                )
            )
            merged_into[item.rel] = target.path
            inputs[item.rel] = input_text
            continue
        if body_key is not None:
            letters[body_key] = doc_id
        extra: dict[str, MetadataValue] = {}
        if item.meta.author:
            extra["author"] = item.meta.author
        if letterhead.addressees:
            extra["addressees"] = letterhead.addressees
        if letterhead.signatories:
            extra["signatories"] = letterhead.signatories
        people = [a["name"] for a in letterhead.addressees]
        people += [s.split(",")[0] for s in letterhead.signatories]
        if people:
            extra["people"] = list(dict.fromkeys(people))
        organisations = [a["organisation"] for a in letterhead.addressees if "organisation" in a]
        if organisations:
            extra["organisations"] = list(dict.fromkeys(organisations))
        if item.extracted.paged:
            extra["pages"] = str(len(item.extracted.pages))
        meta = item.meta
        documents[doc_id] = Document(
            doc_id=doc_id,
            text=text,
            title=meta.title or item.extracted.title or title_guess or "Untitled",
            date=meta.date
            or (parse_date(item.extracted.date) if item.extracted.date else None)
            or date_guess,
            kind=meta.kind or kind_guess,
            source=item.source,
            path=item.rel,
            extra=extra,
            page_starts=page_starts,
        )
        inputs[item.rel] = input_text
        report.removals.extend(removals + repeats)
    kept = sorted(documents.values(), key=lambda d: d.path)
    report.documents = len(kept)
    report.chars_out = sum(len(d.text) for d in kept)
    return LoadResult(documents=kept, report=report, inputs=inputs, merged_into=merged_into)


def _letter_body_key(blocks: list[Block]) -> str:
    """A letter's text without its addressee and salutation."""
    flags = letterhead_flags(blocks)
    return content_hash(
        "\n".join(norm_key(b.text) for b, f in zip(blocks, flags, strict=True) if not f)
    )


def _add_copy(doc: Document, path: str, letterhead: Letterhead) -> Document:
    """`doc` with another copy of it, in file `path`, merged in: the copy's file and its
    addressees (people, organisations) are added to the metadata."""
    extra = dict(doc.extra)
    for key, values in (
        ("copies", [path]),
        ("addressees", letterhead.addressees),
        ("people", [a["name"] for a in letterhead.addressees]),
        (
            "organisations",
            [a["organisation"] for a in letterhead.addressees if "organisation" in a],
        ),
    ):
        current = list(extra.get(key, []))
        current += [v for v in values if v not in current]
        if current:
            extra[key] = current  # type: ignore[assignment]
    return replace(doc, extra=extra)


def load_documents(
    documents_dir: Path, manifest_path: Path | None = None, config: CorpusConfig | None = None
) -> list[Document]:
    """The documents of `load_corpus`, without the cleaning report."""
    return load_corpus(documents_dir, manifest_path, config).documents
