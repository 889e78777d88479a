"""Why even the best candidate cannot answer, whatever its confidence: it lacks the
kind of fact asked for, it is about another council, it names another post's holder
or none, or the question is about something the reports do not speak of. The service
abstains saying so (`unmet` in the response), and the answer-model fitter asks the
same (`best_falls_short`).
"""

from __future__ import annotations

import re

from service.qa.analysis import QuestionAnalysis
from service.qa.constraints import SentenceEvidence
from service.qa.facts import FactKind

# Kinds whose absence from the chosen sentence is unambiguous: a date, figure, rating
# or organisation is written as one (a person may be "the chief executive", a place
# "here"); "a recruitment firm supplied them" names no company.
STRICT_KINDS = frozenset({"date", "number", "rating", "organisation"})


# A place asked for as an address is written as one: a postcode or a street address.
_ASKS_ADDRESS = re.compile(r"\b(?:address|postcode|post\s+code)\b", re.IGNORECASE)


def asks_strict_kind(analysis: QuestionAnalysis) -> bool:
    """Whether the kind asked for must be in the answer. Not a council: one is named by
    its place alone ("Ferncastle was judged inadequate"), which no fact rule reads as a
    body."""
    if analysis.kind == "organisation" and analysis.asks_which_council:
        return False
    if analysis.kind == "place":
        return bool(_ASKS_ADDRESS.search(analysis.scoring_question))
    return analysis.kind in STRICT_KINDS


# The least kind strength that holds the kind asked: a date less precise than asked
# ("2013" for "which month", 0.5) is still a date; figures and ratings are 0 or 1.
HOLDS_KIND = 0.5


def missing_kind(analysis: QuestionAnalysis, best: SentenceEvidence) -> str | None:
    """Why the chosen sentence cannot answer: it lacks the kind of fact asked for."""
    if analysis.kind is None or not asks_strict_kind(analysis) or best.kind >= HOLDS_KIND:
        return None
    wanted = describe_kind(analysis.kind)
    if analysis.asks_share:
        wanted = "a percentage or share"
    elif analysis.asks_money:
        wanted = "an amount of money"
    return f"The best passage gives no {wanted.split(' ', 1)[1]}"


# Asking for a body or place, another council may be the answer ("Which organisation
# put in £12m?").
BODY_KINDS = ("organisation", "place")


def about_another_council(analysis: QuestionAnalysis, best: SentenceEvidence) -> str | None:
    """Why the chosen sentence cannot answer a question about one council: even the best
    is about another one (every passage on Doncaster's money names only Norfolk's). The
    council is the one the question names or, naming none over reports about one, that
    one ("How much did the council invest?" is not answered by Norfolk's £12m)."""
    if not best.other_council:
        return None
    if analysis.kind in BODY_KINDS and (
        analysis.asks_which_council
        or not any(m.key in analysis.council_names for m in analysis.entities)
    ):
        # "Which council does the Daily Examiner say ...?": another may be the answer,
        # unless a council is named ("Which trust runs Eastmoor's services?").
        return None
    if analysis.entities:
        return f"No passage found says it of {' or '.join(m.text for m in analysis.entities)}"
    if analysis.home_names and not analysis.asks_which_council:
        return "No passage found says it of the council these reports are about"
    return None


def another_office(analysis: QuestionAnalysis, best: SentenceEvidence) -> str | None:
    """Why the chosen sentence cannot answer "who holds this post": even the best gives
    its person another post, or names no person at all (`names_no_holder`)."""
    if analysis.office is None:
        return None
    if best.about_predecessor:
        return f"No passage found names who followed {analysis.predecessor}"
    if best.other_office or names_no_holder(best):
        return f"No passage found names the {analysis.office.text}"
    return None


def names_no_holder(evidence: SentenceEvidence) -> bool:
    """For a question asking a post's holder: the sentence names no person (but those
    the question names), only bodies or roles ("Westfold was judged inadequate in July
    2022" for "Who was Ofsted's chief inspector in 2022?"), unless it gives the post to
    a role ("the chairing of the board by the lead member"). A name the person pattern
    misses ("Maria de la Cruz") reads as none; counting every other capitalised name
    instead let bodies and places through (measured: two held-out answers worse)."""
    return evidence.kind < 1 and not evidence.role_holder


def best_falls_short(analysis: QuestionAnalysis, best: SentenceEvidence) -> str | None:
    """Why the chosen sentence cannot answer whatever the confidence (`missing_kind`,
    `about_another_council`, `another_office`); the service and the answer-model fitter
    both ask this."""
    return (
        missing_kind(analysis, best)
        or about_another_council(analysis, best)
        or another_office(analysis, best)
    )


# Above this idf-weighted share of its words absent from the reports, a question is
# about something else ("Who won the 2019 rugby world cup?"): only a date or a stray word
# matches, which the ranker alone cannot tell from evidence.
FOREIGN_WORDS = 0.8


def foreign_question(unknown_share: float) -> tuple[str, ...]:
    """Why a question the reports do not speak of is not answered, or ()."""
    if unknown_share < FOREIGN_WORDS:
        return ()
    return ("The reports do not use most of the question's words",)


def describe_kind(kind: FactKind) -> str:
    return {
        "date": "a date",
        "number": "a number",
        "person": "a name",
        "organisation": "an organisation",
        "place": "a place",
        "rating": "a rating",
    }[kind]
