"""Shared checks for corpus tests: the nothing-lost property."""

from __future__ import annotations

import re

from corpus.chunk import Chunker
from corpus.clean import norm_key
from corpus.config import CorpusConfig
from corpus.dedupe import ChunkDedupe, dedupe_chunks
from corpus.load import LoadResult
from corpus.models import Document
from corpus.sentences import sentence_spans


def word_chunker() -> Chunker:
    """A fast chunker counting words instead of model tokens."""
    return Chunker(
        lambda text: len(text.split()), max_tokens=80, target_tokens=50, overlap_tokens=8
    )


def chunk_and_dedupe(result: LoadResult, config: CorpusConfig | None = None) -> ChunkDedupe:
    chunks = word_chunker().chunk_all(result.documents)
    return dedupe_chunks(chunks, result.documents, config or CorpusConfig())


def _metadata_text(doc: Document) -> str:
    parts: list[str] = []
    for value in doc.extra.values():
        if isinstance(value, str):
            parts.append(value)
        else:
            for item in value:
                parts.extend(item.values() if isinstance(item, dict) else [item])
    return norm_key(" \n ".join(parts))


# Where sentences are glued without a space: "children.children".
_GLUED = re.compile(r"(?<=[.!?])(?=[^\W\d_])")


def lost_sentences(result: LoadResult, dedupe: ChunkDedupe) -> list[tuple[str, str]]:
    """Sentences of the de-boilerplated inputs found in no kept chunk, also_in or metadata.

    Returns (path, sentence) pairs; empty when nothing was lost.
    """
    docs = {d.doc_id: d for d in result.documents}
    spans: dict[str, list[tuple[int, int]]] = {doc_id: [] for doc_id in docs}
    for chunk in dedupe.kept:
        spans[chunk.doc_id].append((chunk.start, chunk.end))
        for where in chunk.also_in:
            spans[where.doc_id].append((where.start, where.end))
    covered: list[str] = []
    for doc_id, intervals in spans.items():
        merged: list[list[int]] = []
        text = docs[doc_id].text
        for start, end in sorted(intervals):
            # Neighbouring chunks are separated by whitespace at most: one covered run.
            if merged and not text[merged[-1][1] : start].strip():
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        covered.extend(norm_key(docs[doc_id].text[s:e]) for s, e in merged)
    by_path = {d.path: d for d in result.documents}
    lost = []
    for path, text in result.inputs.items():
        metadata = _metadata_text(by_path[result.merged_into.get(path, path)])
        for start, end in sentence_spans(text):
            # Sentences glued without a space ("children.children") are one to the
            # splitter but may be cut apart, and each dropped as a repeat of its own.
            parts = _GLUED.split(norm_key(text[start:end]))
            if not all(any(p in piece for piece in covered) or p in metadata for p in parts):
                lost.append((path, text[start:end]))
    return lost
