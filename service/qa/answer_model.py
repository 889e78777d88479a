"""The fitted answer model: ranking weights over candidate features, and the confidence model.

Written by `reportqa eval fit-answer` into `service/qa/answer_weights.json`; see
`service.qa.answer` for what each feature measures.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from service.qa.analysis import QuestionAnalysis
    from service.qa.answer import Candidate

FEATURES = (
    "semantic", "overlap", "context", "coverage", "rank", "typed", "recency", "short", "novel",
    "entity", "time_match", "time_conflict", "near", "overlap_z", "field",
)  # fmt: skip
# The first hand-set weights (rounded values from a sweep over the gold set); used
# when no fitted file is given, and as the comparison in `reportqa eval fit-answer`.
HAND_WEIGHTS = {
    "semantic": 0.45, "overlap": 0.4, "context": 0.15, "coverage": 0.1, "rank": 0.15,
    "typed": 0.25, "recency": 0.2, "short": 0.0, "novel": 0.0,
    "entity": 0.0, "time_match": 0.0, "time_conflict": 0.0, "near": 0.0, "overlap_z": 0.0,
    "field": 0.0,
}  # fmt: skip
WEIGHTS_PATH = Path(__file__).with_name("answer_weights.json")


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
    # Answers below this are shown as possible ones, to check: the lowest confidence at
    # which, held out, at most 5% of answerable questions were answered wrongly.
    warn_below: float = 0.5


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
    return AnswerModel(
        weights,
        confidence,
        float(data.get("abstain_below", 0.2)),
        float(data.get("warn_below", 0.5)),
    )


# Question-level evidence for the confidence model, each computed from the ranked
# candidates: the best score and its lead over the runner-up, the best sentence's
# similarity and term overlap (sentence and passage), the best passage's similarity,
# whether a "when / how many / who" question got a sentence without that kind of fact,
# and the idf-weighted share of the question's terms that occur nowhere in the corpus
# (an on-topic question about something the reports never mention, e.g. a budget),
# `evidence`, the hand-made strength score used before the model was fitted, and how
# the best sentence meets the question's constraints: the share of the names it gives
# that the sentence's context lacks, whether a question naming a period got a sentence
# whose passage fits no date of it, or a dated sentence that contradicts it; and
# whether a question about a document itself (its date, writer or addressee) got the
# line of the document that gives it (dateline, byline, signature, address).
CONFIDENCE_FEATURES = (
    "score", "margin", "semantic", "overlap", "coverage", "passage_similarity",
    "type_missing", "unknown_terms", "evidence", "entity_missing", "time_unmet",
    "time_conflict", "document_fact",
)  # fmt: skip


def confidence_features(
    analysis: QuestionAnalysis,
    ranked: Sequence[Candidate],
    passage_similarity: float,
    unknown_terms: float,
) -> dict[str, float]:
    """The confidence model's inputs for one question (`ranked` best first, non-empty)."""
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else best.score
    wanted = analysis.kind
    checked = best.evidence
    entity_missing = 1.0 - checked.entity if checked and analysis.entities else 0.0
    time_unmet = 1.0 if checked and analysis.time and checked.time_match == 0 else 0.0
    time_conflict = 1.0 if checked and checked.time_conflict else 0.0
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
        "entity_missing": entity_missing,
        "time_unmet": time_unmet,
        "time_conflict": time_conflict,
        "document_fact": 1.0 if best.gives_document_fact else 0.0,
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
