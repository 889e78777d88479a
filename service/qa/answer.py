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

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

from corpus.sentences import sentence_spans
from index.embedders.base import Embedder
from service.qa.dates import evidence_date
from service.qa.retrieve import Passage

_STEMMER = Stemmer.Stemmer("english")
_STOP = set(STOPWORDS_EN_PLUS) | {
    "what", "when", "who", "whom", "which", "where", "why", "how", "many", "much",
    "did", "does", "do", "was", "were", "is", "are", "the", "a", "an", "of", "in",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][a-z]+)?")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(?:(?:19|20)\d\d|{_MONTHS}|Spring|Summer|Autumn|Winter)\b")
_NUMBER = re.compile(
    r"\b\d[\d,.]*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
    r"twenty|hundred|thousand|quarter|half)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")

FEATURES = (
    "semantic", "overlap", "context", "coverage", "rank", "typed", "recency", "short", "novel",
)  # fmt: skip
# The first hand-set weights (rounded values from a sweep over the gold set); used
# when no fitted file is given, and as the comparison in `reportqa eval fit-answer`.
HAND_WEIGHTS = {
    "semantic": 0.45, "overlap": 0.4, "context": 0.15, "coverage": 0.1, "rank": 0.15,
    "typed": 0.25, "recency": 0.2, "short": 0.0, "novel": 0.0,
}  # fmt: skip
WEIGHTS_PATH = Path(__file__).with_name("answer_weights.json")
SHORT_LINE_WORDS = 5
_POSSESSIVE = re.compile(r"['\u2019]s$")


@lru_cache(maxsize=65536)
def content_stems(text: str) -> frozenset[str]:
    """Stemmed, lower-case content words of `text` (stop words and possessives dropped).

    Cached: the same corpus sentences are candidates for many questions.
    """
    words = [_POSSESSIVE.sub("", w.lower()) for w in _WORD.findall(text)]
    return frozenset(_STEMMER.stemWords([w for w in words if w and w not in _STOP]))


_QUESTION_TYPES = (
    (
        "number",
        re.compile(
            r"\bhow (?:many|much|long)\b|\b(?:what|which) (?:percentage|proportion|share|"
            r"fraction|number)\b"
        ),
    ),
    ("date", re.compile(r"\bwhen\b|\b(?:what|which) (?:year|date|day|month)\b")),
    ("person", re.compile(r"\bwho(?:se|m)?\b")),
)
# Any question word. The first one opens the question; a typed phrase later in the
# sentence is then a subordinate clause ("How did X describe it when ...?" asks for
# a description, not a date).
_WH_WORD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b")


def question_type(question: str) -> str | None:
    """The kind of fact asked for: "number", "date", "person" or None.

    The opening question phrase decides: "Who was chief inspector when ...?" asks
    for a person, "When did ... who ...?" for a date, "How did ... when ...?" for
    none of them.
    """
    q = question.lower()
    opening = _WH_WORD.search(q)
    found = [(m.start(), kind) for kind, rx in _QUESTION_TYPES if (m := rx.search(q))]
    if not found:
        return None
    first_at, kind = min(found)
    if opening is not None and opening.start() < first_at:
        return None
    return kind


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


def score(features: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """A candidate's score: the weighted sum of its features."""
    return sum(weights.get(name, 0.0) * value for name, value in features.items())


@dataclass(frozen=True)
class ConfidenceModel:
    """Logistic model of "the chosen sentence answers the question" (see CONFIDENCE_FEATURES)."""

    bias: float
    weights: Mapping[str, float]

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.bias + score(features, self.weights)
        return float(1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0))))


@dataclass(frozen=True)
class AnswerModel:
    """Ranking weights for candidate sentences, and the confidence model (if fitted)."""

    weights: Mapping[str, float]
    confidence: ConfidenceModel | None = None
    abstain_below: float = 0.2  # the operating point chosen when the model was fitted


