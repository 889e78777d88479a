"""Dates of evidence and questions about the latest state.

Reports supersede each other: a rating from 2015 is history once a 2017 inspection
exists. Two general rules live here:
  - a question asks about the latest state when it uses words such as "current",
    "latest", "now" or "still" (`asks_for_latest`);
  - every document has an evidence date: its publication date, or for an undated
    document the latest month/year its text mentions (`evidence_date`), marked as
    inferred so the answer never claims more than the text says.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TypeVar

from corpus.models import Document
from service.qa.facts import DATE, FINANCIAL_YEAR, MONTHS, Period, facts_of, period_of

K = TypeVar("K", bound=Hashable)

# Words that ask for the present state. "Still" and "now" count: "Is the trust still
# rated good?" is a question about today.
_LATEST = re.compile(
    r"\b(?:current(?:ly)?|latest|most\s+recent(?:ly)?|newest|now|nowadays|today|"
    r"at\s+present|at\s+the\s+moment|as\s+things\s+stand|presently|still|these\s+days|"
    r"up[\s-]to[\s-]date|recent(?:ly)?)\b",
    re.IGNORECASE,
)
_MONTHS = tuple(month.lower() for month in MONTHS)
# "April 2022", "30 June 2016", "Autumn 2021" or a bare year; months before a year
# sharpen the date, a bare year counts as its first month.
_MENTION = re.compile(
    r"\b(?:(?P<month>" + "|".join(_MONTHS) + r")\s+)?(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE
)


def asks_for_latest(question: str) -> bool:
    """True when the question asks about the current or most recent state."""
    return bool(_LATEST.search(question))


def without_recency_words(question: str) -> str:
    """The question minus its recency words, for lexical matching.

    "What is the current rating?" should not match "the current rates for matching"
    in an old letter on the word "current"; the recency itself is handled by dates.
    """
    stripped = _LATEST.sub(" ", question)
    return re.sub(r"\s+", " ", stripped).strip() or question


@dataclass(frozen=True)
class EvidenceDate:
    """When a document's evidence dates from, and how that was established."""

    value: str  # ISO date
    inferred: bool  # True: the latest date mentioned in an undated document's text

    @property
    def ordinal(self) -> int:
        return date.fromisoformat(self.value).toordinal()


def evidence_date(document: Document) -> EvidenceDate | None:
    """The publication date, else the latest month/year the text mentions, else None."""
    if document.date:
        return EvidenceDate(document.date, inferred=False)
    inferred = latest_mentioned_date(document.text)
    return EvidenceDate(inferred, inferred=True) if inferred else None


def evidence_day(document: Document) -> date | None:
    """`evidence_date` as a date: what relative dates in the text count from."""
    when = evidence_date(document)
    return date.fromisoformat(when.value) if when else None


@lru_cache(maxsize=4096)
def latest_mentioned_date(text: str) -> str | None:
    """ISO date (first of the month) of the latest month/year mentioned in `text`."""
    best: tuple[int, int] | None = None
    for match in _MENTION.finditer(text):
        year = int(match.group("year"))
        month_name = match.group("month")
        month = _MONTHS.index(month_name.lower()) + 1 if month_name else 1
        if best is None or (year, month) > best:
            best = (year, month)
    if best is None:
        return None
    return date(best[0], best[1], 1).isoformat()


def recency(dates: Mapping[K, EvidenceDate | None]) -> dict[K, float]:
    """Each key's evidence date scaled to [0, 1] across `dates`: newest 1, oldest or undated 0.

    Empty when nothing is dated (no recency to weigh).
    """
    ordinals = [d.ordinal for d in dates.values() if d is not None]
    if not ordinals:
        return {}
    oldest, span = min(ordinals), max(max(ordinals) - min(ordinals), 1)
    return {key: (d.ordinal - oldest) / span if d else 0.0 for key, d in dates.items()}


def periods_named(document: Document) -> frozenset[Period]:
    """The periods a document's text names ("2025-26", "March 2026"): a plan or a budget
    published before a year speaks of that year."""
    day = evidence_day(document)
    found = (period_of(m.group(), day) for m in DATE.finditer(document.text))
    return frozenset(period for period in found if period is not None)


# An annual report is of one year, which its title names as a financial or academic one:
# "Annual Report 2024-25", "Annual Report for the academic year 2023/24". (A calendar year
# in such a title may be the year of publishing: "Annual Review letter 2025".)
_ANNUAL = re.compile(r"\bannual\b", re.IGNORECASE)


