"""Evaluation metrics as pure functions (tested against hand-computed values).

Retrieval metrics take a ranked list of item ids (documents, or gold evidence
items) and the set of relevant ids. Answer metrics follow the SQuAD v1.1
evaluation script: lower-case, drop punctuation and the articles a/an/the,
collapse whitespace; exact match and token F1 take the best gold answer.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# --- retrieval ---------------------------------------------------------------------


def dedupe(ranked: Iterable[str]) -> list[str]:
    """Keep each id at its first (best) rank: a document's rank is its best chunk's."""
    return list(dict.fromkeys(ranked))


def hit_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """1.0 when any relevant id is among the first k, else 0.0."""
    return 1.0 if any(item in relevant for item in ranked[:k]) else 0.0


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the relevant ids found among the first k (0.0 when nothing is relevant)."""
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & set(relevant)) / len(set(relevant))


def reciprocal_rank(ranked: Sequence[str], relevant: Collection[str]) -> float:
    """1 / rank of the first relevant id, 0.0 when none is retrieved."""
    for rank, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevance: Mapping[str, float], k: int = 10) -> float:
    """Normalised discounted cumulative gain with linear gains (as BEIR/trec_eval).

    DCG = sum over ranks r of rel / log2(r + 1); each id counts once (first rank).
    """
    seen: set[str] = set()
    dcg = 0.0
    for rank, item in enumerate(ranked[:k], start=1):
        if item in seen:
            continue
        seen.add(item)
        dcg += relevance.get(item, 0.0) / math.log2(rank + 1)
    ideal = sorted((r for r in relevance.values() if r > 0), reverse=True)[:k]
    idcg = sum(rel / math.log2(rank + 1) for rank, rel in enumerate(ideal, start=1))
    return dcg / idcg if idcg > 0 else 0.0


@dataclass(frozen=True)
class Interval:
    """A passage or evidence span: [start, end) of one document."""

    doc_id: str
    start: int
    end: int


def contains(passage: Interval, span: Interval) -> bool:
    """True when the passage holds the whole span."""
    return passage.doc_id == span.doc_id and passage.start <= span.start and span.end <= passage.end


def evidence_labels(
    passages: Sequence[Interval], evidence: Sequence[Sequence[Interval]]
) -> list[str]:
    """Label each ranked passage with the gold evidence item it contains, if any.

    `evidence[i]` lists the occurrences of evidence item i (any one counts). A passage
    gets label `"e<i>"` for the first item it contains, or a unique miss label, so the
    retrieval metrics above apply unchanged at span level (relevant = {"e0", "e1", ...}).
    """
    labels = []
    for rank, passage in enumerate(passages):
        label = f"miss{rank}"
        for i, occurrences in enumerate(evidence):
            if any(contains(passage, span) for span in occurrences):
                label = f"e{i}"
                break
        labels.append(label)
    return labels


# --- answers -----------------------------------------------------------------------

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = set(string.punctuation) | set("\u2018\u2019\u201c\u201d\u2013\u2014")


def normalize_answer(text: str) -> str:
    """SQuAD normalisation: lower case, no punctuation, no articles, single spaces."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction: str | None, answers: Sequence[str]) -> float:
    if prediction is None or not answers:
        return 0.0
    pred = normalize_answer(prediction)
    return 1.0 if any(pred == normalize_answer(a) for a in answers) else 0.0


def _f1(prediction: str, answer: str) -> float:
    pred_tokens = normalize_answer(prediction).split()
    gold_tokens = normalize_answer(answer).split()
    common = Counter(pred_tokens) & Counter(gold_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision = same / len(pred_tokens)
    recall = same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str | None, answers: Sequence[str]) -> float:
    """Best SQuAD token F1 over the gold answers."""
    if prediction is None or not answers:
        return 0.0
    return max(_f1(prediction, a) for a in answers)


# Hyphens, dashes and slashes join words ("12-page", "2014/15"), and a bar parts a table's
# cells ("|19%|17.6%"); SQuAD's normalisation deletes them, which glues the words together
# ("12page", "19176"), so for containment they separate words instead, on both sides.
_JOINERS = re.compile("[-/|\u2010\u2011\u2013\u2014]")


def answer_contains_gold(prediction: str | None, answers: Sequence[str]) -> float:
    """1.0 when the normalised prediction contains any normalised gold answer as whole words."""
    if prediction is None or not answers:
        return 0.0

    def words(text: str) -> str:
        return f" {normalize_answer(_JOINERS.sub(' ', text))} "

    pred = words(prediction)
    return 1.0 if any(words(a) in pred for a in answers) else 0.0


def citation_precision(cited: Sequence[Interval], evidence: Sequence[Sequence[Interval]]) -> float:
    """Share of cited passages that contain a gold evidence span (0.0 when nothing is cited)."""
    if not cited:
        return 0.0
    good = sum(1 for c in cited if any(contains(c, s) for occ in evidence for s in occ))
    return good / len(cited)


def answer_supported(answer: str | None, cited_texts: Sequence[str]) -> float:
    """1.0 when the answer lies verbatim inside one of the cited passages."""
    if not answer:
        return 0.0
    return 1.0 if any(answer in text for text in cited_texts) else 0.0


# --- abstention --------------------------------------------------------------------


@dataclass(frozen=True)
class AbstentionScore:
    threshold: float | None  # None: the system's own decision
    precision: float  # of the questions abstained on, the share that were unanswerable
    recall: float  # of the unanswerable questions, the share abstained on
    f1: float
    answered_answerable: float  # coverage: share of answerable questions still answered
    abstained: int


def abstention_score(
    abstained: Sequence[bool], answerable: Sequence[bool], threshold: float | None = None
) -> AbstentionScore:
    """Precision/recall of abstaining, treating 'unanswerable' as the positive class."""
    pairs = list(zip(abstained, answerable, strict=True))
    true_pos = sum(1 for a, ok in pairs if a and not ok)
    n_abstained = sum(1 for a, _ in pairs if a)
    n_unanswerable = sum(1 for _, ok in pairs if not ok)
    n_answerable = len(pairs) - n_unanswerable
    precision = true_pos / n_abstained if n_abstained else 0.0
    recall = true_pos / n_unanswerable if n_unanswerable else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    answered = sum(1 for a, ok in pairs if ok and not a)
    return AbstentionScore(
        threshold=threshold,
        precision=precision,
        recall=recall,
        f1=f1,
        answered_answerable=answered / n_answerable if n_answerable else 0.0,
        abstained=n_abstained,
    )


def abstention_sweep(
    confidences: Sequence[float], answerable: Sequence[bool], thresholds: Iterable[float]
) -> list[AbstentionScore]:
    """Abstention quality if the service abstained whenever confidence < threshold."""
    return [
        abstention_score([c < t for c in confidences], answerable, threshold=t) for t in thresholds
    ]


# --- latency and averages ----------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    return float(np.percentile(np.asarray(values, dtype=float), q))


def mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0
