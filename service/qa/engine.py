"""The question-answering engine: retrieval + answer + citations, shared by HTTP, CLI and eval."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import numpy as np

from corpus.models import Document
from index.backend import IndexReader, open_index
from index.dense import set_search_threads
from index.embedders.base import Embedder
from index.embedders.caching import CachingEmbedder, pinned
from index.manifest import Manifest
from service.errors import DocumentNotFoundError
from service.qa import encoder
from service.qa.analysis import QuestionAnalysis, analyse
from service.qa.answer import Answer, Answerer, Candidate
from service.qa.ask_cache import AskCache
from service.qa.assemble import cited, constraints_report, normalised_score, short_answer_of
from service.qa.citations import citations, passage_fields, summary
from service.qa.contract import (
    AskRequest,
    AskResponse,
    Citation,
    DocumentResponse,
    DocumentSummary,
    Filters,
    Fusion,
    SearchHit,
    SearchResponse,
)
from service.qa.dates import evidence_date, evidence_day, periods_named
from service.qa.entities import EntityLexicon
from service.qa.followup import resolve
from service.qa.generate import Generator
from service.qa.quotes import quoted_first
from service.qa.retrieve import Passage, Retriever, prefer_phrases
from service.qa.roles import with_role_holder
from service.qa.scope import allowed_documents, unmet_constraints
from service.qa.shortfalls import foreign_question
from service.qa.subjects import about_named_subjects
from service.qa.warmup import warm_embedder
from service.settings import SearchMode, Settings


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


@dataclass(frozen=True)
class _Retrieved:
    """What the answer stage starts from: the analysed question and its passages."""

    analysis: QuestionAnalysis
    passages: list[Passage]
    query: str
    vector: np.ndarray | None
    unmet: tuple[str, ...]  # constraints no document or passage can meet

    def pinned(self, embedder: Embedder) -> AbstractContextManager[None]:
        """Serve the already-encoded query vector from the embedder's cache."""
        return pinned(embedder, {self.query: self.vector} if self.vector is not None else {})


@dataclass(frozen=True)
class AnswerInputs:
    """What the answer stage weighs for one question (see `QAEngine.answer_inputs`)."""

    question: str
    analysis: QuestionAnalysis
    passages: list[Passage]
    candidates: list[Candidate]
    unmet: tuple[str, ...] = ()

    @property
    def scoring_question(self) -> str:
        return self.analysis.scoring_question


