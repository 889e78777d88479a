"""Fit the answer model on gold sets, and check it by cross-validation.

(About 400 lines: ranking, confidence, the threshold sweep and cross-validation share
one question record and are read together.)

The answer stage has two learned parts (`service/qa/answer.py`):

1. **Ranking.** Every sentence of the top passages is scored as a weighted sum of a
   few features (`FEATURES`). For each answerable gold question the engine lists
   exactly the candidates `/ask` would weigh; a candidate is positive when the answer
   it would be shown as (its whole sentence where a wrapped line cut it, run on through
   a list it announces) contains a gold answer, the figure the harness reports. The
   weights maximise the softmax probability of the positive candidates within each
   question (a conditional logit with an L2 penalty), fitted by L-BFGS.
2. **Confidence.** A logistic model of "the chosen sentence contains a gold answer"
   over question-level evidence (`CONFIDENCE_FEATURES`), fitted on every gold
   question: unanswerable ones and wrongly answered ones are the negatives. Its
   probability is the response's `confidence`; below `REPORTQA_ABSTAIN_BELOW` the
   service abstains.

Fitting and scoring on the same questions flatters the result, so the command also
reports k-fold cross-validation: each fold's questions are answered, and their
confidence computed, by models fitted on the other folds only. The held-out figures
are the honest ones, and the threshold sweep that picks the operating point is done
on held-out confidences. All of it is written into the model file.

    reportqa eval fit-answer [--gold FILE[=INDEX] ...] [--index DIR] [--out FILE]

A gold file may name the index its questions are asked over (`fresh.jsonl=var/corpora/
with-fresh/index`), so one model learns from several corpora: what ranks and what is
sure differs between five reports and thirty-five.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from eval.datasets import GoldQuestion
from eval.metrics import abstention_sweep, answer_contains_gold
from service.qa import (
    CONFIDENCE_FEATURES,
    FEATURES,
    HAND_WEIGHTS,
    UNMET_CONFIDENCE,
    Answerer,
    AnswerInputs,
    AskRequest,
    Candidate,
    ConfidenceModel,
    QAEngine,
    best_falls_short,
    completed,
    score,
)

DEFAULT_L2 = 1.0
# Weights bounded by a promise of the service, not learnt from a few questions:
# "current / latest" questions prefer newer evidence (recency is only non-zero for
# them, and the fitted sets hold a dozen such questions, too few to weigh it: left
# free, the fit puts it at 0 and the newest report wins or loses by a hair). The
# floor costs 0.008 of cross-validated top-1 (2 of 248 questions).
WEIGHT_BOUNDS: dict[str, tuple[float, float | None]] = {"recency": (1.0, None)}
DEFAULT_FOLDS = 5


@dataclass(frozen=True)
class QuestionCandidates:
    """One gold question: its answer inputs, candidate features (n x d) and labels (n)."""

    id: str
    answerable: bool
    inputs: AnswerInputs
    features: np.ndarray
    positive: np.ndarray  # bool per candidate: it contains a gold answer
    answerer: Answerer | None = None  # of the index asked; computes confidence inputs

    @property
    def learnable(self) -> bool:
        """Some candidate is right, so the question says which features matter."""
        return bool(self.positive.any())


def shown_contains_gold(candidate: Candidate, answers: Sequence[str]) -> bool:
    """Whether the answer `candidate` would be shown as contains a gold answer: a line
    cut from a wrapped sentence is shown whole, a sentence ending in a colon with its
    list (`service.qa.completion`), and the harness scores what is shown."""
    return answer_contains_gold(completed(candidate).text, answers) > 0


def collect(engine: QAEngine, questions: Sequence[GoldQuestion]) -> list[QuestionCandidates]:
    """The candidates the engine weighs for every gold question, labelled."""
    groups = []
    for q in questions:
        history = [t.model_dump() for t in q.history]
        inputs = engine.answer_inputs(
            AskRequest.model_validate({"question": q.question, "history": history})
        )
        candidates = inputs.candidates
        features = np.array(
            [[c.features.get(name, 0.0) for name in FEATURES] for c in candidates],
            dtype=np.float64,
        ).reshape(len(candidates), len(FEATURES))
        positive = np.array(
            [q.answerable and shown_contains_gold(c, q.answers) for c in candidates], dtype=bool
        )
        groups.append(
            QuestionCandidates(q.id, q.answerable, inputs, features, positive, engine.answerer)
        )
    return groups


# --- ranking ------------------------------------------------------------------


def _ranking_loss(
    w: np.ndarray, groups: Sequence[QuestionCandidates], l2: float
) -> tuple[float, np.ndarray]:
    """Negative log-probability of the positive candidates, summed over questions."""
    loss = 0.5 * l2 * float(w @ w)
    grad = l2 * w
    for g in groups:
        scores = g.features @ w
        scores -= scores.max()
        p = np.exp(scores)
        p /= p.sum()
        p_pos = p[g.positive]
        mass = p_pos.sum()
        loss -= float(np.log(mass))
        # d/dw of -log(sum_pos p) = E_p[x] - E_{p restricted to positives}[x]
        grad += p @ g.features - (p_pos / mass) @ g.features[g.positive]
    return loss, grad


def fit(groups: Sequence[QuestionCandidates], l2: float = DEFAULT_L2) -> dict[str, float]:
    """Ranking weights maximising the positives' softmax probability.

    Questions without a right candidate (unanswerable ones among them) say nothing
    about ranking and are skipped.
    """
    learnable = [g for g in groups if g.learnable]
    if not learnable:
        raise ValueError("no question has a candidate that contains its gold answer")
    result = minimize(
        _ranking_loss,
        np.zeros(len(FEATURES)),
        args=(learnable, l2),
        jac=True,
        method="L-BFGS-B",
        bounds=[WEIGHT_BOUNDS.get(name, (None, None)) for name in FEATURES],
    )
    return {name: round(float(v), 4) for name, v in zip(FEATURES, result.x, strict=True)}


def _best(g: QuestionCandidates, w: np.ndarray) -> int | None:
    # Ties go to the earlier candidate, as in the service's stable sort.
    return int(np.argmax(g.features @ w)) if len(g.positive) else None


def top1_correct(g: QuestionCandidates, weights: Mapping[str, float]) -> bool:
    """The best-scored candidate under `weights` contains a gold answer."""
    best = _best(g, np.array([weights.get(name, 0.0) for name in FEATURES]))
    return best is not None and bool(g.positive[best])


def top1_accuracy(groups: Sequence[QuestionCandidates], weights: Mapping[str, float]) -> float:
    """Share of answerable questions whose best candidate contains a gold answer.

    A question with no right candidate counts as a miss, as it does for the service.
    """
    answerable = [g for g in groups if g.answerable]
    if not answerable:
        return 0.0
    return sum(top1_correct(g, weights) for g in answerable) / len(answerable)


# --- confidence ---------------------------------------------------------------


def _reranked(g: QuestionCandidates, weights: Mapping[str, float]) -> list[Candidate]:
    rescored = [
        dataclasses.replace(c, score=score(c.features, weights)) for c in g.inputs.candidates
    ]
    return sorted(rescored, key=lambda c: -c.score)


def confidence_matrix(
    groups: Sequence[QuestionCandidates], weights: Mapping[str, float]
) -> np.ndarray:
    """The confidence model's inputs per question, with candidates ranked by `weights`.

    Computed by the service's own `Answerer.confidence_inputs`, so the fitter and the
    service can never disagree on what a feature means.
    """
    rows = []
    for g in groups:
        ranked = _reranked(g, weights)
        if g.answerer is None:
            raise ValueError(f"question {g.id} was collected without its index's answerer")
        if not ranked:
            rows.append([0.0] * len(CONFIDENCE_FEATURES))
            continue
        inputs = g.answerer.confidence_inputs(g.inputs.analysis, ranked, g.inputs.passages)
        rows.append([inputs[name] for name in CONFIDENCE_FEATURES])
    return np.array(rows, dtype=np.float64).reshape(len(groups), len(CONFIDENCE_FEATURES))


def _logistic_loss(
    params: np.ndarray, x: np.ndarray, y: np.ndarray, l2: float
) -> tuple[float, np.ndarray]:
    bias, w = params[0], params[1:]
    z = bias + x @ w
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
    eps = 1e-12
    loss = -float(np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)))
    loss += 0.5 * l2 * float(w @ w)  # the bias is not penalised
    residual = p - y
    grad = np.concatenate([[residual.sum()], x.T @ residual + l2 * w])
    return loss, grad


def fit_confidence(x: np.ndarray, correct: np.ndarray, l2: float = DEFAULT_L2) -> ConfidenceModel:
    """Logistic regression of `correct` on the confidence features `x`."""
    result = minimize(
        _logistic_loss,
        np.zeros(x.shape[1] + 1),
        args=(x, correct.astype(np.float64), l2),
        jac=True,
        method="L-BFGS-B",
    )
    bias, w = float(result.x[0]), result.x[1:]
    return ConfidenceModel(
        round(bias, 4),
        {name: round(float(v), 4) for name, v in zip(CONFIDENCE_FEATURES, w, strict=True)},
    )


@dataclass(frozen=True)
class SweepRow:
    threshold: float
    abstain_recall: float  # unanswerable questions that abstain
    abstain_precision: float  # abstentions that were on unanswerable questions
    answerable_abstaining: float
    right_answers_withheld: float  # answerable questions answered right without abstention
    accuracy: float  # answered with gold, or abstained when unanswerable
    answered_wrong: float = 0.0  # answerable questions answered, and wrongly


def sweep(
    confidences: Sequence[float], answerable: Sequence[bool], correct: Sequence[bool]
) -> list[SweepRow]:
    """Abstention trade-off at every threshold 0.00, 0.05, ..., 1.00.

    Precision, recall and answered share come from `eval.metrics.abstention_sweep`;
    the rows add what abstaining costs and gains in accuracy.
    """
    thresholds = [step / 20 for step in range(21)]
    n_answerable = sum(answerable)
    rows = []
    for t, scored in zip(
        thresholds, abstention_sweep(confidences, answerable, thresholds), strict=True
    ):
        abstains = [c < t for c in confidences]
        withheld = sum(
            ab and a and ok for ab, a, ok in zip(abstains, answerable, correct, strict=True)
        )
        right = sum(
            (ab and not a) or (not ab and a and ok)
            for ab, a, ok in zip(abstains, answerable, correct, strict=True)
        )
        wrong = sum(
            not ab and a and not ok for ab, a, ok in zip(abstains, answerable, correct, strict=True)
        )
        rows.append(
            SweepRow(
                threshold=t,
                abstain_recall=round(scored.recall, 4),
                abstain_precision=round(scored.precision, 4),
                answerable_abstaining=(
                    round(1 - scored.answered_answerable, 4) if n_answerable else 0.0
                ),
                right_answers_withheld=round(withheld / n_answerable, 4) if n_answerable else 0.0,
                accuracy=round(right / len(answerable), 4) if answerable else 0.0,
                answered_wrong=round(wrong / n_answerable, 4) if n_answerable else 0.0,
            )
        )
    return rows


# Answerable questions the service may decline, held out: the answers issue's bound.
MAX_ANSWERABLE_ABSTAINING = 0.10


def operating_point(
    rows: Sequence[SweepRow], max_answerable_abstaining: float = MAX_ANSWERABLE_ABSTAINING
) -> SweepRow:
    """The highest threshold that declines at most `max_answerable_abstaining` of the
    answerable questions (held out); the most accurate one when no threshold above 0
    does (questions abstained on by rule may use up the budget).

    Within that budget a higher threshold only turns answers into abstentions that are
    mostly right (unanswerable questions, or answers that would have been wrong): a
    member of staff is better served by "no answer" and the related passages than by
    a confident wrong sentence. Accuracy alone is flat over a wide range of
    thresholds, so choosing by it alone swings with one or two questions.
    """
    within = [
        r for r in rows if r.threshold > 0 and r.answerable_abstaining <= max_answerable_abstaining
    ]
    if within:
        return max(within, key=lambda r: r.threshold)
    return max(rows, key=lambda r: (r.accuracy, -r.threshold))


# Answerable questions the service may answer wrongly without a warning, held out: the
# answers issue's bound on confidently wrong answers.
MAX_CONFIDENTLY_WRONG = 0.05


def warning_point(
    rows: Sequence[SweepRow], abstain_below: float, max_wrong: float = MAX_CONFIDENTLY_WRONG
) -> SweepRow:
    """The lowest threshold (at or above `abstain_below`) above which at most `max_wrong`
    of the answerable questions were answered wrongly, held out: answers below it are
    shown as possible answers to check. The top row (1.0: every answer flagged) when
    no threshold is that safe."""
    safe = [r for r in rows if r.threshold >= abstain_below and r.answered_wrong <= max_wrong]
    return min(safe, key=lambda r: r.threshold) if safe else max(rows, key=lambda r: r.threshold)


# --- cross-validation ---------------------------------------------------------


@dataclass(frozen=True)
class CrossValidation:
    folds: int
    questions: int
    answerable: int
    learnable: int
    top1_fitted: float  # held-out top-1 contains gold, answerable questions
    top1_hand: float  # the hand-set weights on the same questions
    sweep: list[SweepRow]  # on held-out confidences

    def chosen_points(self) -> tuple[SweepRow, SweepRow]:
        """The abstention threshold (`operating_point`) and, above it, the warning one
        (`warning_point`): what the service ships, picked on held-out confidences."""
        chosen = operating_point(self.sweep)
        return chosen, warning_point(self.sweep, chosen.threshold)


def _folds(n: int, folds: int, seed: int) -> list[int]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    assignment = [0] * n
    for position, index in enumerate(order):
        assignment[index] = position % folds
    return assignment


def _by_rule(g: QuestionCandidates, weights: Mapping[str, float]) -> bool:
    """The service abstains whatever the confidence: the question's constraints are unmet
    (retrieval found nothing that can meet them, or the chosen sentence lacks the kind
    of fact asked for or is about another council than the one named)."""
    if g.inputs.unmet:
        return True
    ranked = _reranked(g, weights)
    evidence = ranked[0].evidence if ranked else None
    return evidence is not None and best_falls_short(g.inputs.analysis, evidence) is not None


def _scored(
    groups: Sequence[QuestionCandidates], weights: Mapping[str, float]
) -> list[QuestionCandidates]:
    """The questions confidence decides: not those abstained on by rule."""
    return [g for g in groups if not _by_rule(g, weights)]


def cross_validate(
    groups: Sequence[QuestionCandidates],
    folds: int = DEFAULT_FOLDS,
    l2: float = DEFAULT_L2,
    seed: int = 0,
) -> CrossValidation:
    """k-fold cross-validation over questions (a fixed shuffle, so it is reproducible)."""
    assignment = _folds(len(groups), folds, seed)
    correct = [False] * len(groups)
    confidence = [0.0] * len(groups)
    for fold in range(folds):
        train = [g for g, a in zip(groups, assignment, strict=True) if a != fold]
        held = [i for i, a in enumerate(assignment) if a == fold]
        weights = fit(train, l2)
        scored = _scored(train, weights)
        train_correct = np.array([top1_correct(g, weights) for g in scored])
        model = fit_confidence(confidence_matrix(scored, weights), train_correct, l2)
        held_x = confidence_matrix([groups[i] for i in held], weights)
        for row, i in zip(held_x, held, strict=True):
            correct[i] = top1_correct(groups[i], weights)
            confidence[i] = model.probability(dict(zip(CONFIDENCE_FEATURES, row, strict=True)))
            if _by_rule(groups[i], weights):
                confidence[i] = min(confidence[i], UNMET_CONFIDENCE)  # as the service reports
    answerable = [g.answerable for g in groups]
    n_answerable = sum(answerable)
    hand = sum(top1_correct(g, HAND_WEIGHTS) for g in groups if g.answerable)
    return CrossValidation(
        folds=folds,
        questions=len(groups),
        answerable=n_answerable,
        learnable=sum(g.learnable for g in groups),
        top1_fitted=round(
            sum(c for c, a in zip(correct, answerable, strict=True) if a) / n_answerable, 4
        ),
        top1_hand=round(hand / n_answerable, 4),
        sweep=sweep(confidence, answerable, correct),
    )


@dataclass(frozen=True)
class FittedModel:
    weights: dict[str, float]
    confidence: ConfidenceModel
    top1_in_sample: float


def fit_all(groups: Sequence[QuestionCandidates], l2: float) -> FittedModel:
    """Both parts fitted on every question (what the service ships)."""
    weights = fit(groups, l2)
    scored = _scored(groups, weights)
    correct = np.array([top1_correct(g, weights) for g in scored])
    model = fit_confidence(confidence_matrix(scored, weights), correct, l2)
    return FittedModel(weights, model, top1_accuracy(groups, weights))


def write_model(
    path: Path, fitted: FittedModel, cv: CrossValidation, gold: Sequence[str], l2: float
) -> None:
    """The file `service.qa.answer.load_model` reads, with how it was made."""
    chosen, warning = cv.chosen_points()
    record = {
        "about": (
            "Answer model fitted by `reportqa eval fit-answer` (eval/fit_answer.py): "
            "ranking weights of candidate sentences and the logistic confidence model. "
            "`cross_validation` holds held-out figures; `abstain_below` is the operating "
            "point chosen on held-out confidences; answers below `warn_below` are shown as "
            "possible answers to check (at most 5% of answerable questions answered wrongly "
            "above it, held out)."
        ),
        "weights": fitted.weights,
        "confidence": {"bias": fitted.confidence.bias, "weights": dict(fitted.confidence.weights)},
        "abstain_below": chosen.threshold,
        "warn_below": warning.threshold,
        "fitted_on": list(gold),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "l2": l2,
        "top1_contains_gold_in_sample": round(fitted.top1_in_sample, 4),
        "cross_validation": {
            "folds": cv.folds,
            "questions": cv.questions,
            "answerable": cv.answerable,
            "answerable_with_a_right_candidate": cv.learnable,
            "top1_contains_gold_fitted": cv.top1_fitted,
            "top1_contains_gold_hand_weights": cv.top1_hand,
            "operating_point": dataclasses.asdict(chosen),
            "warning_point": dataclasses.asdict(warning),
            "sweep": [dataclasses.asdict(r) for r in cv.sweep],
        },
    }
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
