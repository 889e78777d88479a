"""Build an index directory from a folder of documents, then switch to it atomically.

Layout on disk:
    <index_dir>                 symlink to the live build (swapped with os.replace)
    <index_dir>.builds/<name>/  one directory per build: dense.faiss, store.sqlite3, manifest.json

Building into a fresh directory and swapping a symlink means a crash mid-build
never touches the index being served.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np
from tqdm import tqdm

from corpus.chunk import Chunker
from corpus.config import CorpusConfig
from corpus.dedupe import dedupe_chunks
from corpus.extraction_cache import CACHE_FILE as EXTRACTION_CACHE_FILE
from corpus.extraction_cache import ExtractionCache, limits_key
from corpus.load import (
    default_manifest_path,
    iter_document_files,
    load_corpus,
)
from corpus.models import Chunk, Document
from corpus.report import CorpusReport
from index.backend import BuildTarget, PreparedBuild
from index.dense import DenseIndex
from index.embedders.base import Embedder, EmbedderSpec
from index.embedders.caching import (
    CACHE_FILE,
    CachingEmbedder,
    EmbeddingCache,
    EmbedReport,
    VectorCache,
    default_cache_dir,
    encode_cached,
)
from index.embedders.parallel import PARALLEL_MIN_TEXTS, process_pool_embedder
from index.errors import ReportIndexError
from index.layout import DENSE_FILE, FORMAT_VERSION, LEXICAL_DIR, REPORT_FILE, STORE_FILE
from index.lexical import LexicalIndex
from index.manifest import Manifest
from index.store import write_store

log = logging.getLogger(__name__)

KEEP_OLD_BUILDS = 2
STALE_PARTIAL_SECONDS = 3600


@dataclass(frozen=True)
class BuildSummary:
    index_dir: Path
    location: str  # the build directory, or the database build
    documents: int
    chunks: int
    seconds: float
    manifest: Manifest
    encoded: int = 0  # chunks run through the model; the rest came from the embedding cache
    cached: int = 0
    # What cleaning and deduplication removed, repaired, skipped and merged.
    report: CorpusReport = field(default_factory=CorpusReport)
    # Nothing changed since the live build: it was kept, nothing was written.
    unchanged: bool = False

    @property
    def build_dir(self) -> Path:
        """The files backend's build directory (`location` as a path)."""
        return Path(self.location)


def corpus_hash(documents: list[Document]) -> str:
    """Hash of every document's id and metadata, in a stable order."""
    digest = hashlib.sha256()
    for doc in sorted(documents, key=lambda d: d.doc_id):
        digest.update(f"{doc.doc_id}|{doc.title}|{doc.date}|{doc.kind}|{doc.source}\n".encode())
    return digest.hexdigest()[:16]


def _index_version(model: str, chunks: list[Chunk], chunking: dict[str, int]) -> str:
    digest = hashlib.sha256(f"{model}|{sorted(chunking.items())}".encode())
    for chunk in chunks:
        digest.update(chunk.chunk_id.encode())
        for where in chunk.also_in:
            digest.update(f"+{where.doc_id}:{where.start}:{where.end}".encode())
    return digest.hexdigest()[:12]


def inputs_hash(
    documents_dir: Path,
    manifest_path: Path,
    embedder: Embedder,
    chunking: dict[str, int],
    corpus_config: CorpusConfig,
) -> str:
    """Hash of every input of a build: each file's path and bytes, the corpus manifest
    (metadata, removals), the corpus settings, the chunking and the model."""
    digest = hashlib.sha256(
        f"{FORMAT_VERSION}|{embedder.name}|{sorted(chunking.items())}|".encode()
        + corpus_config.model_dump_json().encode()
    )
    if manifest_path.is_file():
        digest.update(b"manifest|" + manifest_path.read_bytes())
    for path in iter_document_files(documents_dir):
        digest.update(f"|{path.relative_to(documents_dir).as_posix()}|".encode())
        try:
            with path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        except OSError as exc:  # the load skips it with a warning; the hash notes it
            digest.update(f"unreadable {exc.errno}".encode())
    return digest.hexdigest()[:16]