class QAEngine:
    def __init__(self, index: IndexReader, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.retriever = Retriever(index, embedder, settings)
        self.answerer = Answerer(
            embedder,
            passages_considered=settings.answer_passages,
            abstain_below=settings.abstain_below,
            term_statistics=index,
        )
        self.ask_cache = AskCache(settings.ask_cache_size)
        documents = index.documents()
        # Names and dates of every document, read once per index: the question's
        # constraints are checked against them.
        self.lexicon = EntityLexicon(documents)
        self.published = {d.doc_id: evidence_day(d) for d in documents}
        self.periods_named = {d.doc_id: periods_named(d) for d in documents}
        self.generator = Generator.from_settings(settings)

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder | None = None) -> QAEngine:
        """Load the embedding model and the index named by `settings`, and warm them.

        The encoder is wrapped in a text -> vector LRU filled with the corpus sentences,
        so a request encodes only its question (see service/qa/warmup.py).
        """
        if isinstance(embedder, CachingEmbedder):
            cached = embedder  # a reload reuses the warm cache of the engine it replaces
        else:
            cached = CachingEmbedder(
                embedder or encoder.settings_embedder(settings),
                size=max(1, settings.sentence_cache_size),
                learn=settings.cache_query_texts,
            )
        index = open_index(encoder.index_location(settings), cached)
        set_search_threads(settings.dense_threads)
        if settings.hnsw_ef_search:  # 0: the backend's own measured default
            index.set_ef_search(settings.hnsw_ef_search)
        warm_embedder(cached, index, settings)
        return cls(index, cached, settings)

    @property
    def index_version(self) -> str:
        return self.index.manifest.index_version

    @property
    def manifest(self) -> Manifest:
        """What the served index says of itself (model, counts, build time)."""
        return self.index.manifest

    @property
    def index_location(self) -> str:
        """The build served: its directory (symlink resolved), or database and build."""
        return self.index.location

    def stored_document(self, doc_id: str) -> Document | None:
        """The indexed document with this id, or None."""
        return self.index.document(doc_id)

    def stored_documents(self) -> list[Document]:
        """Every indexed document, with its cleaned text."""
        return self.index.documents()

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
        found = self._retrieve(request)
        retrieved = time.perf_counter()
        if on_retrieved is not None:
            on_retrieved(
                citations(
                    found.passages[:k],
                    Answer(best=None, confidence=0.0, answered=False),
                    self.stored_document,
                )
            )
        inputs = self._answer_inputs(found)
        answer = self.answerer.choose(
            found.analysis, inputs.candidates, found.passages, found.unmet, self.lexicon
        )
        analysis = found.analysis
        passages = cited(found.passages, answer, k)
        timing = {"retrieve": round((retrieved - started) * 1000, 2), "answer": _ms(retrieved)}
        generated = None
        if self.generator is not None and answer.answered:
            generating = time.perf_counter()
            composed = self.generator.compose(analysis.scoring_question, passages)
            generated = composed.text if composed else None
            timing["generate"] = _ms(generating)
        as_of = evidence_date(answer.best.passage.document) if answer.best else None
        cited_passages = citations(passages, answer, self.stored_document)
        response = AskResponse(
            question=request.question,
            answer=answer.best.text if answer.best else None,
            answered=answer.answered,
            confidence=round(answer.confidence, 4),
            tentative=answer.tentative,
            short_answer=short_answer_of(analysis, answer, cited_passages),
            citations=cited_passages,
            index_version=self.index_version,
            timing_ms=timing,
            as_of=as_of.value if as_of else None,
            prefer_recent=analysis.prefer_recent,
            retrieval_query=analysis.retrieval_query,
            generated_answer=generated,
            constraints=constraints_report(analysis, answer),
        )
        response.timing_ms["total"] = _ms(started)  # all of it: beyond this is HTTP
        self.ask_cache.put(request, self.index_version, response)
        return response

    def _retrieve(self, request: AskRequest) -> _Retrieved:
        """Analyse the question (with its history) and retrieve passages that can answer it.

        Documents that cannot hold the answer (they never mention a name the question
        gives, or predate the period it asks about) are left out inside retrieval.
        """
        k = request.top_k or self.settings.default_top_k
        resolved = resolve(request.question, request.history)
        analysis = analyse(resolved, self.lexicon, request.prefer_recent)
        query = analysis.retrieval_query
        # Encode the query once: retrieval and the answer stage both need its vector.
        mode = request.mode or self.settings.search_mode
        vector = self.embedder.encode([query])[0] if mode != "lexical" else None
        allowed = allowed_documents(analysis, self.published, self.periods_named)
        # The answer may rest on any passage the answerer considers, so retrieve at
        # least that many even when fewer citations are asked for.
        depth = max(k, self.settings.answer_passages)
        passages = self.retriever.search(
            query,
            max(depth, self.settings.phrase_pool),
            mode=request.mode,
            filters=request.filters,
            fusion=request.fusion,
            prefer_recent=analysis.prefer_recent,
            query_vector=vector,
            documents=allowed,
        )
        if allowed is not None and not passages:
            # Nothing can answer it: still show what the reports hold on the topic.
            passages = self.retriever.search(
                query, depth, mode=request.mode, filters=request.filters,
                fusion=request.fusion, query_vector=vector,
            )  # fmt: skip
        passages = prefer_phrases(passages, query, self.settings.phrase_weight)
        passages = quoted_first(passages, analysis.quoted)[:depth]
        read = self.settings.answer_passages
        passages = with_role_holder(passages, analysis, read, self._passage_naming)
        considered = passages[:read]
        unknown = self.answerer.unknown_terms(analysis.scoring_question)
        unmet = unmet_constraints(analysis, allowed, considered) or foreign_question(unknown)
        return _Retrieved(analysis, passages, query, vector, unmet)

    def _passage_naming(self, name: str, doc_id: str) -> Passage | None:
        found = self.retriever.search(name, 1, mode="lexical", documents={doc_id})
        return found[0] if found else None

    def answer_inputs(self, request: AskRequest) -> AnswerInputs:
        """The passages and every candidate sentence `ask` would weigh, best first.

        The answer-model fitter (`eval/fit_answer.py`) learns from these, so it sees
        exactly what the service scores.
        """
        return self._answer_inputs(self._retrieve(request))

    def _answer_inputs(self, found: _Retrieved) -> AnswerInputs:
        with found.pinned(self.embedder):
            ranked = self.answerer.candidates(found.analysis, found.passages)
        ranked = about_named_subjects(found.analysis, ranked, self.lexicon)
        return AnswerInputs(
            found.analysis.question, found.analysis, found.passages, ranked, found.unmet
        )

    def search(
        self,
        query: str,
        k: int,
        mode: SearchMode | None = None,
        filters: Filters | None = None,
        fusion: Fusion | None = None,
        prefer_recent: bool = False,
        offset: int = 0,
    ) -> SearchResponse:
        """Hits `offset + 1` to `offset + k` of the ranking for `query` (ranks count from the
        top of the ranking, so a page continues the one before it)."""
        started = time.perf_counter()
        mode = mode or self.settings.search_mode
        # The ranking from its top, one passage past the page to tell whether another
        # page exists; the retriever looks candidate_depth deep anyway, so at offset 0
        # (k < candidate_depth) this costs one more chunk read.
        ranked = self.retriever.search(
            query,
            offset + k + 1,
            mode=mode,
            filters=filters,
            fusion=fusion,
            prefer_recent=prefer_recent,
        )
        top = ranked[0].score if ranked else 0.0
        hits = [
            SearchHit(
                rank=p.rank,
                score_normalised=normalised_score(p.score, top),
                **passage_fields(p, self.stored_document),
            )
            for p in ranked[offset : offset + k]
        ]
        return SearchResponse(
            query=query,
            mode=mode,
            hits=hits,
            offset=offset,
            has_more=len(ranked) > offset + k,
            index_version=self.index_version,
            timing_ms={"total": _ms(started)},
        )

    def documents(self) -> list[DocumentSummary]:
        return [summary(d) for d in self.stored_documents()]

    def document(self, doc_id: str) -> DocumentResponse:
        doc = self.stored_document(doc_id)
        if doc is None:
            raise DocumentNotFoundError(f"no document with id {doc_id!r}")
        return DocumentResponse(**summary(doc).model_dump(), text=doc.text)

    def close(self) -> None:
        self.index.close()
