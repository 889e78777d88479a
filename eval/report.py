"""Markdown from results: a run summary, and the accuracy section of docs/benchmarks.md."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from eval.beir import BeirRun
from eval.markdown import replace_block
from eval.run import EvalResult, SystemRun

DOCS_START = "<!-- eval:start -->"
DOCS_END = "<!-- eval:end -->"

# Published nDCG@10 on SciFact (BEIR paper; sentence-transformers model card / MTEB).
PUBLISHED_SCIFACT = {"BM25 (published, BEIR)": 0.665, "all-MiniLM-L6-v2 dense (published)": 0.645}

_SYSTEM_ROWS = [
    ("accuracy (answered with gold / abstained when unanswerable)", "accuracy"),
    ("answer contains gold", "answer.contains_gold"),
    ("answered wrong (share of answerable)", "answer.answered_wrong"),
    ("answered wrong without a possible-answer warning", "answer.wrong_without_warning"),
    ("exact match (SQuAD)", "answer.exact_match"),
    ("token F1 (SQuAD)", "answer.f1"),
    ("exact match, short answer where given", "answer.short_exact_match"),
    ("token F1, short answer where given", "answer.short_f1"),
    ("answer verbatim in a cited passage", "answer.answer_supported"),
    ("citation precision (cited passage holds the gold span)", "answer.citation_precision"),
    ("citation precision (cited passage from a gold document)", "answer.citation_doc_precision"),
    ("document hit@1", "retrieval_doc.hit@1"),
    ("document hit@5", "retrieval_doc.hit@5"),
    ("document recall@5", "retrieval_doc.recall@5"),
    ("document MRR", "retrieval_doc.mrr"),
    ("document nDCG@10", "retrieval_doc.ndcg@10"),
    ("evidence-span hit@5", "retrieval_span.hit@5"),
    ("evidence-span MRR", "retrieval_span.mrr"),
    ("evidence-span nDCG@10", "retrieval_span.ndcg@10"),
    ("abstention precision", "abstention.precision"),
    ("abstention recall", "abstention.recall"),
    ("latency p50 (ms)", "latency_ms.p50"),
    ("latency p95 (ms)", "latency_ms.p95"),
]


def _figure(run: SystemRun, key: str) -> float:
    from eval.run import headline

    return headline(run.aggregate)[key]


def _fmt(key: str, value: float) -> str:
    return f"{value:.0f}" if key.startswith("latency") else f"{value:.3f}"


def systems_table(runs: Sequence[SystemRun]) -> str:
    """Headline figures, one column per system."""
    header = "| metric | " + " | ".join(r.system for r in runs) + " |"
    lines = [header, "| --- |" + " ---: |" * len(runs)]
    for label, key in _SYSTEM_ROWS:
        cells = " | ".join(_fmt(key, _figure(r, key)) for r in runs)
        lines.append(f"| {label} | {cells} |")
    return "\n".join(lines)


def by_type_table(run: SystemRun) -> str:
    lines = [
        "| type | n | correct | contains gold | F1 | doc hit@5 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, row in run.aggregate.by_type.items():
        cells = [
            f"{row[k]:.3f}" if k in row else "–"
            for k in ("correct", "contains_gold", "f1", "doc_hit@5")
        ]
        lines.append(f"| {kind} | {int(row['n'])} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def sweep_table(run: SystemRun) -> str:
    lines = [
        "| abstain below | abstained | precision | recall | F1 | answerable still answered |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in run.aggregate.abstention_sweep:
        lines.append(
            f"| {s.threshold:.2f} | {s.abstained} | {s.precision:.3f} | {s.recall:.3f} "
            f"| {s.f1:.3f} | {s.answered_answerable:.3f} |"
        )
    return "\n".join(lines)


def summary_markdown(result: EvalResult) -> str:
    """The Markdown written beside a result JSON."""
    first = result.runs[0]
    parts = [
        f"# Evaluation of `{result.gold}` ({result.created_at})",
        "",
        f"{first.aggregate.questions} questions ({first.aggregate.answerable} answerable, "
        f"{first.aggregate.unanswerable} unanswerable); top_k = {first.top_k}.",
        "",
        systems_table(result.runs),
    ]
    for run in result.runs:
        info = ", ".join(f"{k}: {v}" for k, v in run.info.items())
        parts += ["", f"## {run.system}", "", info, "", by_type_table(run)]
        parts += ["", "Abstention threshold sweep (abstain when confidence < threshold):", ""]
        parts.append(sweep_table(run))
        misses = [q for q in run.questions if not q.correct]
        if misses:
            parts += ["", f"Questions handled wrongly ({len(misses)}):", ""]
            parts += [f"- `{q.id}` ({q.type}) {q.question}" for q in misses]
    return "\n".join(parts) + "\n"


def beir_table(runs: Sequence[BeirRun]) -> str:
    lines = [
        "| system | nDCG@10 | recall@100 | MRR@10 | queries |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        lines.append(
            f"| reportqa {run.mode} | {run.ndcg_at_10:.3f} | {run.recall_at_100:.3f} "
            f"| {run.mrr_at_10:.3f} | {run.queries} |"
        )
    for name, value in PUBLISHED_SCIFACT.items():
        lines.append(f"| {name} | {value:.3f} | | | 300 |")
    return "\n".join(lines)


def _result_tables(result: EvalResult) -> list[str]:
    """The headline table of every system, then reportqa's figures by question type."""
    first = result.runs[0]
    return [
        systems_table(result.runs),
        "",
        f"reportqa by question type (top_k = {first.top_k}):",
        "",
        by_type_table(first),
    ]


