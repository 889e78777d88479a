"""Extractive answers: pick the sentence of the top passages that best answers the question.

A candidate sentence is described by these features, each in [0, 1]:
  - semantic: similarity to the question (cosine of the embeddings),
  - overlap: the share of the question's content stems found in the sentence,
    each weighted by its inverse document frequency in the index (a rare name such
    as "Norfolk" matters more than "services"); context: the same over the sentence
    with its neighbours (a sentence continuing the previous one's subject);
    coverage: the same over its whole passage,
  - rank: 1 / the passage's rank (earlier passages are more trustworthy),
  - typed: the sentence holds what the question type asks for (a date for "when",
    a number for "how many", a name for "who"),
  - recency: newer evidence, for questions about the latest state,
  - short: a line of under five words (headings, bylines, datelines),
  - novel: the share of the sentence's content words the question does not use
    (an answer says something the question does not).
Its score is a weighted sum. The weights are fitted on the gold set by
`reportqa eval fit-answer` (a softmax over each question's candidates, checked by
cross-validation) and shipped in `service/qa/answer_weights.json`.

Confidence measures evidence strength, not the ranking: how close the best sentence
is in meaning, how many of the question's terms it and its passage contain, and
whether it holds the kind of fact asked for.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import numpy as np

from corpus.sentences import sentence_spans
from index.embedders.base import Embedder
from service.qa.answer_model import (
    AnswerModel,
    confidence_features,
    confidence_from,
    load_model,
    score,
)
from service.qa.dates import evidence_date, recency
from service.qa.question import question_type
from service.qa.retrieve import Passage
from service.qa.text import content_stems, normalised

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(?:(?:19|20)\d\d|{_MONTHS}|Spring|Summer|Autumn|Winter)\b")
_NUMBER = re.compile(
    r"\b\d[\d,.]*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
    r"twenty|hundred|thousand|quarter|half)\b",
    re.IGNORECASE,
)
SHORT_LINE_WORDS = 5  # a line this short is a heading, byline or dateline
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")


def _has_type(sentence: str, wanted: str | None) -> bool:
    if wanted == "date":
        return bool(_DATE.search(sentence))
    if wanted == "number":
        return bool(_NUMBER.search(sentence))
    if wanted == "person":
        return bool(_NAME.search(sentence))
    return False


class TermStatistics(Protocol):
    """Document frequencies of index terms (the lexical index provides them)."""

    def __len__(self) -> int: ...

    def document_frequency(self, term: str) -> int: ...


def idf_weights(statistics: TermStatistics | None) -> Callable[[str], float]:
    """BM25-style inverse document frequency per stem; uniform without statistics."""
    if statistics is None or len(statistics) == 0:
        return lambda term: 1.0
    total = len(statistics)

    # Per index (the statistics never change under one engine); bounded because
    # questions bring terms the corpus does not have.
    @lru_cache(maxsize=65536)
    def idf(term: str) -> float:
        df = statistics.document_frequency(term)
        return math.log(1 + (total - df + 0.5) / (df + 0.5))

    return idf


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    start: int  # offsets inside the document
    end: int
    text: str
    score: float
    semantic: float
    overlap: float  # idf-weighted share of the question's content stems in the sentence
    coverage: float = 0.0  # the same share in the sentence's whole passage
    has_type: bool = False  # holds the date/number/name the question asks for
    features: Mapping[str, float] = field(default_factory=dict)  # by name, see FEATURES


@dataclass(frozen=True)
class Answer:
    best: Candidate | None
    confidence: float
    answered: bool


class Answerer:
    def __init__(
        self,
        embedder: Embedder,
        passages_considered: int = 5,
        abstain_below: float | None = None,
        term_statistics: TermStatistics | None = None,
        model: AnswerModel | None = None,
    ):
        """
        Args:
            embedder: encodes the question and candidate sentences.
            passages_considered: how many of the top passages supply candidates.
            abstain_below: confidence under which the answer is withheld; default the
                operating point stored with `model`.
            term_statistics: document frequencies for idf-weighted overlap; without
                them every term weighs the same.
            model: ranking weights and confidence model; default the fitted
                `service/qa/answer_weights.json`.
        """
        self.embedder = embedder
        self.passages_considered = passages_considered
        self.statistics = term_statistics
        self.idf = idf_weights(term_statistics)
        self.model = model if model is not None else load_model()
        self.abstain_below = (
            abstain_below if abstain_below is not None else self.model.abstain_below
        )
        self.weights = self.model.weights

    def _share(self, wanted: AbstractSet[str], found: AbstractSet[str], total: float) -> float:
        return sum(self.idf(t) for t in wanted & found) / total if total else 0.0

    def candidates(
        self,
        question: str,
        passages: Sequence[Passage],
        *,
        scoring_question: str | None = None,
        prefer_recent: bool = False,
    ) -> list[Candidate]:
        """Every sentence of the top passages, scored; best first.

        Args:
            question: the question as asked; its form ("when", "how many") sets the
                kind of fact wanted.
            passages: retrieved passages, best first.
            scoring_question: the self-contained question (a follow-up resolved with
                the history) that sentences are compared with; default `question`.
            prefer_recent: favour sentences from newer evidence.
        """
        considered = list(passages[: self.passages_considered])
        spans: list[tuple[Passage, int, int]] = []
        for passage in considered:
            sentences = sentence_spans(passage.chunk.text, offset=passage.chunk.start)
            title = normalised(passage.document.title)
            # A headline restates the story; the evidence is in the sentences below it.
            text = passage.document.text
            kept = [(s, e) for s, e in sentences if normalised(text[s:e]) != title]
            spans.extend((passage, start, end) for start, end in kept or sentences)
        if not spans:
            return []
        target = scoring_question or question
        texts = [p.document.text[s:e] for p, s, e in spans]
        # Through the embedder, so its cache can serve sentences seen in earlier requests.
        vectors = self.embedder.encode([target, *texts])
        semantic = np.clip(vectors[1:] @ vectors[0], 0.0, 1.0)
        wanted_stems = content_stems(target)
        total = sum(self.idf(t) for t in wanted_stems)
        wanted = question_type(question)
        sentence_stems = [content_stems(text) for text in texts]
        passage_stems = {p.chunk.chunk_id: content_stems(p.chunk.text) for p in considered}
        recency = _recency(considered) if prefer_recent else {}
        scored = []
        for i, ((passage, start, end), text, sim) in enumerate(
            zip(spans, texts, semantic, strict=True)
        ):
            neighbours = set(sentence_stems[i])
            for j in (i - 1, i + 1):
                if 0 <= j < len(spans) and spans[j][0] is passage:
                    neighbours |= sentence_stems[j]
            overlap = self._share(wanted_stems, sentence_stems[i], total)
            context = self._share(wanted_stems, neighbours, total)
            coverage = self._share(wanted_stems, passage_stems[passage.chunk.chunk_id], total)
            typed = _has_type(text, wanted)
            stems = sentence_stems[i]
            features = {
                "semantic": float(sim),
                "overlap": overlap,
                "context": context,
                "coverage": coverage,
                "rank": 1.0 / passage.rank,
                "typed": 1.0 if typed else 0.0,
                "recency": recency.get(passage.chunk.chunk_id, 0.0),
                "short": 1.0 if len(text.split()) < SHORT_LINE_WORDS else 0.0,
                "novel": len(stems - wanted_stems) / len(stems) if stems else 0.0,
            }
            scored.append(
                Candidate(
                    passage, start, end, text, score(features, self.weights), float(sim),
                    overlap, coverage, typed, features,
                )
            )  # fmt: skip
        return sorted(scored, key=lambda c: -c.score)

    def choose(
        self,
        question: str,
        ranked: Sequence[Candidate],
        passages: Sequence[Passage],
        scoring_question: str | None = None,
    ) -> Answer:
        """The best of the `ranked` candidates, or an abstention when confidence is low."""
        if not ranked:
            return Answer(best=None, confidence=0.0, answered=False)
        best = ranked[0]
        confidence = self.confidence(question, ranked, passages, scoring_question)
        answered = confidence >= self.abstain_below
        return Answer(best=best if answered else None, confidence=confidence, answered=answered)

    def confidence(
        self,
        question: str,
        ranked: Sequence[Candidate],
        passages: Sequence[Passage],
        scoring_question: str | None = None,
    ) -> float:
        """How likely the best of `ranked` (non-empty) answers the question, in [0, 1]."""
        if self.model.confidence is None:
            wanted = question_type(question)
            return confidence_from(ranked[0], wanted, _passage_similarity(passages, self))
        features = self.confidence_inputs(question, ranked, passages, scoring_question)
        return self.model.confidence.probability(features)

    def confidence_inputs(
        self,
        question: str,
        ranked: Sequence[Candidate],
        passages: Sequence[Passage],
        scoring_question: str | None = None,
    ) -> dict[str, float]:
        """The confidence model's features (see CONFIDENCE_FEATURES); `ranked` non-empty."""
        return confidence_features(
            ranked,
            question_type(question),
            _passage_similarity(passages, self),
            self.unknown_terms(scoring_question or question),
        )

    def unknown_terms(self, question: str) -> float:
        """The idf-weighted share of the question's content stems absent from the index."""
        if self.statistics is None or len(self.statistics) == 0:
            return 0.0
        stems = content_stems(question)
        total = sum(self.idf(t) for t in stems)
        missing = sum(self.idf(t) for t in stems if self.statistics.document_frequency(t) == 0)
        return missing / total if total else 0.0


def _passage_similarity(passages: Sequence[Passage], answerer: Answerer) -> float:
    """The best dense similarity among the passages the answerer considers."""
    similarities = [p.dense_score for p in passages[: answerer.passages_considered]]
    return max((x for x in similarities if x is not None), default=0.0)


def _recency(passages: Sequence[Passage]) -> dict[str, float]:
    """Chunk id -> evidence date scaled to [0, 1] across `passages` (undated: 0)."""
    return recency({p.chunk.chunk_id: evidence_date(p.document) for p in passages})
