"""The harness end to end with a scripted client: scoring, aggregation, compare, floors, docs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from eval.clients import Prediction, RetrievedPassage
from eval.datasets import GoldEvidence, GoldQuestion, IndexedDocument, resolve_gold
from eval.report import DOCS_END, DOCS_START, docs_section, summary_markdown, write_docs_section
from eval.run import EvalResult, check_floors, compare, evaluate, headline, score_question

TEXT = "The trust launched in October 2014. It was rated good in 2018. Norfolk is elsewhere."
DOC = IndexedDocument("d1", "a.txt", TEXT)
LAUNCH = RetrievedPassage("d1", 0, 35, TEXT[0:35])
RATING = RetrievedPassage("d1", 36, 62, TEXT[36:62])
OTHER = RetrievedPassage("d1", 63, len(TEXT), TEXT[63:])


class ScriptedClient:
    """Answers from a script: question -> (answer or None, confidence, citations)."""

    name = "scripted"

    def __init__(self, script: dict[str, tuple[str | None, float, list[RetrievedPassage]]]) -> None:
        self.script = script

    def documents(self) -> list[IndexedDocument]:
        return [DOC]

    def ask(self, question: str, top_k: int, history: Sequence[tuple[str, str]] = ()) -> Prediction:
        answer, confidence, citations = self.script[question]
        short = SHORT.get(question)
        tentative = answer is not None and confidence < TENTATIVE_BELOW
        return Prediction(
            answer, answer is not None, confidence, citations[:top_k], 10.0, short, tentative
        )

    def search(self, query: str, k: int) -> list[RetrievedPassage]:
        return self.script[query][2][:k]

    def describe(self) -> dict[str, str]:
        return {"client": "scripted"}


def _gold() -> list[GoldQuestion]:
    rows = [
        ("q1", "When did it launch?", "date", ["October 2014"], "launched in October 2014"),
        ("q2", "How was it rated?", "fact", ["good"], "rated good in 2018"),
        ("q3", "What is the capital of France?", "unanswerable", [], None),
        ("q4", "What is Rotherham's budget?", "unanswerable", [], None),
    ]
    return [
        GoldQuestion(
            id=qid,
            question=text,
            type=kind,
            answerable=bool(answers),
            answers=answers,
            doc_paths=["a.txt"] if quote else [],
            evidence=[GoldEvidence(doc_path="a.txt", quote=quote)] if quote else [],
        )
        for qid, text, kind, answers, quote in rows
    ]


SCRIPT = {
    # right answer, gold passage cited second
    "When did it launch?": ("The trust launched in October 2014.", 0.9, [RATING, LAUNCH]),
    # wrong answer, gold passage never retrieved
    "How was it rated?": ("Norfolk is elsewhere.", 0.5, [OTHER]),
    # correct abstention
    "What is the capital of France?": (None, 0.1, [OTHER]),
    # wrongly answered
    "What is Rotherham's budget?": ("Norfolk is elsewhere.", 0.4, [OTHER]),
}


# The scripted system marks its answers below this as possible ones, to check.
TENTATIVE_BELOW = 0.6

# The system's short answer (the asked-for fact), where it gives one.
SHORT = {"When did it launch?": "October 2014"}


def _run() -> EvalResult:
    resolved = resolve_gold(_gold(), [DOC])
    run = evaluate(ScriptedClient(SCRIPT), resolved, top_k=5, progress=False)
    return EvalResult(gold="test", created_at="now", runs=[run])


def test_per_question_scores() -> None:
    run = _run().runs[0]
    q1, q2, q3, q4 = run.questions
    assert q1.correct and not q2.correct and q3.correct and not q4.correct
    assert q1.evidence[0].spans[0].start == TEXT.index("launched")
    assert q1.metrics["contains_gold"] == 1.0
    assert q1.metrics["exact_match"] == 0.0
    # The short answer is scored on its own; without one the answer stands in for it.
    assert q1.metrics["short_exact_match"] == 1.0 and q1.metrics["short_f1"] == 1.0
    assert q2.metrics["short_exact_match"] == q2.metrics["exact_match"] == 0.0
    assert q2.metrics["short_f1"] == q2.metrics["f1"]
    assert q1.metrics["answer_supported"] == 1.0
    assert q1.metrics["citation_precision"] == 0.5
    assert q1.metrics["span_mrr"] == 0.5
    assert q1.metrics["doc_hit@1"] == 1.0
    assert q2.metrics["span_hit@5"] == 0.0
    assert q2.metrics["answer_supported"] == 1.0
    assert q3.metrics == {}
    # A wrong answer marked tentative (q2: confidence 0.5) was shown with a warning.
    assert q1.metrics["answered_wrong"] == 0.0 and q1.metrics["wrong_without_warning"] == 0.0
    assert q2.metrics["answered_wrong"] == 1.0 and q2.metrics["wrong_without_warning"] == 0.0
    assert q2.tentative and not q1.tentative
    plain = score_question(
        resolve_gold(_gold(), [DOC])[1], "Norfolk is elsewhere.", True, [], [], None, False
    )
    assert plain[0]["wrong_without_warning"] == 1.0


def test_aggregate() -> None:
    agg = _run().runs[0].aggregate
    assert (agg.questions, agg.answerable, agg.unanswerable) == (4, 2, 2)
    assert agg.accuracy == 0.5
    assert agg.answer["contains_gold"] == 0.5
    assert agg.retrieval_span["mrr"] == 0.25
    assert agg.retrieval_doc["hit@5"] == 1.0
    # abstained only on q3: precision 1, recall 1/2
    assert (agg.abstention.precision, agg.abstention.recall) == (1.0, 0.5)
    at_045 = next(s for s in agg.abstention_sweep if s.threshold == 0.45)
    assert (at_045.abstained, at_045.precision, at_045.recall) == (2, 1.0, 1.0)
    assert agg.latency_ms["p50"] == 10.0
    assert agg.by_type["unanswerable"]["correct"] == 0.5


def test_result_round_trips_and_compare_shows_deltas(tmp_path: Path) -> None:
    result = _run()
    path = tmp_path / "r.json"
    path.write_text(result.model_dump_json())
    again = EvalResult.model_validate_json(path.read_text())
    assert again == result
    better = result.model_copy(deep=True)
    better.runs[0].aggregate.accuracy = 0.75
    text = compare(result, better)
    assert "accuracy" in text and "0.5000 ->    0.7500  (+0.2500)" in text


def test_floors() -> None:
    run = _run().runs[0]
    assert check_floors(run, {"accuracy": 0.5, "answer.contains_gold": 0.4}) == []
    failures = check_floors(run, {"accuracy": 0.6, "nonsense": 0.1})
    assert failures == ["accuracy = 0.5000 is below the floor 0.6000", "nonsense: no such figure"]
    assert headline(run.aggregate)["retrieval_doc.hit@5"] == 1.0


def test_markdown_and_docs_section(tmp_path: Path) -> None:
    result = _run()
    summary = summary_markdown(result)
    assert "| accuracy (answered with gold / abstained when unanswerable) | 0.500 |" in summary
    assert "`q2` (fact)" in summary
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\n<!-- bench:start -->\nspeed\n<!-- bench:end -->\n")
    write_docs_section(docs, docs_section(result, []))
    write_docs_section(docs, docs_section(result, []))
    text = docs.read_text()
    assert text.count(DOCS_START) == 1 and text.count(DOCS_END) == 1
    assert "<!-- bench:start -->\nspeed\n<!-- bench:end -->" in text
    assert "scripted" in text
    assert "Held-out gold set" not in text
    write_docs_section(docs, docs_section(result, [], heldout=result))
    text = docs.read_text()
    assert text.count("### Held-out gold set") == 1 and text.count(DOCS_START) == 1


@pytest.mark.parametrize(
    "argv, func",
    [
        (["eval"], "cmd_gold"),
        (["eval", "--gold", "g.jsonl", "--url", "http://x:1", "--compare", "o.json"], "cmd_gold"),
        (["eval", "beir", "../shared/data/scifact", "--mode", "dense"], "cmd_beir"),
        (["eval", "resolve", "--gold", "g.jsonl"], "cmd_resolve"),
        (["eval", "docs"], "cmd_docs"),
    ],
)
def test_cli_parses(argv: list[str], func: str) -> None:
    from service.cli import build_parser

    args = build_parser().parse_args(argv)
    assert args.func.__name__ == func