class FilesTarget:
    """Builds as directories beside `index_dir`, published by swapping its symlink."""

    def __init__(self, index_dir: Path, cache_dir: Path | None | Literal[False] = None) -> None:
        self.index_dir = index_dir
        self.cache_dir = cache_dir

    def live(self) -> tuple[str, Manifest] | None:
        try:
            return str(self.index_dir.resolve()), Manifest.read(self.index_dir)
        except ReportIndexError:
            return None

    def embedding_cache(self, embedder: Embedder) -> EmbeddingCache | None:
        if self.cache_dir is False:
            return None
        directory = self.cache_dir or default_cache_dir(self.index_dir)
        return EmbeddingCache(directory / CACHE_FILE, embedder.name, embedder.dimension)

    def publish(self, build: PreparedBuild) -> tuple[str, Manifest]:
        stamp = datetime.now(UTC)
        builds_root = self.index_dir.parent / f"{self.index_dir.name}.builds"
        build_dir = builds_root / f"{stamp:%Y%m%dT%H%M%S%fZ}-{build.manifest.index_version}"
        tmp_dir = build_dir.with_name(build_dir.name + ".partial")
        tmp_dir.mkdir(parents=True)
        DenseIndex.build(build.vectors, np.arange(len(build.chunks))).save(tmp_dir / DENSE_FILE)
        build.lexical.save(tmp_dir / LEXICAL_DIR)
        write_store(tmp_dir / STORE_FILE, build.documents, build.chunks)
        (tmp_dir / REPORT_FILE).write_text(json.dumps(build.report.to_dict(), indent=1) + "\n")
        manifest = replace(
            build.manifest,
            files={
                "dense": DENSE_FILE,
                "lexical": LEXICAL_DIR,
                "store": STORE_FILE,
                "corpus_report": REPORT_FILE,
            },
        )
        manifest.write(tmp_dir)  # written last: a build dir with a manifest is complete
        tmp_dir.rename(build_dir)
        activate(self.index_dir, build_dir)
        _prune_old_builds(builds_root, keep=build_dir)
        return str(build_dir), manifest


def build_index(
    documents_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    manifest_path: Path | None = None,
    target_tokens: int = 160,
    overlap_tokens: int = 32,
    progress: bool = True,
    on_stage: Callable[[str], None] | None = None,
    corpus_config: CorpusConfig | None = None,
    cache_dir: Path | None | Literal[False] = None,
    force: bool = False,
    target: BuildTarget | None = None,
    processes: int = 1,
) -> BuildSummary:
    """Load, clean, chunk, deduplicate, embed and save the corpus; make it the live index.

    Near-duplicate chunks are never embedded: the kept chunk lists them in `also_in`.
    Embeddings are cached by model and chunk text in `cache_dir` (default
    `<index_dir>.cache`; `False` disables it), so unchanged chunks are never re-encoded.
    When nothing the build reads has changed since the live build (see `inputs_hash`),
    the live build is kept and nothing is written, unless `force`.
    `target` is where the build is published: by default a new directory behind the
    `index_dir` symlink; the postgres backend passes its own (index/postgres/writer.py).
    `processes` > 1 encodes a large batch of new chunks in that many processes.
    """
    target = target or FilesTarget(index_dir, cache_dir)
    started = time.perf_counter()
    say = on_stage or (lambda message: log.info(message))
    corpus_config = corpus_config or CorpusConfig()
    chunking = {"target_tokens": target_tokens, "overlap_tokens": overlap_tokens}
    manifest_path = manifest_path or default_manifest_path(documents_dir)
    if not documents_dir.is_dir():
        raise FileNotFoundError(f"documents directory not found: {documents_dir}")
    fingerprint = inputs_hash(documents_dir, manifest_path, embedder, chunking, corpus_config)
    live = target.live()
    if not force and live is not None and live[1].inputs_hash == fingerprint:
        live_location, live_manifest = live
        say(f"nothing changed since index {live_manifest.index_version} was built; kept it")
        return BuildSummary(
            index_dir=index_dir,
            location=live_location,
            documents=live_manifest.documents,
            chunks=live_manifest.chunks,
            seconds=time.perf_counter() - started,
            manifest=live_manifest,
            unchanged=True,
        )

    extraction_cache = _open_extraction_cache(index_dir, corpus_config, cache_dir)
    try:
        loaded = load_corpus(documents_dir, manifest_path, corpus_config, extraction_cache)
    finally:
        if extraction_cache is not None:
            extraction_cache.close()
    documents, report = loaded.documents, loaded.report
    say(f"loaded {len(documents)} documents from {documents_dir}")
    chunker = Chunker(
        embedder.count_tokens,
        max_tokens=embedder.max_tokens,
        target_tokens=min(target_tokens, embedder.max_tokens),
        overlap_tokens=overlap_tokens,
    )
    all_chunks = chunker.chunk_all(documents)
    deduped = dedupe_chunks(all_chunks, documents, corpus_config)
    chunks = deduped.kept
    report.chunks_in, report.chunks_kept = len(all_chunks), len(chunks)
    report.near_duplicate_groups = deduped.groups
    report.near_duplicate_variants_kept = deduped.variants_kept
    say(
        f"cut {len(all_chunks)} chunks; {len(chunks)} to embed after "
        f"{len(deduped.groups)} near-duplicate groups"
    )
    vectors, embedded = embed_chunks_cached(
        embedder, chunks, target.embedding_cache(embedder), progress=progress, processes=processes
    )
    repeats = embedded.total - embedded.cached - embedded.encoded
    say(
        f"embedded {embedded.total} chunks: {embedded.encoded} encoded, {embedded.cached} from "
        f"cache, {repeats} repeated texts encoded once ({embedded.seconds:.1f} s)"
    )

    version = _index_version(embedder.name, chunks, chunking)
    prepared = PreparedBuild(
        documents=documents,
        chunks=chunks,
        vectors=vectors,
        lexical=LexicalIndex.build([c.text for c in chunks]),
        report=report,
        manifest=Manifest(
            model=embedder.name,
            dimension=embedder.dimension,
            normalized=True,
            documents=len(documents),
            chunks=len(chunks),
            corpus_hash=corpus_hash(documents),
            index_version=version,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            chunking=chunking,
            inputs_hash=fingerprint,
        ),
    )
    location, manifest = target.publish(prepared)
    return BuildSummary(
        index_dir=index_dir,
        location=location,
        documents=len(documents),
        chunks=len(chunks),
        seconds=time.perf_counter() - started,
        manifest=manifest,
        report=report,
        encoded=embedded.encoded,
        cached=embedded.cached,
    )


