"""Which documents and passages may answer, before any sentence is read: those naming
what the question names and not published before the period it asks about. When none
is left, or no passage read speaks of the period, the question has no answer in these
reports, and the service says why (`unmet_constraints`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, timedelta

from corpus.table_rows import table_caption
from service.qa.analysis import QuestionAnalysis
from service.qa.dates import evidence_day
from service.qa.entities import EntityMention
from service.qa.facts import Period, find_facts
from service.qa.periods import TimeConstraint
from service.qa.retrieve import Passage

_SET_AHEAD = timedelta(days=366)  # how long before its period a budget may be set


def allowed_documents(
    analysis: QuestionAnalysis,
    published: Mapping[str, date | None],
    periods_named: Mapping[str, AbstractSet[Period]] | None = None,
) -> set[str] | None:
    """Documents that can hold the answer, or None when the question restricts nothing.

    A document qualifies when it mentions every name the question gives (or, if no
    document mentions them all, any of them: a comparison of two councils) and was
    not published before the asked period, unless the question asks for an amount of
    money or a date and it names a date in the period within the year before it (a
    budget set in February for the year from April, a payment date set in July for the
    autumn term). Empty when nothing qualifies.

    Args:
        analysis: the analysed question.
        published: every document's evidence date (publication, else inferred), by id.
        periods_named: the periods each document's text names (`dates.periods_named`).
    """
    allowed: set[str] | None = None
    if analysis.entities:
        sets = [set(m.documents) for m in analysis.entities]
        together = set.intersection(*sets)
        # "Compare Doncaster and Eastmoor" may be answered by either; "How much did
        # Pendleford get from the Innovation Fund?" only where both are named.
        if not together and not _compares(analysis):
            # "Which NHS body ...?": a name that qualifies the thing asked for describes
            # the answer, which may not repeat it ("Northvale Clinical Commissioning Group").
            named = [
                set(m.documents) for m in analysis.entities if not describes_answer(analysis, m)
            ]
            together = set.intersection(*named) if named and len(named) < len(sets) else set()
        allowed = together or (set.union(*sets) if _compares(analysis) else set())
    if analysis.time is not None:
        time = analysis.time
        # An amount of money is set before the period it is for (a budget, an allowance),
        # and a date is scheduled before it ("the autumn term 2025 payment will be made
        # on 19 September 2025"): a document of the year before it, naming the period,
        # may give it. A finding, an event's outcome or a count waits for the period.
        schedules = analysis.asks_money or analysis.kind == "date"
        periods = (periods_named or {}) if schedules else {}
        timely = {
            d
            for d, when in published.items()
            if when is None
            or not time.predates(when)
            or (
                when >= time.period.start - _SET_AHEAD
                and any(time.admits(period) for period in periods.get(d, ()))
            )
        }
        allowed = timely if allowed is None else allowed & timely
    return allowed


_ASKED_THING = re.compile(r"\b(?:which|what)\s+$", re.IGNORECASE)


def describes_answer(analysis: QuestionAnalysis, mention: EntityMention) -> bool:
    """Whether `mention`, a body's acronym, qualifies the thing asked for ("Which NHS body",
    "what LGA review"): it describes the answer, whose document need not name it. A place
    does not ("Which Calderwick inspector visited Westfold?" has no answer)."""
    if not mention.text.isupper():
        return False  # "Which Calderwick inspector ...?" still asks about Calderwick
    question = analysis.scoring_question
    at = question.find(mention.text)
    return at > 0 and bool(_ASKED_THING.search(question, 0, at))


_COMPARING = re.compile(r"\b(?:and|or|versus|vs|compared?|both|between|than)\b", re.IGNORECASE)


def _compares(analysis: QuestionAnalysis) -> bool:
    """Whether the names are set side by side ("A and B", "A or B", "A versus B")."""
    question = analysis.scoring_question
    first = question.find(analysis.entities[0].text)
    last = question.rfind(analysis.entities[-1].text)
    return first >= 0 and last > first and bool(_COMPARING.search(question[first:last]))


# How long after a period a report on it is typically published (a monitoring letter
# follows its visit by weeks, news of an inspection its publication by days).
REPORTING_LAG = timedelta(days=62)


def reports_on(time: TimeConstraint, published: date) -> bool:
    """Whether a document published on `published` reports on the period asked about
    ("in" or "between" it, or one of the periods listed): published in it or within
    `REPORTING_LAG` after it."""
    if time.relation not in ("in", "between"):
        return False
    return any(p.start <= published <= p.end + REPORTING_LAG for p in time.parts or (time.period,))


def time_covered(analysis: QuestionAnalysis, texts: Collection[tuple[str, date | None]]) -> bool:
    """Whether any of the (text, document date) pairs mentions a date in the asked period,
    or was itself published in it (or just after it: `reports_on`)."""
    time = analysis.time
    if time is None:
        return True
    for text, reference in texts:
        if reference is not None and (
            time.admits(Period(reference, reference)) or reports_on(time, reference)
        ):
            return True
        if any(time.admits(f.period) for f in find_facts(text, reference) if f.period is not None):
            return True
    return False


def _with_caption(passage: Passage) -> str:
    """The passage's text, after the caption of the table it opens with: a passage cut at
    a table's top row is dated by the sentence introducing the table above it."""
    text = passage.chunk.text
    first_row = len(text) - len(text.lstrip())
    caption = table_caption(passage.document.text, passage.chunk.start + first_row)
    return f"{caption}\n{text}" if caption else text


def unmet_constraints(
    analysis: QuestionAnalysis, allowed: set[str] | None, passages: Sequence[Passage]
) -> tuple[str, ...]:
    """Why the question cannot be answered from these reports, or () when it may be.

    A name that no document mentions, no document meeting the names and period
    together, or no considered passage mentioning the period asked about.
    """
    reasons = [f"No document mentions {m.text}" for m in analysis.unknown_entities]
    time = analysis.time
    if not reasons and allowed is not None and not allowed:
        names = " and ".join(m.text for m in analysis.entities)
        if names and time is not None:
            reasons.append(f"No document about {names} covers {time.text}")
        elif names:
            reasons.append(f"No document mentions {names} together")
        elif time is not None:
            reasons.append(f"No document covers {time.text}")
    if not reasons and time is not None and passages:
        texts = [(_with_caption(p), evidence_day(p.document)) for p in passages]
        if not time_covered(analysis, texts):
            reasons.append(f"No passage found about {time.text}")
    return tuple(reasons)
