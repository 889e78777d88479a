"""The last step of a question: the parts of the response made from the chosen answer.

The passages cited, the short answer placed inside its citation, and the report of the
question's constraints (what it names and asks for, and whether the answer meets them).
"""

from __future__ import annotations

import re
from datetime import date

from service.qa.analysis import QuestionAnalysis
from service.qa.answer import Answer
from service.qa.contract import Citation, Constraints, EntityCheck, ShortAnswer, TimeCheck
from service.qa.document_lines import names_day
from service.qa.entities import heading_of
from service.qa.facts import DATE, RELATIVE_DAY, REPORTING_VERBS
from service.qa.names import mentions
from service.qa.names_asked import name_given
from service.qa.retrieve import Passage
from service.qa.short_answer import Span, fact_span
from service.qa.text import content_stems

# The verb dated by "today": the word just before or after it.
_BESIDE = re.compile(rf"\b[a-z]+ed\b|\b(?:{REPORTING_VERBS})\b")


def short_answer_of(
    analysis: QuestionAnalysis, answer: Answer, citations: list[Citation]
) -> ShortAnswer | None:
    """The asked-for fact inside the answer sentence, placed in its citation."""
    best = answer.best
    if best is None:
        return None
    span = fact_span(analysis, best)
    if span is None and analysis.asks_name:
        given = name_given(best.text, analysis.scoring_question, analysis.common_words)
        span = Span(*given) if given else None
    if span is None:
        return _dated_today(analysis, best.text, citations)
    for citation in citations:
        if citation.highlight is not None:
            start = citation.highlight.start + span.start
            end = citation.highlight.start + span.end
            return ShortAnswer(
                text=best.text[span.start : span.end], citation=citation.n, start=start, end=end
            )
    return None


def _dated_today(
    analysis: QuestionAnalysis, sentence: str, citations: list[Citation]
) -> ShortAnswer | None:
    """For "when": a report's "launched today" is its own date, named in its dateline
    when the cited passage holds it ("Wednesday, 1st April 2015"); only when "today"
    dates what the question asks about (the verb beside it is one of its words: not
    "confirmed today that the hub will open" for "When will the hub open?")."""
    if analysis.kind != "date":
        return None
    asked = content_stems(analysis.scoring_question)
    if not any(
        content_stems(" ".join(_BESIDE.findall(sentence, max(0, m.start() - 20), m.end() + 20)))
        & asked
        for m in RELATIVE_DAY.finditer(sentence)
        if m.group().lower() == "today"
    ):
        return None
    for citation in citations:
        if citation.highlight is None or not citation.date:
            continue
        day = date.fromisoformat(citation.date)
        for match in DATE.finditer(citation.text, 0, citation.highlight.start):
            if names_day(match.group(), day):
                return ShortAnswer(
                    text=match.group(), citation=citation.n, start=match.start(), end=match.end()
                )
    return None


def constraints_report(analysis: QuestionAnalysis, answer: Answer) -> Constraints:
    """What the question names and asks for, and how the answer (if any) meets it."""
    best = answer.best
    evidence = best.evidence if best is not None else None
    # A name counts where the passage, or its document's title or source, says it.
    cited = (
        "" if best is None else f"{best.passage.chunk.text}\n{heading_of(best.passage.document)}"
    )
    entities = [
        EntityCheck(
            text=m.text, known=True, satisfied=None if best is None else mentions(cited, m.key)
        )
        for m in analysis.entities
    ] + [EntityCheck(text=m.text, known=False, satisfied=False) for m in analysis.unknown_entities]
    time = None
    if analysis.time is not None:
        satisfied = None
        if evidence is not None:
            if evidence.time_match > 0:
                satisfied = True
            elif evidence.time_conflict:
                satisfied = False
        time = TimeCheck(
            text=analysis.time.text,
            relation=analysis.time.relation,
            start=analysis.time.period.start.isoformat(),
            end=analysis.time.period.end.isoformat(),
            parts=[(p.start.isoformat(), p.end.isoformat()) for p in analysis.time.parts],
            satisfied=satisfied,
        )
    return Constraints(
        entities=entities,
        time=time,
        answer_kind=analysis.kind,
        answer_kind_found=(
            None if evidence is None or analysis.kind is None else evidence.kind == 1.0
        ),
        document_role=analysis.asks_role,
        document_role_found=(
            None if best is None or analysis.asks_role is None else best.gives_document_fact
        ),
        unmet=list(answer.unmet),
        subject=answer.subject,
        also_answered_for=list(answer.also_answered_for),
    )


def normalised_score(score: float, top: float) -> float:
    """`score` as a share of the best score `top`, in [0, 1], so one threshold serves every
    mode (RRF, BM25 and cosine scores differ in scale by two orders of magnitude)."""
    if top <= 0:
        # Only a cosine can be 0 or below: a dense query that resembles nothing. A ratio
        # would flip the order, so the best hits are 1.0 and the rest 0.0.
        return 1.0 if score >= top else 0.0
    return round(min(1.0, max(0.0, score / top)), 6)


def cited(passages: list[Passage], answer: Answer, k: int) -> list[Passage]:
    """The top `k` passages, keeping the one the answer comes from if it ranked lower."""
    top = passages[:k]
    best = answer.best
    if best is not None and all(p.chunk.chunk_id != best.passage.chunk.chunk_id for p in top):
        top = [*top[: k - 1], best.passage]
    return top
