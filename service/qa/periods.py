"""The period a question names, and how it relates to it: "in 2016", "after the November
2017 re-inspection", "between 2015 and 2017", "from January to March 2017".

Dates are read with the typed-fact rules of `service.qa.facts`, so a question and the
sentences that answer it agree on what "spring and summer 2019" covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from service.qa.facts import (
    DATE,
    FINANCIAL_YEAR,
    MONTHS,
    NUMERIC_DAY,
    Period,
    month_period,
    period_of,
    year_period,
)

Relation = Literal["in", "before", "after", "between"]

_BEFORE = re.compile(r"\b(?:before|prior to|until|up to|by|earlier than|ahead of)\s+(?:the\s+)?$")
_AFTER = re.compile(r"\b(?:after|since|following|from|later than)\s+(?:the\s+)?$")
_BETWEEN = re.compile(r"\bbetween\s+$")
# "in 2014, 2015 and 2016", "in March 2017 and in September 2019": listed together.
_JOINED = re.compile(r"\s*(?:,\s*)?(?:and|or|to|-|–)?\s*(?:(?:in|during)\s+)?$")
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?$")
_TO = re.compile(r"\bto\b|[-–]")
_LEAD = 30  # characters before a date phrase searched for its relation word
# "early 2017", "mid-2016", "by the end of 2016": a third of the year, and the relation
# word stands before the qualifier.
_PART_OF_YEAR = re.compile(
    r"\b(?:(?P<early>early|the\s+(?:start|beginning)\s+of)|(?P<mid>mid|the\s+middle\s+of)"
    r"|(?P<late>late|the\s+end\s+of))[\s-]*$"
)
# "in the year to 31 March 2023", "the twelve months ending June 2024": the twelve months
# that end with the date.
_YEAR_TO = re.compile(r"\b(?:year|twelve\s+months|12\s+months)\s+(?:to|ending|ended)\s+$")
_DAY_NAMED = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{'|'.join(MONTHS)})\b|{NUMERIC_DAY}",
    re.IGNORECASE,
)
# A period set off from the date that follows it in the same clause ("two years before
# January 2018"); not one set off from the last answer, with the date its own ("a year
# before that, at the end of March 2024").
_OFFSET = re.compile(
    r"\b(?:\d+|a|an|one|two|three|four|five|six|several|few)\s+(?:years?|months?|weeks?|days?)"
    r"\s+(?:before|after|earlier|later|prior)\b[^,;]{0,40}$"
)


@dataclass(frozen=True)
class TimeConstraint:
    """The period a question asks about."""

    text: str  # as written ("after the November 2017")
    relation: Relation
    period: Period  # the whole span asked about
    # For "in": the periods listed, when they leave gaps ("in 2015 or 2017": not 2016).
    parts: tuple[Period, ...] = ()
    # It names a plan for the period ("the 2024-25 priorities"), which may be set out
    # before the period begins.
    planned: bool = False

    def admits(self, when: Period) -> bool:
        """Whether something dated `when` can be what the question asks about."""
        if self.relation == "in" and self.parts:
            return any(when.overlaps(part) for part in self.parts)
        if self.relation == "before":
            # "before the 2015 inspection" takes in 2015 up to the inspection.
            return when.start <= self.period.end
        if self.relation == "after":
            # "after the November 2017 re-inspection" takes in the re-inspection itself.
            return when.end >= self.period.start
        return when.overlaps(self.period)

    @property
    def on_day(self) -> bool:
        """It names one day ("at 31 March 2025"): a snapshot, not a month or a year."""
        return (
            bool(_DAY_NAMED.search(self.text)) and (self.period.end - self.period.start).days <= 31
        )

    def predates(self, published: date) -> bool:
        """A document published on `published` cannot report the asked period."""
        if self.relation == "before" or self.planned:
            return False
        # A report can only describe what happened by its date: "in 2019" (or "after
        # 2019") from a 2016 text is impossible.
        return published < self.period.start


# Questions are typed casually: "feb 2022", "after november 2017", "since Sept. 2019".
# A month so written is spelt out when a year follows it (a lone "may" or "march" is
# more likely a verb), so that it is read as a date and not taken for a name.
_CASUAL_MONTH = re.compile(
    r"\b(?P<word>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\.?,?"
    r"(?=\s+(?:of\s+)?(?:19|20)\d\d\b)",
    re.IGNORECASE,
)


def spell_out_months(question: str) -> str:
    """`question` with its casually written months in full ("feb 2022" -> "February 2022")."""

    def full(match: re.Match[str]) -> str:
        word = match.group("word").lower()
        month = next((m for m in MONTHS if m.lower().startswith(word)), None)
        return month or match.group()

    return _CASUAL_MONTH.sub(full, question)


# "the next meeting after ...": the one after the period named, not in it.
_NEXT = re.compile(r"\bnext\b", re.IGNORECASE)


def time_constraint(question: str, today: date | None = None) -> TimeConstraint | None:
    """The period the question names, if it names one, with its relation."""
    spelled = spell_out_months(question)
    found = _named_period(spelled, today)
    if found is None:
        return None
    at = spelled.find(found.text)
    if found.relation == "after" and _NEXT.search(spelled, 0, max(at, 0)):
        # "the next meeting after the January 2025 one" is not that one, and it is set
        # before it is held.
        later = found.period.end + timedelta(days=1)
        return replace(found, period=Period(later, later), planned=True)
    planned = at >= 0 and bool(
        _PLAN.match(spelled, at + len(found.text)) or _PLAN_BEFORE.search(spelled, 0, at)
    )
    return replace(found, planned=planned) if planned else found


def _named_period(question: str, today: date | None) -> TimeConstraint | None:
    """The first period `question` (its months spelt out) names, with its relation."""
    dated = [
        (m, period)
        for m in DATE.finditer(question)
        if (period := period_of(m.group(), today)) is not None
        # A month or season alone ("in July") is too vague without a year.
        and re.search(r"(?:19|20)\d\d", m.group())
    ]
    if not dated:
        return None
    first, period = dated[0]
    lead = question[max(0, first.start() - _LEAD) : first.start()].lower()
    part = _PART_OF_YEAR.search(lead)
    if part is not None:
        lead = lead[: part.start()]
        period = _third_of(period, part.lastgroup or "")
    elif _YEAR_TO.search(lead):
        # "in the year to 31 March 2023": the twelve months it ends.
        end = period.end
        period = Period(date(end.year - (end.month < 12), end.month % 12 + 1, 1), end)
    if _OFFSET.search(question[: first.start()].lower()):
        return None  # "two years before January 2018": a period relative to the date
    # The periods listed with it ("in 2014, 2015 and 2016"); "between" takes the next one.
    listed = 1
    while listed < len(dated) and _JOINED.match(
        question[dated[listed - 1][0].end() : dated[listed][0].start()]
    ):
        listed += 1
    if listed == 1 and len(dated) > 1 and _BETWEEN.search(lead):
        listed = 2
    relation = _relation(lead)
    bounded = _bounded(question, first, period, dated[listed:], relation)
    if bounded is not None:
        return bounded or None
    if listed > 1:
        periods = [p for _, p in dated[:listed]]
        span = Period(min(p.start for p in periods), max(p.end for p in periods))
        text = question[first.start() : dated[listed - 1][0].end()]
        # "in 2015 and 2016" covers both years; "after 2015 and 2016" is after the span.
        between = _BETWEEN.search(lead) or (_FROM.search(lead) and _TO.search(text))
        if between:
            return TimeConstraint(text, "between", span)
        # Listed with "and", "or" or commas, each year counts, not the years between
        # (the words between the dates say so, not a date's own "2019-20").
        gaps = zip(dated[: listed - 1], dated[1:listed], strict=True)
        listed_apart = not any(_TO.search(question[a.end() : b.start()]) for (a, _), (b, _) in gaps)
        parts = tuple(periods) if relation == "in" and listed_apart else ()
        return TimeConstraint(text, relation, span, parts)
    if (
        _FROM.search(lead)
        and _TO.search(first.group())
        and not FINANCIAL_YEAR.fullmatch(first.group())
    ):
        return TimeConstraint(first.group(), "between", period)  # "from January to March 2017"
    return TimeConstraint(first.group(), relation, period)


# What is planned for a period: "the 2024-25 priorities", "its 2024-2027 strategy", "the
# priorities for 2024-25".
_PLANS = r"(?:priorities|plans?|strateg(?:y|ies)|budgets?|targets?|ambitions?|objectives|goals)"
_PLAN = re.compile(rf"\s+(?:[a-z-]+\s+)?{_PLANS}\b", re.IGNORECASE)
# A price set ahead of the day it takes effect: "fees from April 2025", "the allowance
# rates from 1 April" (agreed before April, by a decision dated before it).
_PLAN_BEFORE = re.compile(
    rf"\b{_PLANS}\s+(?:for|in)\s+(?:the\s+)?$"
    r"|\b(?:fees?|rates?|allowances?|uplifts?|charges?|prices?|tariffs?)\s+from\s+$",
    re.IGNORECASE,
)
# An event the period names ("its 2025 inspection", "the March 2024 monitoring visit").
_EVENT_AFTER = (
    r"\s+(?:[\w-]+\s+){0,2}?(?:inspection|re-inspection|visit|review|hearing|meeting|"
    r"audit|assessment|conference)s?\b"
)


def names_event(time: TimeConstraint, question: str) -> bool:
    """Whether `question` names `time` as the date of an event: "its 2025 inspection"
    (then "When was it?" asks that event's date, not any recalled in a 2025 report)."""
    return re.search(re.escape(time.text) + _EVENT_AFTER, question) is not None


def _bounded(
    question: str,
    first: re.Match[str],
    period: Period,
    later: list[tuple[re.Match[str], Period]],
    relation: Relation,
) -> TimeConstraint | Literal[False] | None:
    """A period bounded on both sides by two relations ("after 2014 and before 2017",
    "from 2015 until 2017": between them); False when the two cannot be one period
    ("before 2014 and after 2016"); None when no later date has a relation of its own
    (or the first is "in": "in 2018, following the 2015 inspection" asks about 2018)."""
    if relation == "in":
        return None
    for match, other in later:
        own = _relation(question[max(0, match.start() - _LEAD) : match.start()].lower())
        if own in ("in", relation):
            continue
        if relation == "after" and other.end >= period.start:
            text = question[first.start() : match.end()]
            return TimeConstraint(text, "between", Period(period.start, other.end))
        return False
    return None


def _third_of(period: Period, part: str) -> Period:
    """The early, middle or late third of a whole year; other periods as they are."""
    year = period.start.year
    if period != year_period(year):
        return period
    return month_period(year, {"early": 1, "mid": 5, "late": 9}[part], 4)


def _relation(lead: str) -> Relation:
    """The relation the words before a date give it ("before", "since", or "in")."""
    if _BEFORE.search(lead):
        return "before"
    if _AFTER.search(lead):
        return "after"
    return "in"


# A follow-up moving its topic's period by whole years: "And the year before?", "What
# was it two years before that?", "a year earlier", "the previous year", "the year after",
# "the next year".
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_YEARS_MOVED = re.compile(
    r"\b(?:(?P<n>a|one|two|three|four|five|[1-5])\s+years?\s+(?P<way>before|earlier|after|later)"
    r"|(?:twelve|12)\s+months\s+(?P<months>before|earlier|after|later)"
    r"|the\s+(?:previous|preceding|prior)\s+year|the\s+year\s+(?P<side>before|after)"
    r"|the\s+(?:following|next)\s+year)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d(?:([-/])(\d{2,4}))?\b")


def years_moved(question: str) -> int:
    """How many years a follow-up moves its topic's period (-1 for "the year before"),
    or 0."""
    m = _YEARS_MOVED.search(question)
    if m is None:
        return 0
    if m.group("n"):
        n = _NUMBER_WORDS.get(m.group("n").lower()) or int(m.group("n"))
        return -n if m.group("way").lower() in ("before", "earlier") else n
    side = (m.group("side") or m.group("months") or "").lower()
    forward = side in ("after", "later") or re.search(r"following|next", m.group(), re.I)
    return 1 if forward else -1


def without_years_moved(question: str) -> str:
    """`question` without the years it moves its topic's period by: "And in the following
    year?" asks nothing new of its own, but the time."""
    return _YEARS_MOVED.sub(" ", question)


def moved_by_years(time: TimeConstraint, years: int) -> TimeConstraint:
    """`time` moved `years` whole years ("2023-24" one back is "2022-23")."""

    def move(d: date) -> date:
        return d.replace(year=d.year + years, day=min(d.day, 28) if d.month == 2 else d.day)

    def rewrite(m: re.Match[str]) -> str:
        first = str(int(m.group()[:4]) + years)
        if not m.group(1):
            return first
        second = int(m.group(2)) + years
        return f"{first}{m.group(1)}{second % 100 if len(m.group(2)) == 2 else second:02d}"

    return replace(
        time,
        text=_YEAR.sub(rewrite, time.text),
        period=Period(move(time.period.start), move(time.period.end)),
        parts=tuple(Period(move(p.start), move(p.end)) for p in time.parts),
    )
