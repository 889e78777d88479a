"""Run a gold question set through a system and score it; read, compare and check results.

Each question is asked once through `ask` (answer, abstention, citations, latency) and
once through `search` with k=10 (retrieval metrics), as an outside script would.

A metric that needs gold data a question lacks (documents, evidence quotes) is left
out for that question rather than scored 0; `Aggregate.coverage` says how many
questions each figure is computed over.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field
from tqdm import tqdm

from eval import metrics as m
from eval.clients import QAClient, RetrievedPassage
from eval.datasets import GoldQuestion, ResolvedGold, read_gold, resolve_gold

RETRIEVAL_DEPTH = 10
SWEEP = [round(0.05 * i, 2) for i in range(21)]


class SpanOut(BaseModel):
    doc_id: str
    start: int
    end: int


class EvidenceOut(BaseModel):
    doc_path: str
    quote: str
    spans: list[SpanOut]


class QuestionResult(BaseModel):
    id: str
    question: str
    type: str
    tags: list[str]
    answerable: bool
    answers: list[str]
    doc_paths: list[str]
    doc_ids: list[str] = Field(..., description="Gold documents resolved against the index.")
    evidence: list[EvidenceOut] = Field(..., description="Gold evidence offsets in the index.")
    answer: str | None
    short_answer: str | None = None
    answered: bool
    confidence: float
    tentative: bool = False
    also_answered_for: list[str] = []  # other councils whose reports answer it differently
    latency_ms: float
    citations: list[SpanOut]
    retrieved: list[SpanOut] = Field(..., description=f"Top {RETRIEVAL_DEPTH} of /search.")
    correct: bool = Field(
        ..., description="Answerable: answered and contains a gold answer; else abstained."
    )
    metrics: dict[str, float]


class AbstentionOut(BaseModel):
    threshold: float | None
    precision: float
    recall: float
    f1: float
    answered_answerable: float
    abstained: int


class Aggregate(BaseModel):
    questions: int
    answerable: int
    unanswerable: int
    accuracy: float = Field(..., description="Share of questions handled correctly.")
    answer: dict[str, float] = Field(..., description="Over answerable questions.")
    retrieval_doc: dict[str, float] = Field(..., description="Gold documents, answerable only.")
    retrieval_span: dict[str, float] = Field(..., description="Gold evidence spans.")
    abstention: AbstentionOut
    abstention_sweep: list[AbstentionOut]
    latency_ms: dict[str, float]
    by_type: dict[str, dict[str, float]]
    coverage: dict[str, int] = Field(
        default_factory=dict, description="Questions behind each figure (0: not measured)."
    )


class SystemRun(BaseModel):
    system: str
    info: dict[str, str]
    top_k: int
    aggregate: Aggregate
    questions: list[QuestionResult]


class EvalResult(BaseModel):
    gold: str
    created_at: str
    runs: list[SystemRun]

    def run(self, system: str) -> SystemRun | None:
        return next((r for r in self.runs if r.system == system), None)


def _intervals(passages: Sequence[RetrievedPassage]) -> list[m.Interval]:
    return [m.Interval(p.doc_id, p.start, p.end) for p in passages]


def _evidence_intervals(q: ResolvedGold) -> list[list[m.Interval]]:
    return [[m.Interval(s.doc_id, s.start, s.end) for s in ev.spans] for ev in q.evidence]


def retrieval_metrics(ranked: Sequence[str], relevant: set[str]) -> dict[str, float]:
    """hit@1/3/5, recall@5/10, MRR, nDCG@10 for one ranked list of ids."""
    return {
        **{f"hit@{k}": m.hit_at_k(ranked, relevant, k) for k in (1, 3, 5)},
        **{f"recall@{k}": m.recall_at_k(ranked, relevant, k) for k in (5, 10)},
        "mrr": m.reciprocal_rank(ranked, relevant),
        "ndcg@10": m.ndcg_at_k(ranked, dict.fromkeys(relevant, 1.0), 10),
    }


def score_question(
    q: ResolvedGold, prediction_answer: str | None, answered: bool,
    citations: Sequence[RetrievedPassage], retrieved: Sequence[RetrievedPassage],
    short_answer: str | None = None, tentative: bool = False,
) -> tuple[dict[str, float], bool]:  # fmt: skip
    """Per-question metrics and whether the question was handled correctly.

    `short_answer` (the fact inside the answer, where the system gives one) is scored
    by exact match and F1 as `short_exact_match` / `short_f1`, falling back to the
    answer itself, the way a script that prefers the shortest given answer would. An
    answered question without gold is `answered_wrong`; `wrong_without_warning` too when
    the system did not mark it `tentative` (a possible answer to check).
    """
    gold = q.gold
    if not gold.answerable:
        return {}, not answered
    answer = prediction_answer if answered else None
    short = (short_answer or answer) if answered else None
    cited = _intervals(citations)
    # Gold documents and evidence are optional: without them their metrics are left out.
    scores = _retrieval_scores(q, retrieved)
    scores.update(
        {
            "exact_match": m.exact_match(answer, gold.answers),
            "f1": m.token_f1(answer, gold.answers),
            "short_exact_match": m.exact_match(short, gold.answers),
            "short_f1": m.token_f1(short, gold.answers),
            "contains_gold": m.answer_contains_gold(answer, gold.answers),
        }
    )
    wrong = answered and scores["contains_gold"] < 1.0
    scores.update(answered_wrong=float(wrong), wrong_without_warning=float(wrong and not tentative))
    if q.evidence:
        scores["citation_precision"] = m.citation_precision(cited, _evidence_intervals(q))
    if q.doc_ids:
        scores["citation_doc_precision"] = (
            sum(1 for c in cited if c.doc_id in q.doc_ids) / len(cited) if cited else 0.0
        )
    scores["answer_supported"] = m.answer_supported(answer, [c.text for c in citations])
    return scores, bool(answered and scores["contains_gold"] == 1.0)


def _retrieval_scores(q: ResolvedGold, retrieved: Sequence[RetrievedPassage]) -> dict[str, float]:
    """Document metrics when the gold names documents, span metrics when it quotes evidence."""
    scores = {}
    if q.doc_ids:
        docs = retrieval_metrics(m.dedupe(p.doc_id for p in retrieved), set(q.doc_ids))
        scores.update({f"doc_{k}": v for k, v in docs.items()})
    if q.evidence:
        evidence = _evidence_intervals(q)
        labels = m.evidence_labels(_intervals(retrieved), evidence)
        spans = retrieval_metrics(labels, {f"e{i}" for i in range(len(evidence))})
        scores.update({f"span_{k}": v for k, v in spans.items()})
    return scores


def _abstention(score: m.AbstentionScore) -> AbstentionOut:
    return AbstentionOut(
        threshold=score.threshold,
        precision=round(score.precision, 4),
        recall=round(score.recall, 4),
        f1=round(score.f1, 4),
        answered_answerable=round(score.answered_answerable, 4),
        abstained=score.abstained,
    )


def _means(
    rows: Sequence[dict[str, float]], keys: Sequence[str], fill: bool = True
) -> dict[str, float]:
    """Each key's mean over the rows that have it; a key no row has is 0 (`fill`) or left out."""
    covered = {k: [r[k] for r in rows if k in r] for k in keys}
    return {k: round(m.mean(v), 4) for k, v in covered.items() if v or fill}