def _open_extraction_cache(
    index_dir: Path, corpus_config: CorpusConfig, cache_dir: Path | None | Literal[False]
) -> ExtractionCache | None:
    if cache_dir is False:
        return None
    directory = cache_dir or default_cache_dir(index_dir)
    return ExtractionCache(directory / EXTRACTION_CACHE_FILE, limits_key(corpus_config))


def embed_chunks_cached(
    embedder: Embedder,
    chunks: list[Chunk],
    cache: VectorCache | None,
    progress: bool = True,
    processes: int = 1,
) -> tuple[np.ndarray, EmbedReport]:
    """Encode the chunks not yet in `cache` (shortest first, for tight batches); at least
    `PARALLEL_MIN_TEXTS` of them in `processes` processes when that is above 1."""
    if isinstance(embedder, CachingEmbedder):
        embedder = embedder.inner  # chunk texts would only crowd the query-time LRU
    spec = getattr(embedder, "spec", None)
    bulk = None
    if processes > 1 and isinstance(spec, EmbedderSpec):

        def bulk() -> AbstractContextManager[Embedder]:
            return process_pool_embedder(embedder, spec, processes)

    # tqdm shows chunks/s and the time left.
    with tqdm(total=len(chunks), desc="embedding", unit="chunk", disable=not progress) as bar:
        try:
            return encode_cached(
                embedder,
                [c.text for c in chunks],
                cache,
                on_progress=bar.update,
                bulk=bulk,
                bulk_min=PARALLEL_MIN_TEXTS,
            )
        finally:
            if cache is not None:
                cache.close()


def activate(index_dir: Path, build_dir: Path) -> None:
    """Point `index_dir` at `build_dir` in one atomic rename."""
    link_tmp = index_dir.with_name(f".{index_dir.name}.link-{os.getpid()}")
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    link_tmp.symlink_to(os.path.relpath(build_dir, index_dir.parent))
    if index_dir.exists() and not index_dir.is_symlink():
        # A plain directory from an older layout: move it aside rather than delete it.
        index_dir.rename(index_dir.with_name(f"{index_dir.name}.previous-{int(time.time())}"))
    os.replace(link_tmp, index_dir)


def _prune_old_builds(builds_root: Path, keep: Path) -> None:
    """Keep the live build and the newest previous one (for a quick roll-back).

    Leftovers of killed builds (`*.partial`) never count as the previous build;
    they are removed once stale, so that a build still writing is left alone.
    """
    builds = sorted(
        p for p in builds_root.iterdir() if p.is_dir() and p != keep and p.suffix != ".partial"
    )
    for old in builds[: max(0, len(builds) - (KEEP_OLD_BUILDS - 1))]:
        shutil.rmtree(old, ignore_errors=True)
    for partial in builds_root.glob("*.partial"):
        if time.time() - partial.stat().st_mtime > STALE_PARTIAL_SECONDS:
            shutil.rmtree(partial, ignore_errors=True)
