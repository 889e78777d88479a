"""Typed facts inside a sentence: dates, numbers with units, people, organisations, ratings.

The one home of these rules. Ranking (does a sentence hold what the question asks
for?), confidence, short answers and the time checks of constraints all read the
same spans, so "Eleven children" is a number and "autumn" a date to every one of them.

A date also carries the period it names, resolved against the document's date where
the text is relative ("last November" in an article of January 2018 is November 2017).
The figures themselves are found by `service.qa.figures`, and typed here.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from service.qa.figures import REFERENCE_CODE, figure_spans
from service.qa.judgements import rating_spans
from service.qa.names import MONTHS as MONTHS  # re-exported: one list of months
from service.qa.organisations import bodies
from service.qa.people import POSTCODE, STREET_ADDRESS, VENUE, people

FactKind = Literal["date", "number", "person", "organisation", "rating", "place"]
# What an asked-for number must be, or how precise an asked-for date ("which month").
Unit = Literal["share", "money", "count", "duration", "rate", "month", "day"]

_MONTH = "(?:" + "|".join(MONTHS) + ")"
MONTHS_LOWER = tuple(m.lower() for m in MONTHS)
# Tables and headers write months short ("1 Sep 2024", "Jan 2025"); a short month is a
# date only beside a day or a year ("Jan" alone may be a name).
_SHORT_MONTH = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?(?![a-z])"
_SHORT_MONTHS = {m[:3].lower(): i for i, m in enumerate(MONTHS, 1)} | {"sept": 9}
_ANY_MONTH = rf"(?:{_MONTH}|{_SHORT_MONTH})"
# A school term is dated by its season: "the autumn term 2023" is no "autumn" of its own
# (last autumn, from the report's date) beside a year.
_SEASON = r"(?:[Ss]pring|[Ss]ummer|[Aa]utumn|[Ww]inter)(?:\s+term)?"
_DAY_NAME = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
NUMERIC_DAY = rf"\b\d{{1,2}}/\d{{1,2}}/{_YEAR}\b"  # 14/03/2022
DATE = re.compile(
    "|".join(
        (
            # Thursday, 30th June 2016 / 28 February and 1 March 2017 / 1 March / 1 Mar-31
            # Aug 2024
            rf"(?:{_DAY_NAME},?\s+)?{_DAY}(?:\s+{_ANY_MONTH})?"
            rf"(?:(?:\s+(?:and|to)\s+|\s*[-–]\s*){_DAY})?\s+{_ANY_MONTH}(?:,?\s+{_YEAR})?",
            # Friday, January 19, 2018
            rf"(?:{_DAY_NAME},?\s+)?{_MONTH}\s+{_DAY},?\s+{_YEAR}",
            # January and February 2017 / spring and summer 2019: one period
            rf"(?:{_MONTH}|{_SEASON})(?:\s+(?:and|to)\s+|\s*[-–]\s*)(?:{_MONTH}|{_SEASON})"
            rf"(?:\s+(?:of\s+)?{_YEAR})?",
            # October 2014 / Autumn 2021 / last November / in July
            rf"(?:{_MONTH}|{_SEASON})(?:\s+(?:of\s+)?{_YEAR})?",
            rf"(?:last|this|next)\s+(?:{_MONTH}|{_SEASON}|year|month|week)",
            rf"{_SHORT_MONTH}\s+{_YEAR}",  # Sep 2024
            # 14/03/2022: a day, written the British way round
            NUMERIC_DAY,
            # A financial year: "2020-21", "2020/21"; no year inside a reference
            # ("HCC-CFE-2025-041", "DPIA/CS/2025/007").
            rf"(?<![\d£$])(?<![A-Z][-–/])\b{_YEAR}[-–/]\d\d\b(?![\d%]|[-–/]\d)",
            rf"(?<![\d£$])(?<![A-Z][-–/])\b{_YEAR}\b(?![\d%]|[-–]\d{{3}}(?!\d))",
        )
    )
)
_SEASON_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}
# The school terms of England, as (first month, months long); a "winter term" is the season.
_TERM_MONTHS = {"spring": (1, 3), "summer": (4, 4), "autumn": (9, 4), "winter": (12, 3)}


@dataclass(frozen=True)
class Period:
    """The days a date expression covers, inclusive: a year, a month or a day (or a range)."""

    start: date
    end: date

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True)
class Fact:
    """A typed span of a sentence; offsets inside the sentence."""

    kind: FactKind
    start: int
    end: int
    text: str
    period: Period | None = None  # dates only, when it could be placed in time
    value: str = ""  # numbers: the figure without what it counts ("39" of "39 children")

    @property
    def core(self) -> str:
        return self.value or self.text


def month_period(year: int, month: int, months: int = 1) -> Period:
    """`months` calendar months from `month` of `year` (a season is three: "winter 2021"
    runs from December 2021 to February 2022)."""
    last_year, last = year + (month + months - 2) // 12, (month + months - 2) % 12 + 1
    end = date(last_year, last, calendar.monthrange(last_year, last)[1])
    return Period(date(year, month, 1), end)


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def _named_months(lowered: str) -> list[tuple[int, int]]:
    """The months and seasons of a date expression in the order written, each as (first
    month, months long); a named month wins over a season."""
    words = re.findall(r"[a-z]+", lowered)
    months = [
        (MONTHS_LOWER.index(w) + 1 if w in MONTHS_LOWER else _SHORT_MONTHS[w], 1)
        for w in words
        if w in MONTHS_LOWER or w in _SHORT_MONTHS
    ]
    if months:
        return months
    if "term" in words:  # "the autumn term 2023": September to December
        return [_TERM_MONTHS[w] for w in words if w in _TERM_MONTHS]
    return [(_SEASON_MONTH[w], 3) for w in words if w in _SEASON_MONTH]


def _from_first(named: list[tuple[int, int]], year: int) -> Period:
    """From the first month or season written to the last, the last one in `year`; the
    first falls in the year before when it comes later in the calendar ("October to March
    2018" starts in October 2017; "winter and spring 2022" in December 2021)."""
    (first, first_months), (last, last_months) = named[0], named[-1]
    end = month_period(year, last, last_months).end
    first_year = year - 1 if first > last else year
    return Period(month_period(first_year, first, first_months).start, end)


_DAY_MONTH_YEAR = re.compile(rf"(\d{{1,2}})/(\d{{1,2}})/({_YEAR})")  # NUMERIC_DAY, parsed
# "2020-21" (a financial year) or "2017-19" (years written short); not inside a
# reference ("CYPSC/2024/041").
FINANCIAL_YEAR = re.compile(r"(?<![\w/–-])((?:19|20)\d\d)[-–/](\d\d)(?!\d)")


def period_of(text: str, reference: date | None = None) -> Period | None:
    """The period a date expression names; relative ones ("last November") need `reference`."""
    lowered = text.lower()
    numeric = _DAY_MONTH_YEAR.fullmatch(text.strip())
    if numeric:
        day, month, year = (int(part) for part in numeric.groups())
        try:
            return Period(date(year, month, day), date(year, month, day))
        except ValueError:
            return year_period(year)  # "31/02/2022", "2/13/2022": no day, but the year
    financial = FINANCIAL_YEAR.fullmatch(text.strip())
    if financial:
        first, last = int(financial.group(1)), int(financial.group(2))
        if last == (first + 1) % 100:  # a financial year, April to March
            return Period(date(first, 4, 1), date(first + 1, 3, 31))
        # Years written short: "the 2017-19 strategy", "1990-95".
        end = first - first % 100 + last + (100 if last < first % 100 else 0)
        return Period(date(first, 1, 1), date(end, 12, 31))
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", text)]
    named = _named_months(lowered)
    if years:
        return _from_first(named, years[-1]) if named else year_period(years[-1])
    relative = lowered.startswith(("last ", "this ", "next "))
    if reference is None or not (named or (relative and "year" in lowered)):
        return None  # "last month/week": too vague to be worth placing
    shift = {"last": -1, "this": 0, "next": 1}[lowered.split()[0]] if relative else 0
    if "year" in lowered:
        return year_period(reference.year + shift)
    month, months = named[-1]
    if months == 3 and month == 12 and reference.month <= 2:
        # January and February belong to the winter that began the December before.
        reference = date(reference.year - 1, 12, 31)
    year = reference.year
    if relative:
        # "last November" in January 2018 is November 2017; "next March" in May is next year.
        if shift < 0 and month >= reference.month:
            year -= 1
        elif shift > 0 and month <= reference.month:
            year += 1
    elif month > reference.month:
        year -= 1  # a month without a year in a dated text: its latest occurrence up to then
    return _from_first(named, year)


def _numbers(
    sentence: str, dates: list[Fact], addresses: list[Fact], codes: list[tuple[int, int]]
) -> list[Fact]:
    # A year is a date, not a count: "57 at January 2016" offers 57, not 2016; nor is a
    # house number ("14 Market Cross") or a reference's part ("DPIA/CS/2025/007").
    taken = [*((f.start, f.end) for f in (*dates, *addresses)), *codes]
    return [
        Fact("number", start, end, sentence[start:end], value=figure)
        for start, end, figure in figure_spans(sentence, taken)
    ]


# "The trust officially launched today": a news report's own day (or the one before),
# when it dates what was done ("young people today" is no date).
RELATIVE_DAYS = ("today", "yesterday")
# Verbs that report what was done on the day, written after it ("Ofsted today published").
REPORTING_VERBS = "said|announced|published|confirmed|revealed"
RELATIVE_DAY = re.compile(
    r"(?<=[a-z]ed )(?:today|yesterday)\b"
    rf"|\b(?:today|yesterday)(?= (?:{REPORTING_VERBS}|launched)\b)",
    re.IGNORECASE,
)


def _day_of(text: str, reference: date | None) -> Period | None:
    if reference is None:
        return None
    day = reference - timedelta(days=1) if text.lower() == "yesterday" else reference
    return Period(day, day)


# The year in a law's title names the law, not a time: "the Children Act 1989", "the
# Supported Accommodation (England) Regulations 2023".
_LAW_TITLE = re.compile(r"\b(?:Act|Regulations|Order|Rules|Bill)\s+$")


def _names_a_law(sentence: str, fact: Fact) -> bool:
    return fact.text.isdigit() and bool(
        _LAW_TITLE.search(sentence, max(0, fact.start - 14), fact.start)
    )


@lru_cache(maxsize=65536)
def find_facts(
    sentence: str, reference: date | None = None, common_words: frozenset[str] = frozenset()
) -> tuple[Fact, ...]:
    """Every typed span of `sentence`, in order of position.

    Args:
        sentence: the text to read.
        reference: the date of the document the sentence comes from, to place
            relative dates ("last November", "in July") in time.
        common_words: words the corpus writes in lower case (`EntityLexicon.common_words`),
            which are not part of a name they come before ("By Imran Siddique").
    """
    dates = [
        Fact("date", m.start(), m.end(), m.group(), period_of(m.group(), reference))
        for m in DATE.finditer(sentence)
    ] + [
        Fact("date", m.start(), m.end(), m.group(), _day_of(m.group(), reference))
        for m in RELATIVE_DAY.finditer(sentence)
    ]
    codes = [m.span() for m in REFERENCE_CODE.finditer(sentence)]
    # "DPIA/CS/2025/007" names no body (nor figure): its capitals are a reference's parts.
    organisations = [
        (start, end)
        for start, end in bodies(sentence, common_words)
        if not any(a <= start and end <= b for a, b in codes)
    ]
    places = [
        Fact("place", m.start(), m.end(), m.group())
        for rx in (STREET_ADDRESS, VENUE)
        for m in rx.finditer(sentence)
    ]
    facts = [
        *(d for d in dates if not _names_a_law(sentence, d)),
        *_numbers(sentence, dates, places, codes),
        # A name the sentence calls a body, or a building, is no person's ("the charity
        # Foundling Futures", "Riverside House").
        *(
            Fact("person", start, end, sentence[start:end])
            for start, end in people(sentence, common_words)
            if (start, end) not in organisations
            and not any(p.start < end and start < p.end for p in places)
        ),
        *(Fact("organisation", start, end, sentence[start:end]) for start, end in organisations),
        *(Fact("rating", start, end, sentence[start:end]) for start, end in rating_spans(sentence)),
        *(Fact("place", m.start(), m.end(), m.group()) for m in POSTCODE.finditer(sentence)),
        *places,
    ]
    return tuple(sorted(facts, key=lambda f: (f.start, -f.end)))


def facts_of(
    sentence: str,
    kind: FactKind,
    reference: date | None = None,
    common_words: frozenset[str] = frozenset(),
) -> list[Fact]:
    """The `kind` facts of `sentence`, overlaps resolved to the longest."""
    found = sorted(
        (f for f in find_facts(sentence, reference, common_words) if f.kind == kind),
        key=lambda f: (-(f.end - f.start), f.start),
    )
    kept: list[Fact] = []
    for fact in found:
        if all(fact.end <= k.start or fact.start >= k.end for k in kept):
            kept.append(fact)
    return sorted(kept, key=lambda f: f.start)
