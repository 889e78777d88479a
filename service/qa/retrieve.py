"""Hybrid retrieval: dense (FAISS) and lexical (BM25) rankings fused by RRF.

Filters are turned into the set of allowed chunk rows and applied inside each
retriever, so a filter never empties a result list that was cut to top-k first.
For questions about the latest state, the candidates are re-ranked on relevance
plus the date of their evidence (`service.qa.dates`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

import numpy as np

from corpus.models import Chunk, Document
from index.backend import IndexReader
from index.embedders.base import Embedder
from service.qa.contract import Filters, Fusion
from service.qa.dates import evidence_date, recency, without_recency_words
from service.qa.text import content_bigrams
from service.settings import SearchMode, Settings

T = TypeVar("T")
# BM25 beside the dense search of each request; a few threads serve every request thread.
_LEXICAL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="reportqa-bm25")


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its document and fused score."""

    chunk: Chunk
    document: Document
    score: float
    rank: int
    dense_score: float | None = None
    lexical_score: float | None = None


def reciprocal_rank_fusion(
    rankings: dict[str, list[int]], weights: dict[str, float], k: int = 60
) -> list[tuple[int, float]]:
    """Fuse ranked id lists: score(id) = sum over lists of weight / (k + rank).

    Ranks are 1-based. Ties break on the smaller id, so the order is deterministic.
    """
    fused: dict[int, float] = defaultdict(float)
    for name, ranking in rankings.items():
        weight = weights.get(name, 1.0)
        for rank, item in enumerate(ranking, start=1):
            fused[item] += weight / (k + rank)
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))


def _document_matches(doc: Document, filters: Filters) -> bool:
    if filters.doc_ids is not None and doc.doc_id not in filters.doc_ids:
        return False
    if not filters.allows_kind(doc.kind):  # without case: see kind_key
        return False
    if filters.date_from is not None or filters.date_to is not None:
        if doc.date is None:
            return False  # an undated document cannot be shown to fall in a range
        published = date.fromisoformat(doc.date)
        if filters.date_from is not None and published < filters.date_from:
            return False
        if filters.date_to is not None and published > filters.date_to:
            return False
    return True