ANSWER_KEYS = [
    "exact_match", "f1", "short_exact_match", "short_f1", "contains_gold", "answer_supported",
    "citation_precision", "citation_doc_precision", "answered_wrong", "wrong_without_warning",
]  # fmt: skip
RETRIEVAL_KEYS = ["hit@1", "hit@3", "hit@5", "recall@5", "recall@10", "mrr", "ndcg@10"]


def aggregate(results: Sequence[QuestionResult]) -> Aggregate:
    answerable = [r for r in results if r.answerable]
    scored = [r.metrics for r in answerable]
    latencies = [r.latency_ms for r in results]
    by_type: dict[str, list[QuestionResult]] = defaultdict(list)
    for r in results:
        by_type[r.type].append(r)
    type_rows = {}
    for kind, rows in sorted(by_type.items()):
        row = {"n": float(len(rows)), "correct": round(m.mean(float(r.correct) for r in rows), 4)}
        if rows[0].answerable:
            metrics = [r.metrics for r in rows]
            row.update(_means(metrics, ["contains_gold", "f1", "doc_hit@5"], fill=False))
        type_rows[kind] = row
    flags = [r.answerable for r in results]
    return Aggregate(
        questions=len(results),
        answerable=len(answerable),
        unanswerable=len(results) - len(answerable),
        accuracy=round(m.mean(float(r.correct) for r in results), 4),
        answer=_means(scored, ANSWER_KEYS),
        retrieval_doc=_prefixed_means(scored, "doc_"),
        retrieval_span=_prefixed_means(scored, "span_"),
        abstention=_abstention(m.abstention_score([not r.answered for r in results], flags)),
        abstention_sweep=[
            _abstention(s)
            for s in m.abstention_sweep([r.confidence for r in results], flags, SWEEP)
        ],
        latency_ms={
            "p50": round(m.percentile(latencies, 50), 1),
            "p95": round(m.percentile(latencies, 95), 1),
            "mean": round(m.mean(latencies), 1),
        },
        by_type=type_rows,
        coverage=coverage(results),
    )