@lru_cache(maxsize=8)
def load_model(path: Path = WEIGHTS_PATH) -> AnswerModel:
    """The answer model written by `reportqa eval fit-answer`.

    Raises:
        ValueError: the file names a feature this code does not compute.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    weights = {str(k): float(v) for k, v in data["weights"].items()}
    unknown = set(weights) - set(FEATURES)
    confidence = None
    if "confidence" in data:
        c = data["confidence"]
        confidence = ConfidenceModel(
            float(c["bias"]), {str(k): float(v) for k, v in c["weights"].items()}
        )
        unknown |= set(confidence.weights) - set(CONFIDENCE_FEATURES)
    if unknown:
        raise ValueError(f"{path}: unknown answer features {sorted(unknown)}")
    return AnswerModel(weights, confidence, float(data.get("abstain_below", 0.2)))


@dataclass(frozen=True)
class Answer:
    best: Candidate | None
    confidence: float
    answered: bool


# Question-level evidence for the confidence model, each computed from the ranked
# candidates: the best score and its lead over the runner-up, the best sentence's
# similarity and term overlap (sentence and passage), the best passage's similarity,
# whether a "when / how many / who" question got a sentence without that kind of fact,
# and the idf-weighted share of the question's terms that occur nowhere in the corpus
# (an on-topic question about something the reports never mention, e.g. a budget),
# and `evidence`, the hand-made strength score used before the model was fitted.
CONFIDENCE_FEATURES = (
    "score", "margin", "semantic", "overlap", "coverage", "passage_similarity",
    "type_missing", "unknown_terms", "evidence",
)  # fmt: skip


def confidence_features(
    ranked: Sequence[Candidate],
    wanted: str | None,
    passage_similarity: float,
    unknown_terms: float,
) -> dict[str, float]:
    """The confidence model's inputs for one question (`ranked` best first, non-empty)."""
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else best.score
    return {
        "score": best.score,
        "margin": best.score - runner_up,
        "semantic": best.semantic,
        "overlap": best.overlap,
        "coverage": best.coverage,
        "passage_similarity": passage_similarity,
        "type_missing": 1.0 if wanted is not None and not best.has_type else 0.0,
        "unknown_terms": unknown_terms,
        "evidence": confidence_from(best, wanted, passage_similarity),
    }


# Hand-made evidence strength (the confidence before a model was fitted, and one of
# the fitted model's inputs): how on-topic the best evidence is (the larger of the
# answer sentence's and the best passage's similarity to the question) and how much
# of the question's idf-weighted vocabulary the sentence or its passage holds, mapped
# linearly onto [0, 1]. Off-topic questions score near 0.
CONFIDENCE_TOPICAL_WEIGHT = 0.7
CONFIDENCE_LOW, CONFIDENCE_SPAN = 0.1, 0.5
# A "how many / when / who" question answered by a sentence without a figure, date
# or name is weaker evidence.
MISSING_TYPE_PENALTY = 0.1


def confidence_from(
    candidate: Candidate, wanted: str | None = None, passage_similarity: float = 0.0
) -> float:
    """Map evidence strength to [0, 1]; rises with similarity and shared terms.

    Args:
        candidate: the chosen sentence.
        wanted: the question's type ("date", "number", "person") or None.
        passage_similarity: cosine of the question with the best passage, if known.
    """
    topical = max(candidate.semantic, passage_similarity)
    terms = max(candidate.overlap, candidate.coverage)
    evidence = CONFIDENCE_TOPICAL_WEIGHT * topical + (1 - CONFIDENCE_TOPICAL_WEIGHT) * terms
    if wanted is not None and not candidate.has_type:
        evidence -= MISSING_TYPE_PENALTY
    return float(np.clip((evidence - CONFIDENCE_LOW) / CONFIDENCE_SPAN, 0.0, 1.0))


def _normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


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
            title = _normalised(passage.document.title)
            # A headline restates the story; the evidence is in the sentences below it.
            text = passage.document.text
            kept = [(s, e) for s, e in sentences if _normalised(text[s:e]) != title]
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

    def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        *,
        scoring_question: str | None = None,
        prefer_recent: bool = False,
    ) -> Answer:
        """The best sentence of `passages` for `question`, or an abstention.

        Keyword arguments are as for `candidates`.
        """
        ranked = self.candidates(
            question, passages, scoring_question=scoring_question, prefer_recent=prefer_recent
        )
        return self.choose(question, ranked, passages, scoring_question)

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
    dates = {p.chunk.chunk_id: evidence_date(p.document) for p in passages}
    ordinals = [d.ordinal for d in dates.values() if d is not None]
    if not ordinals:
        return {}
    oldest, span = min(ordinals), max(max(ordinals) - min(ordinals), 1)
    return {cid: (d.ordinal - oldest) / span if d else 0.0 for cid, d in dates.items()}
