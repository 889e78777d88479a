"""Start-up warm-up: every corpus sentence encoded once, so a request encodes only its question.

The query embedder is wrapped in a text -> vector LRU (`CachingEmbedder`); at start-up
every corpus sentence (up to `warm_sentences`) is put in it, read from the persistent
embedding cache when a previous start already encoded it.
"""

from __future__ import annotations

import logging

from corpus.sentences import answer_spans, wrapped_sentence
from index.backend import IndexReader
from index.embedders.caching import CACHE_FILE, CachingEmbedder, EmbeddingCache
from service.qa.encoder import embedding_cache_dir
from service.settings import Settings

log = logging.getLogger(__name__)


def corpus_sentences(index: IndexReader, limit: int) -> list[str]:
    """Distinct sentences of the indexed chunks, as the answer stage cuts them, then the
    whole sentences the lines of wrapped paragraphs are parts of; at most `limit`."""
    sentences: dict[str, None] = {}
    for text in index.chunk_texts(limit):  # every chunk holds at least one sentence
        for start, end in answer_spans(text):
            sentences[text[start:end]] = None
            if len(sentences) >= limit:
                return list(sentences)
    for document in index.documents():
        text = document.text
        for start, end in answer_spans(text):
            whole = text[slice(*wrapped_sentence(text, start, end))]
            if whole != text[start:end]:
                sentences[whole] = None
                if len(sentences) >= limit:
                    return list(sentences)
    return list(sentences)


def warm_embedder(embedder: CachingEmbedder, index: IndexReader, settings: Settings) -> None:
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