def _prefixed_means(rows: Sequence[dict[str, float]], prefix: str) -> dict[str, float]:
    means = _means(rows, [prefix + k for k in RETRIEVAL_KEYS])
    return {k: means[prefix + k] for k in RETRIEVAL_KEYS}


# Coverage entry -> the per-question metric whose presence means the question counts.
COVERED_BY = {
    "answer": "contains_gold", "answer.citation_precision": "citation_precision",
    "answer.citation_doc_precision": "citation_doc_precision",
    "retrieval_doc": "doc_hit@1", "retrieval_span": "span_hit@1",
}  # fmt: skip


def coverage(results: Sequence[QuestionResult]) -> dict[str, int]:
    """How many questions each figure is computed over (see `figure_coverage`)."""
    scored = [r.metrics for r in results if r.answerable]
    having = {key: sum(1 for s in scored if name in s) for key, name in COVERED_BY.items()}
    return {"accuracy": len(results), **having, "abstention.precision": len(results),
            "abstention.recall": len(results) - len(scored)}  # fmt: skip


def figure_coverage(agg: Aggregate, figure: str) -> int | None:
    """Questions behind a headline figure; None when unknown (latency, older results)."""
    return agg.coverage.get(figure, agg.coverage.get(figure.split(".", 1)[0]))


def evaluate(
    client: QAClient,
    questions: Sequence[ResolvedGold],
    top_k: int = 5,
    progress: bool = True,
) -> SystemRun:
    """Ask every question, score it, and aggregate."""
    results = []
    for q in tqdm(questions, desc=f"eval {client.name}", unit="q", disable=not progress):
        history = [(t.role, t.content) for t in q.gold.history]
        prediction = client.ask(q.gold.question, top_k, history)
        retrieved = client.search(q.gold.question, RETRIEVAL_DEPTH)
        scores, correct = score_question(
            q, prediction.answer, prediction.answered, prediction.citations, retrieved,
            prediction.short_answer, prediction.tentative,
        )  # fmt: skip
        results.append(
            QuestionResult(
                **q.gold.model_dump(exclude={"evidence"}),
                doc_ids=list(q.doc_ids),
                evidence=[
                    EvidenceOut(
                        doc_path=ev.doc_path,
                        quote=ev.quote,
                        spans=[
                            SpanOut(doc_id=s.doc_id, start=s.start, end=s.end) for s in ev.spans
                        ],
                    )
                    for ev in q.evidence
                ],
                answer=prediction.answer,
                short_answer=prediction.short_answer,
                answered=prediction.answered,
                confidence=prediction.confidence,
                tentative=prediction.tentative,
                also_answered_for=list(prediction.also_answered_for),
                latency_ms=round(prediction.latency_ms, 2),
                citations=[
                    SpanOut(doc_id=c.doc_id, start=c.start, end=c.end) for c in prediction.citations
                ],
                retrieved=[SpanOut(doc_id=p.doc_id, start=p.start, end=p.end) for p in retrieved],
                correct=correct,
                metrics={k: round(v, 4) for k, v in scores.items()},
            )
        )
    return SystemRun(
        system=client.name,
        info=client.describe(),
        top_k=top_k,
        aggregate=aggregate(results),
        questions=results,
    )


