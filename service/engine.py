"""The question-answering engine: retrieval + answer + citations, shared by HTTP, CLI and eval."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from corpus.models import Chunk
from index.cache import CachingEmbedder, pinned
from index.dense import auto_ef_search, set_search_threads
from index.embedder import Embedder
from index.reader import ReportIndex
from service import fastpath
from service.answer import Answer, Answerer
from service.errors import DocumentNotFoundError
from service.fastpath import AskCache, warm_embedder
from service.retrieve import Passage, Retriever
from service.schemas import (
    AlsoIn,
    AskRequest,
    AskResponse,
    Citation,
    DocumentResponse,
    DocumentSummary,
    Filters,
    Highlight,
    SearchHit,
    SearchResponse,
)
from service.settings import SearchMode, Settings


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


def retrieval_query(request: AskRequest) -> str:
    """The text used for retrieval: the question, plus the last user turn for follow-ups.

    A follow-up such as "And when was that?" carries no topic of its own; the
    previous question supplies it.
    """
    previous = [turn.content for turn in request.history if turn.role == "user"]
    if previous:
        return f"{previous[-1]} {request.question}"
    return request.question


class QAEngine:
    def __init__(self, index: ReportIndex, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.retriever = Retriever(index, embedder, settings)
        self.answerer = Answerer(
            embedder,
            passages_considered=settings.answer_passages,
            abstain_below=settings.abstain_below,
        )
        self.ask_cache = AskCache(settings.ask_cache_size)

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder | None = None) -> QAEngine:
        """Load the embedding model and the index named by `settings`, and warm them.

        The encoder is wrapped in a text -> vector LRU filled with the corpus sentences,
        so a request encodes only its question (see service/fastpath.py).
        """
        if isinstance(embedder, CachingEmbedder):
            cached = embedder  # a reload reuses the warm cache of the engine it replaces
        else:
            cached = CachingEmbedder(
                embedder or fastpath.settings_embedder(settings),
                size=max(1, settings.sentence_cache_size),
                learn=settings.cache_query_texts,
            )
        index = ReportIndex.open(Path(settings.index_dir), cached)
        set_search_threads(settings.dense_threads)
        index.dense.set_ef_search(settings.hnsw_ef_search or auto_ef_search(len(index.dense)))
        warm_embedder(cached, index, settings)
        return cls(index, cached, settings)

    @property
    def index_version(self) -> str:
        return self.index.manifest.index_version

    def ask(
        self,
        request: AskRequest,
        on_retrieved: Callable[[list[Citation]], None] | None = None,
    ) -> AskResponse:
        """Answer `request` with citations.

        Args:
            request: the question, options and conversation history.
            on_retrieved: called with the citations (no highlight yet) as soon as
                retrieval is done, before the answer is chosen; the streaming route
                uses it to show the passages early.
        """
        started = time.perf_counter()
        hit = self.ask_cache.get(request, self.index_version)
        if hit is not None:
            if on_retrieved is not None:
                on_retrieved(hit.citations)
            # Every timing key is a duration (they feed the stage metrics): a hit has one stage.
            elapsed = _ms(started)
            return hit.model_copy(update={"timing_ms": {"cache": elapsed, "total": elapsed}})
        k = request.top_k or self.settings.default_top_k
        query = retrieval_query(request)
        # Encode the question once: retrieval and the answer stage both need its vector.
        mode = request.mode or self.settings.search_mode
        vector = self.embedder.encode([query])[0] if mode != "lexical" else None
        passages = self.retriever.search(
            query, k, mode=request.mode, filters=request.filters, query_vector=vector
        )
        retrieved = time.perf_counter()
        if on_retrieved is not None:
            on_retrieved(
                self._citations(passages, Answer(best=None, confidence=0.0, answered=False))
            )
        with pinned(self.embedder, {query: vector} if vector is not None else {}):
            answer = self.answerer.answer(request.question, passages)
        timing = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "answer": _ms(retrieved),
            "total": _ms(started),
        }
        response = AskResponse(
            question=request.question,
            answer=answer.best.text if answer.best else None,
            answered=answer.answered,
            confidence=round(answer.confidence, 4),
            citations=self._citations(passages, answer),
            index_version=self.index_version,
            timing_ms=timing,
        )
        self.ask_cache.put(request, self.index_version, response)
        return response

    def search(
        self, query: str, k: int, mode: SearchMode | None = None, filters: Filters | None = None
    ) -> SearchResponse:
        started = time.perf_counter()
        mode = mode or self.settings.search_mode
        passages = self.retriever.search(query, k, mode=mode, filters=filters)
        hits = [
            SearchHit(
                rank=p.rank,
                doc_id=p.document.doc_id,
                title=p.document.title,
                date=p.document.date,
                kind=p.document.kind,
                chunk_id=p.chunk.chunk_id,
                text=p.chunk.text,
                start=p.chunk.start,
                end=p.chunk.end,
                score=round(p.score, 6),
                also_in=self._also_in(p.chunk),
                page=p.document.page_at(p.chunk.start),
            )
            for p in passages
        ]
        return SearchResponse(
            query=query,
            mode=mode,
            hits=hits,
            index_version=self.index_version,
            timing_ms={"total": _ms(started)},
        )

    def documents(self) -> list[DocumentSummary]:
        return [
            DocumentSummary(
                doc_id=d.doc_id,
                title=d.title,
                date=d.date,
                kind=d.kind,
                source=d.source,
                path=d.path,
                chars=len(d.text),
                extra=d.extra,
            )
            for d in self.index.store.documents()
        ]

    def document(self, doc_id: str) -> DocumentResponse:
        doc = self.index.store.document(doc_id)
        if doc is None:
            raise DocumentNotFoundError(f"no document with id {doc_id!r}")
        return DocumentResponse(
            doc_id=doc.doc_id,
            title=doc.title,
            date=doc.date,
            kind=doc.kind,
            source=doc.source,
            path=doc.path,
            chars=len(doc.text),
            extra=doc.extra,
            text=doc.text,
        )

    def _citations(self, passages: list[Passage], answer: Answer) -> list[Citation]:
        citations = []
        for n, p in enumerate(passages, start=1):
            highlight = None
            best = answer.best
            if best and best.passage.chunk.chunk_id == p.chunk.chunk_id:
                highlight = Highlight(
                    start=best.start - p.chunk.start, end=best.end - p.chunk.start
                )
            citations.append(
                Citation(
                    n=n,
                    doc_id=p.document.doc_id,
                    title=p.document.title,
                    date=p.document.date,
                    kind=p.document.kind,
                    chunk_id=p.chunk.chunk_id,
                    text=p.chunk.text,
                    start=p.chunk.start,
                    end=p.chunk.end,
                    highlight=highlight,
                    score=round(p.score, 6),
                    also_in=self._also_in(p.chunk),
                    page=p.document.page_at(p.chunk.start),
                )
            )
        return citations

    def _also_in(self, chunk: Chunk) -> list[AlsoIn]:
        """Where else the passage occurs (near-duplicates that were not embedded)."""
        found = []
        for where in chunk.also_in:
            doc = self.index.store.document(where.doc_id)
            title = doc.title if doc is not None else where.doc_id
            found.append(AlsoIn(doc_id=where.doc_id, title=title, start=where.start, end=where.end))
        return found

    def close(self) -> None:
        self.index.close()
