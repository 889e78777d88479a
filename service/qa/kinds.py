"""Whether a sentence holds the kind of fact a question asks for (`facts` finds them).

Ranking and confidence read this as `typed`: a date for "when", a number of the unit
asked for ("how much" money, "what percentage" a share), a person for "who", a rating
for "how was it rated".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from service.qa.asked_kind import PER_POPULATION, asks_body_not_council
from service.qa.counted import (
    counts_another_group,
    counts_another_thing,
    names_no_group_asked,
    singular_words,
)
from service.qa.dates import asks_deadline, dates_what_is_to_come, sets_deadline
from service.qa.facts import (
    MONTHS,
    NUMERIC_DAY,
    Fact,
    FactKind,
    Period,
    Unit,
    find_facts,
)
from service.qa.figures import DUE_WITHIN, DURATION, FUSED_MEASURE, RATIO
from service.qa.names import entity_key
from service.qa.people import name_key, place_words
from service.qa.scales import on_scale
from service.qa.strands import names_other_strand

# A share, not a word holding one: "a third", not "third-party" or "half-day".
SHARE = re.compile(r"%|per\s?cent|(?<!-)\b(?:quarter|third|half|fifth)\b(?!-)", re.IGNORECASE)
# A ratio ("7 in 10", "one in eight": `facts.RATIO`) is a share too, but no percentage.
_ASKS_PERCENTAGE = re.compile(r"\bpercentage\b|\bper\s?cent\b|%", re.IGNORECASE)
_MONEY = re.compile(r"£|\b(?:million|billion|pounds)\b|\d(?:m|bn|p)\b", re.IGNORECASE)
# "How many children" is not answered by "£1.2 million" or "18%" (nor by a share in
# words, "a third": `SHARE`).
_NOT_COUNT = re.compile(r"[£%]|per\s?cent|\bpounds\b|\dp\b", re.IGNORECASE)
_MONTH_NAMED = re.compile(
    rf"\b(?:{'|'.join(MONTHS)}|spring|summer|autumn|winter)\b|{NUMERIC_DAY}", re.I
)
_DAY_NAMED = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{'|'.join(MONTHS)})|(?:{'|'.join(MONTHS)})\s+\d{{1,2}}\b"
    rf"|{NUMERIC_DAY}"
)
# "How many children" is not answered by "nine years" or "20 miles" either, unless it
# asks for years or miles.
_MEASURE_UNIT = (
    r"(?:years?|months?|weeks?|days?|hours?|decades?|miles?|km|kilomet(?:re|er)s?|metres?|"
    r"meters?)"
)
_MEASURE = re.compile(rf"(?<!-)\b{_MEASURE_UNIT}\b(?!-)", re.IGNORECASE)
# The figure itself joined to a measure ("six-month review"; "12 half-day sessions" counts).
_FUSED_FIGURE = re.compile(r"\S+?" + FUSED_MEASURE.pattern)
_ASKS_FIGURE = re.compile(r"\b(?:average|mean|median|rate|score)\b", re.IGNORECASE)
_ASKS_MEASURE = re.compile(
    rf"\bhow\s+(?:long|far)\b|\b(?:how\s+many|number\s+of)\s+(?:\w+\s+)?{_MEASURE_UNIT}\b",
    re.IGNORECASE,
)
# Whether a number's text is of the unit asked for (or a date's, of the precision).
_UNIT_FITS: dict[Unit, Callable[[str], bool]] = {
    "share": lambda text: bool(SHARE.search(text)),
    "money": lambda text: bool(_MONEY.search(text)),
    "count": lambda text: not (_NOT_COUNT.search(text) or SHARE.search(text) or RATIO.search(text)),
    "duration": lambda text: bool(DURATION.search(text)),
    "rate": lambda text: not (SHARE.search(text) or _MONEY.search(text)),
    # A date of the precision asked: "which month" is not answered by "in 2013".
    "month": lambda text: bool(_MONTH_NAMED.search(text)),
    "day": lambda text: bool(_DAY_NAMED.search(text)),
}


def fits_unit(unit: Unit, text: str, question: str = "") -> bool:
    """Whether a fact's `text` is of the `unit` the `question` asks for: "£1.2 million" is
    money, "18%" a share, "39 children" a count and "nine years" a count only of years
    ("20 miles" of miles); "398 care leavers" is no count of children; "7 in 10" is a
    share, but not the percentage "what percentage" asks for."""
    measured = _MEASURE.search(text) or _FUSED_FIGURE.match(text)  # "nine years", "six-month"
    if unit == "count" and measured and not _ASKS_MEASURE.search(question):
        return False
    if unit == "count" and (
        counts_another_group(text, question) or counts_another_thing(text, question)
    ):
        return False
    if unit == "share" and RATIO.search(text):
        return not _ASKS_PERCENTAGE.search(question)
    return _UNIT_FITS[unit](text)


# A date only relative to its report ("last year", "last November") is a date, but a
# sentence giving the date itself ("in November 2015") answers "when" better. "Today" and
# "yesterday" are not counted here: they are the report's own day, which its dateline
# gives as the short answer.
_RELATIVE = re.compile(r"(?:last|this|next)\b", re.I)
RELATIVE_DATE_STRENGTH = 0.75


def _only_relative_dates(facts: Sequence[Fact]) -> bool:
    dates = [f for f in facts if f.kind == "date"]
    return bool(dates) and all(_RELATIVE.match(f.text) for f in dates)


_NAMED_KINDS = frozenset({"person", "organisation", "place"})


# Who does things in these reports is often a role or a body, not a name: "the lead
# member", "independent reviewing officers", "council leaders", "the police".
_ROLE = re.compile(
    r"\b(?:members?|officers?|leaders?|managers?|workers?|advis[eo]rs?|inspectors?|police|"
    r"government|ministers?|directors?|chair|chief executives?|teams?|carers?|"
    r"practitioners?|councillors?|panel|board|judges?|commissioners?|"
    r"secretary of state|young people)\b",
    re.IGNORECASE,
)


_BEFORE_NAME = re.compile(r"\s+[A-Z][a-z]")
# A person stands behind "he said", "she wrote": named around the sentence.
_HE_OR_SHE = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)


def _names_role(sentence: str, asked: str) -> bool:
    """Whether `sentence` names a role or body the question does not (an answer to "who");
    a title before a name ("chief executive Paul Moffat") is part of that name."""
    # Compared as words, singular: "leaders" is not in "leadership", "inspector" is in
    # "Who were the inspectors?".
    asked_words = singular_words(asked)
    return any(
        not singular_words(m.group().lower()) <= asked_words
        and not _BEFORE_NAME.match(sentence, m.end())
        for m in _ROLE.finditer(sentence)
    )


def _given(fact: Fact, question: str, keys: str) -> bool:
    """Whether the question gives the name `fact` is: in full, or a person's by surname
    ("Councillor Varma" is "Councillor Ashok Varma"); or, a date, writes it to name a
    thing, not to ask when ("When did Cabinet approve the 2025/26 policy?", "When did
    Ofsted carry out its 2025 inspection?")."""
    if fact.kind == "date":
        attributive = rf"\b(?:the|its|their|this|that|\w['’]s)\s+{re.escape(fact.text)}\s+[a-z]"
        return re.search(attributive, question, re.IGNORECASE) is not None
    if fact.kind not in _NAMED_KINDS:
        return False
    own = _own_name(fact)
    if f" {own} " in keys:
        return True
    surname = fact.text.split()[-1]
    return fact.kind == "person" and re.search(rf"\b{re.escape(surname)}\b", question) is not None


def _written_in_question(fact: Fact, question: str) -> bool:
    """Whether `fact` is a figure the question itself writes, so no answer to it: the "1"
    of "Lot 1 - Independent Advocacy" asked "for Lot 1", the "27" of "Site: 27 Hatherby
    Rise" asked of "the home at 27 Hatherby Rise"."""
    if fact.kind != "number" or fact.text.lower() not in question.lower():
        return False  # most figures: the question does not write them (no search)
    written = rf"(?<![\w.,]){re.escape(fact.text)}(?![\w.,]\w)"
    return re.search(written, question, re.IGNORECASE) is not None


# A company's legal form, which a question leaves off ("Northgate Youth Homes Ltd").
_LEGAL_FORMS = frozenset({"ltd", "limited", "plc", "llp", "cic", "cio"})


def _own_name(fact: Fact) -> str:
    """A name as a question would give it: a council by its place ("Hallowfield City
    Council" is the question's "Hallowfield's"), a company without its legal form."""
    key = name_key(fact.text)
    if fact.kind != "organisation":
        return key
    return " ".join(w for w in place_words(key) if w not in _LEGAL_FORMS) or key


_COUNCIL_NAME = re.compile(r"\bcouncil\b", re.IGNORECASE)


def _council_not_asked(fact: Fact, question: str) -> bool:
    """Whether `fact` is a council where `question` asks for a company, charity or agency."""
    return (
        fact.kind == "organisation"
        and bool(_COUNCIL_NAME.search(fact.text))
        and asks_body_not_council(question)
    )


# How often an amount is paid, as the question asks it ("each year", "weekly") and as a
# sentence states it after the figure: "£12,000 a week" does not answer "How much will
# it cost each year?".
_PAID_EVERY = {  # (nouns, adjectives)
    "week": ("week", "weekly"),
    "month": ("month", "monthly"),
    "year": ("year|annum", "annual|annually|yearly"),
}
_PAID_EVERY_ASKED = {
    period: re.compile(rf"\b(?:a|per|each|every)\s+(?:{nouns})\b|\b(?:{adjectives})\b", re.I)
    for period, (nouns, adjectives) in _PAID_EVERY.items()
}
_PAID_EVERY_STATED = {
    period: re.compile(rf"\s*(?:(?:a|per|each|every)\s+(?:{nouns})|(?:{adjectives}))\b", re.I)
    for period, (nouns, adjectives) in _PAID_EVERY.items()
}


@lru_cache(maxsize=4096)
def _paid_every_asked(question: str) -> frozenset[str]:
    """The periods `question` asks an amount by (cached: the same for every candidate)."""
    return frozenset(p for p, pattern in _PAID_EVERY_ASKED.items() if pattern.search(question))


def _paid_every_other_period(sentence: str, amount: Fact, question: str) -> bool:
    """Whether `amount` is paid every other period than the one `question` asks of."""
    asked = _paid_every_asked(question)
    if len(asked) != 1:
        return False
    stated = {p for p, pattern in _PAID_EVERY_STATED.items() if pattern.match(sentence, amount.end)}
    return bool(stated) and not stated & asked


def kind_strength(
    sentence: str,
    kind: FactKind,
    unit: Unit | None = None,
    question: str = "",
    named: bool = False,
    common_words: frozenset[str] = frozenset(),
    admits: Callable[[Period], bool] | None = None,
    in_currency: bool = False,
    scale: frozenset[str] = frozenset(),
) -> float:
    """1 when `sentence` holds a fact of `kind` (a number of the `unit` asked for); 0.75
    when its only dates are "last", "this" or "next" ones ("last year"); 0.5 when a "who"
    question finds only an organisation or a role (it may be the answer:
    "Who inspected ...?" "Ofsted"; "Who chairs the board?" "the lead member"); else 0.

    A name the `question` itself gives is no answer to it: "Who replaced Paul Moffat?"
    is not answered by a sentence whose only person is Paul Moffat. `common_words` as
    for `find_facts`. With `admits`, the period asked about, a date of the precision
    asked must fall in it: "In which month was it judged inadequate in 2013?" is not
    answered by "November 2023" beside a bare "2013". `in_currency`: the sentence is a
    row of a table whose header or caption names a currency, so its figures are money.
    `scale`: the values of the sentence's report's own judgement scale, ratings too.
    """
    if kind in ("number", "date") and names_other_strand(sentence, question):
        return 0.0  # "child protection visits" for "child in need visits"
    if kind == "number" and unit == "count" and names_no_group_asked(sentence, question):
        return 0.0  # "How many foster carers?" is not answered where none are named
    facts = tuple(
        f for f in find_facts(sentence, None, common_words) if not _written_in_question(f, question)
    )
    dates = [f for f in facts if f.kind == "date"]
    if kind == "date" and dates_what_is_to_come(question, sentence):
        return 0.0  # however precise its date
    if kind == "date" and unit is not None:
        precise = [
            f
            for f in dates
            if fits_unit(unit, f.text, question)
            and (admits is None or f.period is None or admits(f.period))
        ]
        return 1.0 if precise else 0.5 if dates else 0.0
    if kind == "date" and asks_deadline(question):
        return (
            1.0 if any(sets_deadline(sentence, f.start) for f in dates) else 0.5 if dates else 0.0
        )
    if kind == "date" and DUE_WITHIN.search(sentence):
        return 1.0  # "When is her report due?" "Within three months."
    if kind == "date" and _only_relative_dates(facts):
        return RELATIVE_DATE_STRENGTH
    if kind == "number" and unit == "rate" and not PER_POPULATION.search(sentence):
        return 0.0  # "per 10,000 children" is said with the rate, or in its table's row
    if kind == "number" and unit == "duration":
        return 1.0 if DURATION.search(sentence) else 0.0  # "a week" is no figure
    if kind == "number" and unit is not None:
        numbers = [f for f in facts if f.kind == "number"]
        return (
            1.0
            if any(
                (fits_unit(unit, f.text, question) or unit == "money" and in_currency)
                and not (unit == "money" and _paid_every_other_period(sentence, f, question))
                for f in numbers
            )
            else 0.0
        )
    if kind == "number" and _ASKS_FIGURE.search(question):
        # An average or a rate is no count of things written in words ("ten statistical
        # neighbours" for "What is the statistical neighbour average?").
        facts = tuple(f for f in facts if not (f.value.isalpha() and f.text != f.value))
    asked = question.lower()
    # Compared as names: "The Trust's" is the question's "the Trust".
    keys = f" {entity_key(question)} "
    kinds = {
        f.kind
        for f in facts
        if not (asked and _given(f, question, keys) or _council_not_asked(f, question))
    }
    # A value of the report's own scale the question does not give: "Limited progress".
    if kind in kinds or (kind == "rating" and on_scale(sentence, scale, asked)):
        return 1.0
    if kind == "person" and not named and ("organisation" in kinds or _names_role(sentence, asked)):
        return 0.5  # unless the question asks for people by name ("which inspectors")
    if kind == "person" and _HE_OR_SHE.search(sentence):
        return 0.5  # "he said": the person is named around the sentence
    return 0.0
