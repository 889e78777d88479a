"""A document's own lines: the dateline, byline, signature or addressee that a question
about the document asks for, the dateline that answers no other question, and the lines
that answer none (headings, captions, page furniture, titles).

"When was the article published?" is answered by its dateline ("Friday, January 19,
2018"); "When did Harrowby Children's Trust launch?" is not, though the line under a
press release's heading ("Harrowby Children's Trust / 3 November 2016") holds the
trust's name and a date: it says when the document was written, not when anything
it reports happened.
"""

from __future__ import annotations

import re
from datetime import date

from corpus.sentences import (
    is_caption,
    is_heading,
    is_page_furniture,
    is_section_number,
    states,
)
from service.qa.analysis import QuestionAnalysis
from service.qa.document_questions import kind_matches
from service.qa.facts import find_facts
from service.qa.retrieve import Passage
from service.qa.roles import names_role_holder

# A dateline is a short line: the date, perhaps with the publisher or place.
DATELINE_WORDS = 8


def gives_document_fact(
    analysis: QuestionAnalysis, text: str, passage: Passage, day: date | None
) -> bool:
    """Whether `text` gives what a question about its document asks for: the name of the
    document's writer or addressee, or the document's own date to the day (its dateline:
    "Friday, January 19, 2018"; a bare "in 2018" is no dateline). `day` is the
    document's evidence date, which is its publication date when it has one."""
    if analysis.asks_role is not None:
        return bool(names_role_holder(analysis, passage.document, text))
    if not analysis.asks_publication or not passage.document.date or day is None:
        return False
    if not kind_matches(analysis.published_kind, passage.document.kind):
        return False  # "When was Ofsted's report published?" is not the article's date
    return names_day(text, day)


# What a document says is dated by its dateline: "When did Paul Moffat say ...?"
_ASKS_WHEN_SAID = re.compile(
    r"\b(?:say|said|says|announce[ds]?|comment(?:ed|s)?|state[ds]?|warn(?:ed|s)?|"
    r"describe[ds]?|tell|told|call(?:ed|s)?|write|wrote|report(?:ed|s)?|publish(?:ed)?)\b",
    re.IGNORECASE,
)


def dates_no_event(analysis: QuestionAnalysis) -> bool:
    """Whether a dateline cannot answer the question: it asks when something happened
    (not when its document was published, nor when something was said in it)."""
    return (
        analysis.kind == "date"
        and not analysis.asks_publication
        and not _ASKS_WHEN_SAID.search(analysis.question)
    )


# A form's field gives a value: "Registered provider: Brantmere Borough Council".
_FIELD_VALUE = re.compile(r"^[^:]{1,60}:\s+[A-Z0-9£]")
# A list's item or a table's row is part of what a line above it announces.
_ITEM = re.compile(r"^\s*(?:[-*•]|\(?[a-z0-9]{1,3}[.)])\s|\|")
# What a title line may still answer: a name, a judgement, a place ("Mr Damien Allen",
# "Overall effectiveness: Good").
_NAMED_KINDS = frozenset({"person", "organisation", "place", "rating"})


def is_title_line(analysis: QuestionAnalysis, line: str) -> bool:
    """Whether `line` is a title that answers nothing `analysis` asks: one line that
    states nothing and ends in a word, not a list's item, a row, a field's value or a
    signature's name, post and body ('"Closer Together": proposed redesign of locality
    social work services'); unless the question asks for a name, judgement or place,
    which such a line may give."""
    if analysis.kind in _NAMED_KINDS or analysis.asks_name or analysis.asks_named:
        return False
    return (
        "\n" not in line
        and "," not in line
        and line[-1:].isalpha()
        and not states(line)
        and not _FIELD_VALUE.search(line)
        and not _ITEM.search(line)
    )


# A contact line ("Contact: MSCP Business Unit, ... - mscp@murrowden.gov.uk", "Contact for
# queries: ...") says whom to ask: an answer only to a question asking that, not to "Which
# organisation made the MASH contact?".
_CONTACT_LINE = re.compile(
    r"\s*(?:(?:main|further|key|lead|press|media)\s+)?contacts?(?:\s+(?:officers?|details|"
    r"points?|persons?|us|for\s+(?:queries|enquiries|further\s+information)))?\s*:",
    re.IGNORECASE,
)
_ASKS_CONTACT = re.compile(
    r"\bcontact\s+(?:officers?|persons?|details?|points?|names?|e-?mail|numbers?|for)\b"
    r"|\bwhom?\s+(?:should|can|could|do|does|to|is\s+the)\b[^?]*\b(?:contact|get\s+in\s+touch)\b"
    r"|\be-?mail\b|\b(?:tele)?phone\b|\benquir(?:y|ies)\b|\bqueries\b",
    re.IGNORECASE,
)


def answers_nothing(analysis: QuestionAnalysis, line: str, whole: str) -> bool:
    """Whether `line` (of the sentence `whole`, when a wrapped line break cut it) answers
    nothing `analysis` asks: "8. CONTACT OFFICER", "Table 5: ...", "7.", "Page 1 of 3",
    "Q2: ...?", a title line ("Children in care in Draycombe"), a contact line for a
    question not asking whom to contact."""
    return (
        is_heading(line)
        or is_caption(line)
        or is_section_number(line)
        or is_page_furniture(line)
        or line.rstrip().endswith("?")
        or is_title_line(analysis, whole.strip())
        or (
            _CONTACT_LINE.match(line) is not None
            and not _ASKS_CONTACT.search(analysis.scoring_question)
        )
        # The figure ending a wrapped sentence ("(September 2023:" / "21).") is read with
        # the line it ends.
        or (whole != line and not any(c.isalpha() for c in line))
    )


def is_dateline(text: str, passage: Passage, day: date | None) -> bool:
    """Whether `text` is its document's dateline: a short line naming the day the
    document was published, and no other date; or its masthead or sign-off."""
    if is_sign_off(text, day):
        return True
    if not passage.document.date or day is None or len(text.split()) > DATELINE_WORDS:
        return False
    periods = [f.period for f in find_facts(text, day) if f.kind == "date"]
    on_the_day = all(p is None or p.start <= day <= p.end for p in periods)
    return bool(periods) and on_the_day and names_day(text, day)


# A line of a sign-off or masthead: a name, a role, a publisher; no sentence.
SIGN_OFF_LINE_WORDS = 6


def is_sign_off(text: str, day: date | None) -> bool:
    """Whether `text` is a block of short lines closed by a date alone on its line: a
    sign-off ("Rosalind Tavener-Okafor / Director of Children's Services / June 2025")
    or a masthead ("THE DUNMARROW COURIER / Saturday 27 July 2024"). Its date says when
    the document was written, not when anything it reports happened."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2 or any(
        len(line.split()) > SIGN_OFF_LINE_WORDS or line.endswith((".", ":", ";"))
        for line in lines[:-1]
    ):
        return False
    dates = [f for f in find_facts(text, day) if f.kind == "date"]
    return len(dates) == 1 and dates[0].text.strip(" .,") == lines[-1].strip(" .,")


def names_day(text: str, day: date) -> bool:
    """Whether `text` names `day` to the day (not a bare month or year holding it)."""
    named_day = re.compile(rf"\b0?{day.day}(?:st|nd|rd|th)?\b")
    for fact in find_facts(text, day):
        period = fact.period
        if period is not None and period.start <= day <= period.end and named_day.search(fact.text):
            return True
    return False
