"""The candidate sentences of the top passages, and each one's evidence against the
question's constraints, read with the context that dates and places it.

`answer.Answerer.candidates` weighs what this module reads: which sentences there are
(and the heading each sits under), and how each meets the names, time and kind the
question asks for (`constraints.sentence_evidence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from corpus.sentences import answer_spans, leads, list_lead
from corpus.table_rows import table_in_currency
from service.qa.analysis import QuestionAnalysis
from service.qa.constraints import SentenceEvidence, contradicted_as, sentence_evidence
from service.qa.dates import report_year
from service.qa.entities import heading_of
from service.qa.labels import names_other_list_item
from service.qa.retrieve import Passage
from service.qa.table_periods import columns_dated_elsewhere
from service.qa.text import normalised


def sentences_of(
    passages: Sequence[Passage],
) -> tuple[list[tuple[Passage, int, int]], list[str], list[str]]:
    """Every answerable sentence of `passages` as (passage, start, end) in document
    offsets; each sentence with the heading or label it sits under; that heading alone."""
    spans: list[tuple[Passage, int, int]] = []
    read_as: list[str] = []
    headings: list[str] = []
    for passage in passages:
        sentences = answer_spans(passage.chunk.text, offset=passage.chunk.start)
        title = normalised(passage.document.title)
        # A headline restates the story; the evidence is in the sentences below it.
        text = passage.document.text
        kept = [(s, e) for s, e in sentences if normalised(text[s:e]) != title] or sentences
        spans.extend((passage, start, end) for start, end in kept)
        found = leads(text, kept)
        headings.extend(found)
        read_as.extend(
            f"{lead}\n{text[s:e]}" if lead else text[s:e]
            for lead, (s, e) in zip(found, kept, strict=True)
        )
    return spans, read_as, headings


_FOLLOWING = 120  # characters after a sentence read for a correction of it


def evidence_of(
    analysis: QuestionAnalysis,
    passage: Passage,
    start: int,
    text: str,
    whole: str,
    around: Sequence[str],
    heading: str,
    reference: date | None,
) -> SentenceEvidence:
    """How the sentence `text` at `start` meets the question's constraints.

    Args:
        whole: the whole sentence `text` is a wrapped line of (or `text` itself).
        around: `text` and the neighbours that date and place it.
        heading: the heading or label it sits under.
        reference: its document's date, for relative dates.
    """
    checks = (
        " ".join(around),
        passage.chunk.text,
        reference,
        heading_of(passage.document),
        analysis.unit == "money" and table_in_currency(passage.document.text, start),
        analysis.scales.get(passage.document.doc_id, frozenset()),
    )
    # Only a question naming a time reads the date a list's lead gives its items, or the
    # year an annual report covers.
    timed = analysis.time is not None
    dated_by = list_lead(passage.document.text, start) if timed else ""
    year = report_year(passage.document.title) if timed else None
    end = start - max(whole.find(text), 0) + len(whole)  # of the whole sentence
    following = passage.document.text[end : end + _FOLLOWING]
    evidence = sentence_evidence(
        analysis, text, *checks, lead=heading, list_lead=dated_by, report_year=year,
        following=following,
    )  # fmt: skip
    # A line of a paragraph wrapped at a fixed width is weighed as a line, but is
    # contradicted as the whole sentence it is part of: "(a) note the forecast
    # overspend of £9.3m for the Children" / "and Families Directorate at Quarter
    # 2;" is no answer about Quarter 1.
    if whole != text:
        as_whole = sentence_evidence(
            analysis, whole, *checks, lead=heading, list_lead=dated_by, report_year=year,
            following=following,
        )  # fmt: skip
        evidence = contradicted_as(evidence, as_whole)
    if names_other_list_item(passage.document.text, start, analysis.stems):
        evidence = replace(evidence, other_label=True)
    if analysis.time is not None and columns_dated_elsewhere(
        passage.document.text, start, analysis.time
    ):
        evidence = replace(evidence, time_conflict=True)
    return evidence