def docs_section(
    gold: EvalResult | None,
    beir: Sequence[BeirRun],
    beir_note: str = "",
    heldout: EvalResult | None = None,
) -> str:
    """The text between the eval markers of docs/benchmarks.md.

    `heldout` is a run on a gold set the answer model was never fitted on
    (eval/gold/heldout.jsonl), shown beside the in-sample figures.
    """
    parts = [
        DOCS_START,
        "Regenerate: `reportqa eval --baseline`, `reportqa eval beir ../shared/data/scifact "
        "--mode M` for each mode, then `reportqa eval docs` (see eval/README.md). Latency "
        "here is the client's wall time on a 2-core machine shared with other jobs, so it "
        "only ranks systems within one run; speed is measured in the bench section.",
    ]
    if gold is not None:
        first = gold.runs[0]
        parts += [
            "",
            "### Gold set: reportqa against a plain LangChain + FAISS pipeline",
            "",
            f"{first.aggregate.questions} questions over the five bundled documents "
            f"({first.aggregate.answerable} answerable, {first.aggregate.unanswerable} "
            f"unanswerable), same documents, same model, same run ({gold.created_at}). "
            "The baseline (RecursiveCharacterTextSplitter 1000/200, HuggingFaceEmbeddings, "
            "FAISS.similarity_search) has no answer extraction: its answer is its top "
            "passage (up to 1000 characters, which makes *contains gold* lenient for it), "
            "so exact match and F1 are not comparable, and it never abstains. "
            "Retrieval metrics count only answerable questions. reportqa's answer model "
            "(sentence ranking and confidence) is fitted on this gold set by "
            "`reportqa eval fit-answer`, so its answer and abstention figures here are in "
            "sample; the cross-validated (held-out) figures are in docs/answers.md.",
            "",
            *_result_tables(gold),
            "",
            "reportqa abstention threshold sweep (`REPORTQA_ABSTAIN_BELOW`):",
            "",
            sweep_table(first),
        ]
    if heldout is not None:
        first = heldout.runs[0]
        parts += [
            "",
            f"### Held-out gold set: `{heldout.gold}`",
            "",
            f"{first.aggregate.questions} questions ({first.aggregate.answerable} answerable, "
            f"{first.aggregate.unanswerable} unanswerable) written separately from the set "
            "above and never used to fit or tune anything, so every figure here is out of "
            f"sample. Same index and model, run {heldout.created_at}.",
            "",
            *_result_tables(heldout),
        ]
    if beir:
        parts += [
            "",
            f"### {beir[0].dataset}: nDCG@10 beside the published figures",
            "",
            "The BEIR corpus goes through reportqa's own pipeline (clean, chunk, "
            "all-MiniLM-L6-v2, FAISS + BM25); a document's score is its best chunk's. "
            "Test split, all judged queries." + (f" {beir_note}" if beir_note else ""),
            "",
            beir_table(beir),
        ]
    parts.append(DOCS_END)
    return "\n".join(parts)


def write_docs_section(path: Path, section: str) -> None:
    """Replace the eval section of `path` (or append it), leaving other sections alone."""
    replace_block(path, DOCS_START, DOCS_END, section)