@lru_cache(maxsize=1024)
def report_year(title: str) -> Period | None:
    """The one year an annual report's `title` says it covers, if it names one."""
    if not _ANNUAL.search(title):
        return None
    years = {period_of(m.group()) for m in FINANCIAL_YEAR.finditer(title)}
    return years.pop() if len(years) == 1 else None


# "64% were satisfied (2023: 57%)": a period in brackets before its own figure gives the
# figure of another year to compare with; it does not date the sentence.
_COMPARISON_OPEN = re.compile(r"\(\s*$")
_COMPARISON_CLOSE = re.compile(r"\s*:\s*[£$€]?[-\d]")


def gives_comparison(text: str, start: int, end: int) -> bool:
    """Whether the date at `start:end` of `text` opens a bracketed comparison figure."""
    return bool(_COMPARISON_OPEN.search(text, 0, start) and _COMPARISON_CLOSE.match(text, end))


# "141 cases, compared with 118 in 2022/23", "down from 57 at January 2016": a date
# given to the figure compared with, not to the sentence's own.
_COMPARED_WITH = re.compile(
    r"\b(?:compared\s+(?:with|to)|up\s+from|down\s+from|from)\s+[£$]?[\d.,]+\s*%?"
    r"(?:\s+[a-z]+){0,2}?\s+(?:in|at|for)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def dates_a_comparison(text: str, start: int, end: int) -> bool:
    """Whether the date at `start:end` of `text` dates only a figure compared with, in
    brackets ("(2023: 57%)") or after "compared with" ("compared with 118 in 2022/23")."""
    return gives_comparison(text, start, end) or bool(
        _COMPARED_WITH.search(text[max(0, start - 60) : start])
    )


# "63 inspections in 2023/24": a whole year the sentence gives its figure, which no
# other whole year asked about shares, however near the report was written.
# (Not one it compares with: "an improvement from 81% in 2022", "(£5.01 in 2022-23)".)
_IN_YEAR = re.compile(
    r"\b(?:in|during|for|throughout|over)\s+(?:the\s+)?(?:year\s+)?$", re.IGNORECASE
)
_COMPARING = re.compile(r"\b(?:compared|from|than|against|previous|earlier|last)\b|\(", re.I)
_YEAR_DAYS = range(360, 370)


def dated_in_another_year(text: str, asked: Period, reference: date | None) -> bool:
    """Whether `text` gives its figure "in" a whole year (calendar, financial or
    academic) other than the whole year `asked`, and none of its dates falls in it."""
    if (asked.end - asked.start).days not in _YEAR_DAYS:
        return False
    years = []
    for fact in facts_of(text, "date", reference=reference):
        if fact.period is None:
            continue
        if fact.period.overlaps(asked):
            return False
        whole_year = (fact.period.end - fact.period.start).days in _YEAR_DAYS
        years.append(
            whole_year
            and bool(_IN_YEAR.search(text, 0, fact.start))
            and not _COMPARING.search(text, 0, fact.start)
        )
    return any(years)


# "By when must families book?" asks for a deadline: a date the sentence sets as one
# ("book by Friday 17 October"), not the dates of what is booked ("27-31 Oct 2025").
_ASKS_DEADLINE = re.compile(r"\bby\s+when\b|\bdeadline\b|\bclosing\s+date\b", re.IGNORECASE)
_SETS_DEADLINE = re.compile(
    r"\b(?:by|before|until|no\s+later\s+than|deadline(?:\s+(?:is|of))?:?|closes?(?:\s+on)?|"
    # or moved: "The date for the full offer is revised to 1 January 2026."
    r"(?:revised|moved|changed|extended|deferred|postponed|put\s+back|pushed\s+back)\s+to)"
    r"\s+(?:the\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?$",
    re.IGNORECASE,
)


def asks_deadline(question: str) -> bool:
    return bool(_ASKS_DEADLINE.search(question))


def sets_deadline(sentence: str, start: int) -> bool:
    """Whether the date starting at `start` of `sentence` is set as a deadline."""
    return bool(_SETS_DEADLINE.search(sentence[max(0, start - 40) : start]))


# "When did the inspection take place?" asks what has happened: a sentence dating what is
# still to come ("The next monitoring visit is expected to take place in spring 2023")
# does not answer it. (A question asking the month or day is read by its precision,
# `kinds.kind_strength`.) Unless it asks after the plan itself ("When was it due?").
_ASKS_PAST = re.compile(
    r"^\s*(?:when|(?:on\s+|in\s+)?(?:which|what)\s+(?:year|month|date|day))\s+(?:did|was|were)\b",
    re.I,
)
_ASKS_PLAN = re.compile(
    r"\b(?:due|expected|planned|scheduled|next|will|meant|supposed|required|originally|target)\b",
    re.IGNORECASE,
)
_LOOKS_AHEAD = re.compile(
    r"\b(?:(?:is|are)\s+(?:expected|due|scheduled|planned|likely)\s+to|"
    r"next\s+(?:\w+\s+)?(?:visit|inspection|meeting|review))\b"
    # A date set as a deadline, by a plan or a requirement: "The provider will launch the
    # offer by 1 October 2024", "The specification required the offer to launch by ...".
    r"|\b(?:will|must|shall|should|required|requires)\b[^.;]{0,100}?\bby\s+(?:the\s+end\s+of\s+)?"
    r"(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\b",
    re.IGNORECASE,
)


def dates_what_is_to_come(question: str, sentence: str) -> bool:
    """Whether `sentence` dates what is still to come, for a `question` about the past."""
    return bool(
        _ASKS_PAST.search(question)
        and not _ASKS_PLAN.search(question)
        and _LOOKS_AHEAD.search(sentence)
    )


# "When is the service now due to launch?" asks what is still to come: a sentence whose
# dates all passed before its report was written ("approved by Cabinet in July 2025", in
# October 2025) does not answer it; one moving the launch "from 1 October 2025 to 5
# January 2026" does, and so does a plan, though its day has passed ("was due to go live
# on 3 November 2025": the sentence after it may revise it, `completion`).
STATES_PLAN = re.compile(r"\b(?:was|were)\s+(?:due|expected|planned|scheduled|set|intended)\b")
_ASKS_FUTURE = re.compile(
    r"^\s*when\s+(?:is|are)\b.*\b(?:due|expected|planned|scheduled|going|set)\s+to\b"
    r"|^\s*when\s+will\b",
    re.IGNORECASE,
)


# "Members will recall that we reported in December that the school would open in January
# 2026", "Your report records the evidence of Mr C that, on 2 May 2025, 9 children ...":
# what an earlier report said or an earlier plan set, which the document goes on to revise.
_RECALLS_REPORT = re.compile(
    r"\bwill\s+recall\b"
    r"|\bwe\s+(?:had\s+)?(?:reported|said|stated|told\s+\w+)\b(?:\s+[\w,]+){0,6}?\s+that\b"
    r"|\b(?:report|letter|summary|statement|account|update|proposal)\s+(?:records|recorded|"
    r"stated|said|reported|gave|named|listed)\b"
    # What an earlier plan set: "The specification required the offer to launch by ...".
    r"|\b(?:specification|plan|contract|strategy|policy|assessment)\s+(?:required|specified|"
    r"assumed|expected|estimated|projected)\b"
    r"|\bpreviously\s+(?:reported|stated|said|given)\b",
    re.IGNORECASE,
)


def recalls_earlier_report(sentence: str) -> bool:
    """Whether `sentence` gives what an earlier report said: no answer to a question
    about the present."""
    return bool(_RECALLS_REPORT.search(sentence))


def dates_only_the_past(question: str, sentence: str, written: date | None) -> bool:
    """Whether the dates of `sentence` all end before its report was `written`, for a
    `question` about what is still to come, and it states no plan. The question is read
    first: most ask nothing of the kind, and their candidates' dates are not placed."""
    if written is None or _ASKS_FUTURE.search(question) is None or STATES_PLAN.search(sentence):
        return False
    periods = [f.period for f in facts_of(sentence, "date", written) if f.period is not None]
    return bool(periods) and all(p.end < written for p in periods)


# "Until 18 August 2024 a first penalty notice was £60": what held up to a day, and no
# longer after it.
_UNTIL = re.compile(
    r"\b(?:until|till|up\s+(?:un)?til|up\s+to|prior\s+to|before)\s+(?:the\s+)?$", re.IGNORECASE
)


def held_only_until(sentence: str, start: date, reference: date | None) -> bool:
    """Whether `sentence` says what held only until a day before `start` (the asked
    period's first day), as a report of that period may recall."""
    return any(
        f.period is not None
        and f.period.end < start
        and _UNTIL.search(sentence[max(0, f.start - 20) : f.start]) is not None
        for f in facts_of(sentence, "date", reference)
    )
