"""The last step of a question: the parts of the response made from the chosen answer.

The short answer placed inside its citation, and the report of the question's
constraints (what it names and asks for, and whether the answer meets them).
"""

from __future__ import annotations

from service.qa.analysis import QuestionAnalysis
from service.qa.answer import Answer
from service.qa.constraints import mentions
from service.qa.contract import Citation, Constraints, EntityCheck, ShortAnswer, TimeCheck
from service.qa.entities import heading_of
from service.qa.short_answer import short_answer


def short_answer_of(
    analysis: QuestionAnalysis, answer: Answer, citations: list[Citation]
) -> ShortAnswer | None:
    """The asked-for fact inside the answer sentence, placed in its citation."""
    best = answer.best
    if best is None:
        return None
    span = short_answer(best.text, analysis.scoring_question, analysis.kind, analysis.common_words)
    if span is None:
        return None
    for citation in citations:
        if citation.highlight is not None:
            start = citation.highlight.start + span.start
            end = citation.highlight.start + span.end
            return ShortAnswer(
                text=best.text[span.start : span.end], citation=citation.n, start=start, end=end
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