def run_gold(
    gold_path: Path, clients: Sequence[QAClient], top_k: int = 5, progress: bool = True,
    limit: int | None = None, questions: Sequence[GoldQuestion] | None = None,
) -> EvalResult:  # fmt: skip
    """Resolve the gold file (or its `questions`, read already) and evaluate each client."""
    questions = list(read_gold(gold_path) if questions is None else questions)[:limit]
    runs = []
    for client in clients:
        resolved = resolve_gold(questions, client.documents())
        runs.append(evaluate(client, resolved, top_k=top_k, progress=progress))
    return EvalResult(
        gold=str(gold_path), created_at=datetime.now(UTC).isoformat(timespec="seconds"), runs=runs
    )


# --- headline figures, comparison, floors --------------------------------------------


def headline(agg: Aggregate) -> dict[str, float]:
    """The flat set of figures compared between runs and checked against floors."""
    figures = {"accuracy": agg.accuracy}
    for part, values in (("answer", agg.answer), ("retrieval_doc", agg.retrieval_doc),
                         ("retrieval_span", agg.retrieval_span)):  # fmt: skip
        figures.update({f"{part}.{k}": v for k, v in values.items()})
    figures["abstention.precision"] = agg.abstention.precision
    figures["abstention.recall"] = agg.abstention.recall
    figures.update({f"latency_ms.{p}": agg.latency_ms[p] for p in ("p50", "p95")})
    return figures


def read_result(path: Path) -> EvalResult:
    return EvalResult.model_validate_json(path.read_text(encoding="utf-8"))


def compare(old: EvalResult, new: EvalResult) -> str:
    """A plain-text table of every headline figure: old, new and the change."""
    lines = []
    for run in new.runs:
        before = old.run(run.system)
        if before is None:
            lines.append(f"{run.system}: not in the old result")
            continue
        lines.append(f"{run.system}")
        old_figures = headline(before.aggregate)
        for key, value in headline(run.aggregate).items():
            if key in old_figures:
                delta = value - old_figures[key]
                mark = "" if abs(delta) < 1e-9 else (" +" if delta > 0 else " -")
                lines.append(
                    f"  {key:<34} {old_figures[key]:>9.4f} -> {value:>9.4f}  "
                    f"({delta:+.4f}){mark.rstrip()}"
                )
    return "\n".join(lines)


def check_floors(run: SystemRun, floors: dict[str, float]) -> list[str]:
    """Every headline figure that fell below its floor, as readable messages."""
    figures = headline(run.aggregate)
    failures = []
    for key, floor in floors.items():
        if key not in figures:
            failures.append(f"{key}: no such figure")
        elif figure_coverage(run.aggregate, key) == 0:
            failures.append(f"{key}: not measured (no question has the gold data it needs)")
        elif figures[key] < floor:
            failures.append(f"{key} = {figures[key]:.4f} is below the floor {floor:.4f}")
    return failures


def read_floors(path: Path) -> dict[str, dict[str, float]]:
    """System name -> {headline figure: minimum}."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {system: dict(values) for system, values in raw.items() if not system.startswith("_")}
