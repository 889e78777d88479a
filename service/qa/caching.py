"""The query path without waste: encoder chosen by settings, warm caches, repeated questions.

- The query embedder is wrapped in a text -> vector LRU (`CachingEmbedder`), and at
  start-up every corpus sentence (up to `warm_sentences`) is put in it, read from the
  persistent embedding cache when a previous start already encoded it. The answer
  stage encodes the sentences of the top passages per request; with the warm LRU it
  only encodes the question.
- `AskCache` remembers whole responses to repeated questions for one index version.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from cachetools import LRUCache

from corpus.sentences import sentence_spans
from index.embedders.base import Embedder, load_embedder
from index.embedders.caching import CACHE_FILE, CachingEmbedder, EmbeddingCache, default_cache_dir
from index.reader import ReportIndex
from service.qa.contract import AskRequest, AskResponse
from service.settings import Settings

log = logging.getLogger(__name__)


def onnx_dir(settings: Settings) -> Path:
    return Path(settings.onnx_dir or Path(settings.index_dir).parent / "models")


def embedding_cache_dir(settings: Settings) -> Path:
    return Path(settings.embedding_cache_dir or default_cache_dir(Path(settings.index_dir)))


def settings_embedder(settings: Settings) -> Embedder:
    """The encoder named by the settings (torch or ONNX), not yet cached or warmed."""
    return load_embedder(
        settings.encoder_backend,
        settings.model_path,
        onnx_dir=onnx_dir(settings),
        onnx_optimize=settings.onnx_optimize,
        threads=settings.encoder_threads,
    )


def corpus_sentences(index: ReportIndex, limit: int) -> list[str]:
    """Distinct sentences of the indexed chunks, as the answer stage cuts them, at most `limit`."""
    sentences: dict[str, None] = {}
    for text in index.store.chunk_texts(limit):  # every chunk holds at least one sentence
        for start, end in sentence_spans(text):
            sentences[text[start:end]] = None
            if len(sentences) >= limit:
                return list(sentences)
    return list(sentences)


def warm_embedder(embedder: CachingEmbedder, index: ReportIndex, settings: Settings) -> None:
    """Fill the LRU with the corpus sentences, encoding only those no earlier start cached."""
    limit = min(settings.warm_sentences, settings.sentence_cache_size)
    if limit <= 0:
        return
    sentences = corpus_sentences(index, limit)
    cache = None
    try:
        cache = EmbeddingCache(
            embedding_cache_dir(settings) / CACHE_FILE, embedder.name, embedder.dimension
        )
    except OSError as exc:  # a read-only disk must not stop the service
        log.warning("embedding cache unavailable (%s); encoding sentences in memory only", exc)
    try:
        report = embedder.warm(sentences, cache)
    finally:
        if cache is not None:
            cache.close()
    log.info(
        "warmed %d corpus sentences (%d encoded, %d from cache) in %.1f s",
        report.total,
        report.encoded,
        report.cached,
        report.seconds,
    )


class AskCache:
    """Thread-safe LRU of responses keyed by the whole request and the index version."""

    def __init__(self, size: int) -> None:
        self._lru: LRUCache[tuple[str, str], AskResponse] | None = (
            LRUCache(maxsize=size) if size > 0 else None
        )
        self._lock = threading.Lock()

    @staticmethod
    def key(request: AskRequest, index_version: str) -> tuple[str, str]:
        return request.model_dump_json(), index_version

    def get(self, request: AskRequest, index_version: str) -> AskResponse | None:
        if self._lru is None:
            return None
        with self._lock:
            return self._lru.get(self.key(request, index_version))

    def put(self, request: AskRequest, index_version: str, response: AskResponse) -> None:
        if self._lru is None:
            return
        with self._lock:
            self._lru[self.key(request, index_version)] = response
