"""Markdown pieces: marked blocks in a shared file, and the per-question part of a run summary.

Several writers own one block each of the same file (`reportqa bench`, `reportqa eval
docs`, the load generator); each replaces its own block and leaves the rest alone.
Beside a gold run's result JSON, `run_details` adds what an evaluator reads first:
how many questions each figure covers, and each wrong answer in full.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eval.run import QuestionResult, SystemRun

NEW_FILE = "# Benchmarks\n"
WRONG_ANSWERS_SHOWN = 25  # enough to see the patterns; the JSON holds every question
ANSWER_CHARS = 300  # reportqa answers with a sentence; a baseline with a whole passage


def replace_block(path: Path, begin_marker: str, end_marker: str, block: str) -> None:
    """Put `block` (markers included) in place of the marked block of `path`.

    The block runs from the first `begin_marker` to the first `end_marker` after it.
    Without one the block is appended after a blank line; a missing file starts as
    a "# Benchmarks" heading.
    """
    text = path.read_text(encoding="utf-8") if path.is_file() else NEW_FILE
    start = text.find(begin_marker)
    stop = text.find(end_marker, start + len(begin_marker)) if start != -1 else -1
    if stop != -1:
        text = text[:start] + block + text[stop + len(end_marker) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- the per-question part of a gold run summary ---------------------------------------

# (label, coverage key, what the gold file lacks when no question is covered)
_COVERAGE_ROWS = [
    ("accuracy", "accuracy", "questions"),
    ("answer metrics (EM, F1, contains gold, answer supported)", "answer", "answers"),
    ("citation precision (gold span)", "answer.citation_precision", "evidence quotes"),
    ("citation precision (gold document)", "answer.citation_doc_precision", "doc_paths"),
    ("document retrieval (hit@k, recall, MRR, nDCG)", "retrieval_doc", "doc_paths"),
    ("evidence-span retrieval (hit@k, recall, MRR, nDCG)", "retrieval_span", "evidence quotes"),
    ("abstention precision", "abstention.precision", "questions"),
    ("abstention recall", "abstention.recall", "unanswerable questions"),
]


def coverage_table(run: SystemRun) -> str:
    """How many questions each figure is computed over; 0 marks a figure not measured."""
    lines = ["| figures | questions |", "| --- | ---: |"]
    for label, key, lacking in _COVERAGE_ROWS:
        n = run.aggregate.coverage.get(key)
        if n is None:  # a result written before coverage was recorded
            continue
        cell = f"{n}" if n else f"0: not measured, no {lacking} in the gold file"
        lines.append(f"| {label} | {cell} |")
    return "\n".join(lines)


def _quoted(text: str) -> str:
    """One line, cut to ANSWER_CHARS, in quotes (answers may hold newlines or Markdown)."""
    flat = " ".join(text.split())
    if len(flat) > ANSWER_CHARS:
        flat = flat[: ANSWER_CHARS - 1].rstrip() + "\u2026"
    return '"' + flat.replace("`", "'") + '"'


def wrong_answer(q: QuestionResult) -> str:
    """One list item: the question, the gold answers, the answer given and its confidence."""
    gold = " | ".join(_quoted(a) for a in q.answers) if q.answerable else "unanswerable"
    if q.answered and q.answer is not None:
        given = f"{_quoted(q.answer)} (confidence {q.confidence:.2f})"
    else:
        given = f"no answer, abstained (confidence {q.confidence:.2f})"
    return f"- `{q.id}` ({q.type}) {' '.join(q.question.split())}\n  gold: {gold}; given: {given}"


def wrong_answers(run: SystemRun, limit: int = WRONG_ANSWERS_SHOWN) -> str:
    """The first `limit` wrongly handled questions in file order, and how many more."""
    misses = [q for q in run.questions if not q.correct]
    if not misses:
        return "Every question was handled correctly."
    lines = [wrong_answer(q) for q in misses[:limit]]
    if len(misses) > limit:
        lines.append(
            f"\n... and {len(misses) - limit} more: every question is in the result JSON "
            '(`runs[].questions[]` with `"correct": false`).'
        )
    return "\n".join(lines)


def run_details(run: SystemRun, limit: int = WRONG_ANSWERS_SHOWN) -> str:
    """The sections `eval.report`'s summary leaves out, for one system."""
    misses = sum(1 for q in run.questions if not q.correct)
    return "\n".join(
        [
            "",
            f"## {run.system}: questions behind each figure",
            "",
            coverage_table(run),
            "",
            f"## {run.system}: wrong answers ({misses} of {len(run.questions)})",
            "",
            wrong_answers(run, limit),
            "",
        ]
    )