class Retriever:
    def __init__(self, index: IndexReader, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings

    def allowed_documents(
        self, filters: Filters | None, documents: Collection[str] | None = None
    ) -> frozenset[str] | None:
        """Ids of the documents that pass the filters and are among `documents` (if
        given), or None when nothing is filtered."""
        unfiltered = filters is None or all(
            getattr(filters, name) is None for name in Filters.model_fields
        )
        if unfiltered:
            return None if documents is None else frozenset(documents)
        assert filters is not None
        return frozenset(
            d.doc_id
            for d in self.index.documents()
            if _document_matches(d, filters) and (documents is None or d.doc_id in documents)
        )

    def search(
        self,
        query: str,
        k: int,
        mode: SearchMode | None = None,
        filters: Filters | None = None,
        query_vector: np.ndarray | None = None,
        fusion: Fusion | None = None,
        prefer_recent: bool = False,
        documents: Collection[str] | None = None,
    ) -> list[Passage]:
        """Top-k passages for `query` under `mode`, restricted by `filters`.

        Args:
            query: search text.
            k: passages to return.
            mode: hybrid, dense or lexical; default from the settings.
            filters: document, kind and date-range restrictions, applied before the cut.
            query_vector: the query's embedding, if the caller already has it.
            fusion: per-request RRF constant and weights; unset fields use the settings.
            prefer_recent: re-rank the candidates on relevance plus evidence date.
            documents: only passages of these documents (ids), e.g. those that can
                meet the question's constraints.
        """
        mode = mode or self.settings.search_mode
        allowed = self.allowed_documents(filters, documents)
        if allowed is not None and not allowed:
            return []
        if prefer_recent:
            # "current" in the question must not pull in old text on that word.
            query = without_recency_words(query)
            query_vector = None
        depth = max(k, self.settings.candidate_depth)
        dense_hits: list[tuple[int, float]] = []
        lexical_hits: list[tuple[int, float]] = []
        lexical = None
        if mode in ("lexical", "hybrid"):
            # BM25 needs no vector: it runs while the question is encoded and searched
            # (a database round trip on the postgres backend, bm25s's numpy here).
            lexical = _LEXICAL.submit(self.index.lexical_search, query, depth, allowed)
        if mode in ("dense", "hybrid"):
            vector = query_vector if query_vector is not None else self.embedder.encode([query])[0]
            dense_hits = self.index.dense_search(vector, depth, allowed)
        if lexical is not None:
            lexical_hits = lexical.result()

        dense_scores = dict(dense_hits)
        lexical_scores = dict(lexical_hits)
        if mode == "dense":
            ranked = dense_hits
        elif mode == "lexical":
            ranked = lexical_hits
        else:
            fusion = fusion or Fusion()
            ranked = reciprocal_rank_fusion(
                {"dense": [r for r, _ in dense_hits], "lexical": [r for r, _ in lexical_hits]},
                {
                    "dense": _or(fusion.dense_weight, self.settings.dense_weight),
                    "lexical": _or(fusion.lexical_weight, self.settings.lexical_weight),
                },
                k=_or(fusion.k, self.settings.rrf_k),
            )
        pool = ranked if prefer_recent else ranked[:k]
        chunks = self.index.chunks_by_row([row for row, _ in pool])
        by_id: dict[str, Document] = {}
        for chunk in chunks.values():
            if chunk.doc_id not in by_id:
                document = self.index.document(chunk.doc_id)
                assert document is not None  # the store keeps chunks and documents together
                by_id[chunk.doc_id] = document
        if prefer_recent:
            pool = prefer_recent_evidence(
                pool,
                {row: by_id[chunk.doc_id] for row, chunk in chunks.items()},
                self.settings.recency_weight,
            )
        passages: list[Passage] = []
        for row, score in pool[:k]:
            chunk = chunks[row]
            document = by_id[chunk.doc_id]
            passages.append(
                Passage(
                    chunk=chunk,
                    document=document,
                    score=score,
                    rank=len(passages) + 1,
                    dense_score=dense_scores.get(row),
                    lexical_score=lexical_scores.get(row),
                )
            )
        return passages


def _or(value: T | None, default: T) -> T:
    return default if value is None else value


def prefer_phrases(passages: list[Passage], query: str, weight: float) -> list[Passage]:
    """Re-rank on relevance plus phrases: score / best score + weight * the share of the
    query's word pairs the passage holds in order ("director of practice", "contact
    officer"), which neither BM25 nor one embedding of the whole passage rewards.

    Returns the passages best first, ranks renumbered.
    """
    if not passages:
        return passages
    pairs = content_bigrams(query)
    best = passages[0].score or 1.0

    def rescored(passage: Passage) -> Passage:
        # Relative to the best hit in every case, as the response documents it.
        held = len(pairs & content_bigrams(passage.chunk.text)) / len(pairs) if pairs else 0.0
        return replace(passage, score=passage.score / best + weight * held)

    ranked = sorted((rescored(p) for p in passages), key=lambda p: (-p.score, p.rank))
    return [replace(p, rank=i) for i, p in enumerate(ranked, start=1)]


def prefer_recent_evidence(
    ranked: list[tuple[int, float]], documents: dict[int, Document], weight: float
) -> list[tuple[int, float]]:
    """Re-rank on relevance plus recency: score / best score + weight * recency.

    Recency is the evidence date scaled to [0, 1] across the candidates (newest 1,
    oldest or undated 0), so a newer report overtakes an older one only when the two
    are comparably relevant. Returns (row, new score) pairs, best first.
    """
    if not ranked or weight <= 0:
        return ranked
    scaled = recency({row: evidence_date(documents[row]) for row, _ in ranked})
    if not scaled:
        return ranked
    best = ranked[0][1] or 1.0
    rescored = [(row, score / best + weight * scaled[row]) for row, score in ranked]
    return sorted(rescored, key=lambda pair: (-pair[1], pair[0]))
