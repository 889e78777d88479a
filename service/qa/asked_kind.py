"""What kind of answer a question asks for, from its question phrase: a date, a number
(in a unit: a share, money, a count, a length of time), a person, an organisation, a
place or a rating; and the judgement it states while asking something else.
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.qa.facts import FactKind, Unit
from service.qa.judgements import ratings_in
from service.qa.text import QUESTION_WORD

# "What / which [is the] [up to two words] <noun>": the noun says what is asked for
# ("What was the average caseload", "Which outside body", "Which two people"). The
# words in between are modifiers, never a verb ("What did the director say" asks for
# what was said, not a person).
_AUXILIARY = r"(?:did|does|do|is|was|were|are|has|have|had|will|would|can|could|should)\b"
# (A word may be a financial year: "the 2024/25 budget".)
_GAP = rf"(?:(?!{_AUXILIARY})[\w'’/-]+\s+)"
_ABOUT = (
    r"(?:what|which)\s+(?:of\s+)?(?:(?:is|was|are|were)\s+)?"
    # A determiner, or a possessive of up to four words ("the Aldermoss safeguarding
    # partnership's").
    r"(?:(?:the|its|their|(?:the\s+)?(?:[\w-]+\s+){0,3}?[\w-]+['’]s)\s+)?"
    r"(?:names?\s+of\s+(?:the\s+)?)?"
)

# "What is the name of the minister": the noun after "the name of" is asked about.
_NAME_OF = r"(?:what|which)\s+(?:(?:is|was|are|were)\s+the\s+names?\s+of\s+(?:the\s+)?|of\s+)?"


def _asks_about(nouns: str, copula: bool = True) -> str:
    """A "what / which ... <noun>" phrase; without `copula` the noun must open the
    phrase ("Which outside body", not "What was Kestonbury Council rated")."""
    about = _ABOUT if copula else _NAME_OF
    return rf"\b{about}{_GAP}{{0,2}}?(?:{nouns})s?\b(?!['’])"


# "rate" as a noun is a figure ("the rate of matching", "the agency social worker rate in
# Lindenmere?", "What conversion rate did the campaign achieve?", "ombudsman compliance
# rate 2023-24"); as a verb a judgement ("How did Ofsted rate the council?").
_RATE_NOUN = (
    r"\s+(?:of|in|at|for|per|among|was|is|has|had|were|fell|rose|did|does|do|will|would)\b"
    r"|\s*[?.,]|\s*$|\s+\d"
    # "the agency rate a year before that", "the rate before the campaign"
    r"|\s+(?:a\s+)?(?:year|month|quarter|week)s?\b|\s+(?:before|after|since|previously|earlier)\b"
)
_PRICE_NOUNS = (
    r"budget|cost|(?:most|least)\s+expensive|salar(?:y|ie)|fee|allowance|price|allocation|"
    r"spend|expenditure|overspend|underspend|deficit"
)
# "What is the most children ...?" asks a count ("the most serious issues" asks none).
_MOST_OF = r"(?:most|fewest)(?=\s+[a-z]+(?:ren|(?<!ou)(?<![si])s)\b)"
_NUMBER_NOUNS = (
    "percentage|proportion|share|fraction|number|amount|sum|figure|total|average|caseload|"
    f"headcount|count(?=\\s+of\\b)|maximum|minimum|{_MOST_OF}|"
    f"{_PRICE_NOUNS}|value(?=\\s+of\\b)|rate(?={_RATE_NOUN})"
)
_WHAT_PERCENT = r"\bwhat\s*%"  # "What % of care leavers ...?": a number, a share
_DATE_NOUNS = "year|date|day|month|deadline"
_PERSON_NOUNS = (
    "person|people|boss|head|chief executive|director|inspector|hmi|officer|leader|manager|"
    "chair|councillor|minister|mayor|judge|magistrate|mp|commissioner|secretary of state|"
    "headteacher|reviewer|author|investigator"
)
# "Which inspectors carried out the visit?" and "What is the mayor's first name?" ask for
# names, where "Who carried out ...?" may be answered by a body or a role ("Ofsted",
# "the lead member").
_ASKS_NAMED = re.compile(
    _asks_about(_PERSON_NOUNS, copula=False)
    + "|"
    + _asks_about(r"(?:first|last|given|christian|sur)\s?name")
    + r"|\bwhat\s+(?:is|was|are|were)\s+(?:his|her|their)\s+(?:full\s+)?names?\b"
)

# "Who provides independent advocacy?" asks for the body that provides, supplies, funds
# or commissions a service, not a person.
_PROVIDES = r"\s+(?:provide[sd]?|supplie[sd]|fund(?:s|ed)?|commission(?:s|ed)?)\b"
# Bodies no council is: a question asking for one is not answered by a council.
# "the agency social worker" is a person, not an agency; "What firm action ...?" asks for
# no firm, "Which firm was it?" and "Which firm carried out ...?" do.
_BODY_NOUNS = (
    r"agency(?!\s+(?:social\s+)?(?:worker|staff|carer))|charity|association|union|company|"
    r"companies|supplier|provider|contractor|consultancy|"
    r"firm(?=s|\s+(?:was|is|did|does|had|has|won|[a-z]+ed)\b)"
)
# "What did the council spend on agency staff?", "What will students pay towards
# transport?", "What did the review cost?": an amount of money, asked with a verb.
_WHAT_PAID = (
    r"\bwhat\s+(?:did|does|do|will|would|has|have)\s+(?:[\w'’-]+\s+){0,8}?"
    r"(?:spen[dt]\s+on|pa(?:y|id)\s+(?:for|to|towards|out)\s+\w|cost\b)"
)
_NUMBER_ASKED = rf"\bhow (?:many|much|long|often)\b|{_WHAT_PERCENT}|{_WHAT_PAID}|" + _asks_about(
    _NUMBER_NOUNS
)
_KIND_PHRASES: tuple[tuple[FactKind, re.Pattern[str]], ...] = (
    ("number", re.compile(_NUMBER_ASKED)),
    ("date", re.compile(r"\bwhen\b|" + _asks_about(_DATE_NOUNS))),
    ("person", re.compile(rf"\bwho(?:se|m)?\b(?!{_PROVIDES})|" + _ASKS_NAMED.pattern)),
    (
        "organisation",
        re.compile(
            rf"\bwho{_PROVIDES}|"
            + _asks_about(
                "organi[sz]ation|body|bodies|council|authority|watchdog|regulator|"
                f"inspectorate|department|partnership|{_BODY_NOUNS}",
                copula=False,
            )
        ),
    ),
    (
        "place",
        re.compile(
            r"\bwhere\b|"
            # "children's home places" are a count of beds, not a place
            + _asks_about("building|address|town|city|street|place(?!s)|postcode|post code")
        ),
    ),
    (
        "rating",
        re.compile(
            rf"\b(?:rating|rated|rate(?!{_RATE_NOUN})|grade|graded|grading|judgement|judgment|"
            r"judged|verdict|(?:assurance|audit)\s+opinion|level\s+of\s+assurance|rag|"
            # "What did Ofsted judge the unit?": an inspectorate judging (not "the judge"),
            # a thing; what it judged something "to be" or judged "that" may be anything.
            r"(?:(?<=ofsted\s)|(?<=inspectors\s)|(?<=inspectorate\s))"
            r"judge(?!\s+(?:to|that|as|whether|it)\b)(?!.*\bto\s+be\b)|"
            # an inspection's outcome is its judgement ("the outcome of the SEND area
            # inspection", "the inspection result")
            r"(?:outcome|result)s?\s+of\s+(?:[\w'-]+\s+){0,6}?inspection|"
            r"inspection(?:'s)?\s+(?:outcome|result|finding)s?)\b"
        ),
    ),
)
# A rating the question states ("the good rating", "rated inadequate", "the inadequate
# judgement") is a condition, not what it asks for.
_STATED_RATING = re.compile(
    r"\b(?:outstanding|good|inadequate|requir(?:es|e|ing|ed) improvement)\s+"
    r"(?:rating|grade|judge?ment|verdict)\b"
    r"|\b(?:rated|judged|graded)\s+(?:as\s+)?(?:outstanding|good|inadequate|requir)"
)
# Any question word. The first one opens the question; a typed phrase later in the
# sentence is then a subordinate clause ("How did X describe it when ...?" asks for
# a description, not a date).
# "What was X rated?" asks for a rating; "How was X rated/judged?" too.
_RATING_OPENINGS = re.compile(r"^\s*(?:what|which|how)\b")
_SHARE_WORDS = r"\b(?:percentage|proportion|share|fraction|per\s?cent)\b|" + _WHAT_PERCENT
_ASKS_SHARE = re.compile(_SHARE_WORDS, re.I)
# "How much money / did it cost / was invested": an amount of money, not any figure.
_ASKS_MONEY = re.compile(
    r"\b(?:money|funding|funds?|cost|costs|spend|spent|invest(?:ed|ment)?|budget|grant|"
    r"paid|pay|pounds|£|worth|award(?:ed)?|receive[ds]?|secured?|raised?|allowances?|fees?|"
    r"salar(?:y|ies)|prices?|wages?|contribut(?:e|es|ed|ion|ions)|charge[ds]?|overspen[dt]|"
    r"underspen[dt]|saved?|savings?|recover(?:ed|y)?|owe[ds]?|refund(?:ed)?)\b|£",
    re.IGNORECASE,
)
# "By how much did allowances rise?" asks for a change, of money or a share.
_HOW_MUCH = re.compile(r"(?<!\bby )\bhow much\b", re.IGNORECASE)
# ... except by how much a budget was missed: "By how much did the service overspend?"
# asks for money, as an overspend is one.
_BY_HOW_MUCH_OVER = re.compile(
    r"\bby\s+how\s+much\b.*\b(?:(?:over|under)spen[dt]|over\s+budget)\b", re.IGNORECASE
)
_HOW_MANY = re.compile(r"\bhow many\b", re.IGNORECASE)
# "How long after ...", "How long had it been in place?", "How long did it take?"; not
# "How long is the waiting list?" (a count) or "How long was the report?" (pages).
_HOW_LONG = re.compile(
    r"\bhow\s+long\s+(?:ago|after|before|until|since|for|did|do|does|had|has|have|will|"
    r"would|is\s+\w+\s+expected)\b|\bhow\s+long\b.*\b(?:take|took|last(?:ed)?|been|stay(?:ed)?|"
    r"wait(?:ed)?|remain(?:ed)?|there|on\s+site|in\s+post|in\s+(?:the\s+)?(?:job|role|office))\b",
    re.IGNORECASE,
)
# "What was the average caseload", "the number of children": counts, as "how many" asks.
_COUNT_NOUN = re.compile(r"\b(?:caseloads?|(?:number|count) of|headcount)\b", re.IGNORECASE)
# "What was the annual budget", "Which grant ...": the figure asked for is an amount
# of money ("For how many years has funding been secured" asks for years).
_MONEY_NOUNS = f"{_PRICE_NOUNS}|spending|funding|grant|investment|value"
_ASKS_ABOUT_MONEY = re.compile(_asks_about(_MONEY_NOUNS), re.I)
# Typed as keywords, a question is all noun phrase: "Orlingham children's services budget
# 2024-25?" asks for an amount of money.
_MONEY_NOUN = re.compile(rf"\b(?:{_MONEY_NOUNS})s?\b", re.I)
_ASKS_PAID = re.compile(_WHAT_PAID, re.I)


def asks_money(question: str, kind: FactKind | None) -> bool:
    """Whether `question`, asking for a fact of `kind` (`answer_kind`), asks for an
    amount of money ("How much did it cost?")."""
    if _HOW_MUCH.search(question):
        return bool(_ASKS_MONEY.search(question))
    if _BY_HOW_MUCH_OVER.search(question):
        return True
    if kind != "number":
        return False
    about = _ASKS_ABOUT_MONEY if QUESTION_WORD.search(question) else _MONEY_NOUN
    return bool(about.search(question) or _ASKS_PAID.search(question))


# "When inspectors visited in 2024, how many children boarded?": the clause before the
# comma says when; the question after it says what is asked.
_WHEN_CLAUSE = re.compile(
    rf"^\W*when\s+(?!(?:{_AUXILIARY})\b)[^,?]*,\s*(?={QUESTION_WORD.pattern})"
)


# A question word straight after a noun opens a relative clause when the question asks
# with a later one: "Of the families who gave feedback, what percentage ...?" asks for a
# share, not a person. After a preposition, a conjunction or a verb it still asks ("to
# whom", "and who", "say which").
_RELATIVE = re.compile(
    r"(?<=[a-z'’])\s+(?:who|whom|whose|which|when|where)\b"
    r"(?=.*\b(?:what|which|who|whom|when|where|how)\b)"
)
_NOT_A_NOUN = re.compile(
    r"and|or|but|so|then|than|as|to|of|for|from|by|with|on|at|in|into|about|since|until|"
    r"after|before|during|know|ask|asked|say|said|tell|told|show|shows|find|exactly"
)


def _without_relative_clauses(question: str) -> str:
    """`question` with the question words that open relative clauses blanked out."""

    def blank(match: re.Match[str]) -> str:
        before = question[: match.start()].split()
        if before and _NOT_A_NOUN.fullmatch(before[-1].strip("'’")):
            return match.group()
        return " " * len(match.group())

    return _RELATIVE.sub(blank, question)


def answer_kind(question: str) -> FactKind | None:
    """The kind of fact asked for, from the opening question phrase.

    "Who was chief inspector when ...?" asks for a person, "When did ... who ...?"
    for a date, "How did ... when ...?" for none of them. A rating question may have
    no question word at all ("Doncaster rating 2015?").
    """
    q = _without_relative_clauses(_WHEN_CLAUSE.sub("", question.lower()))
    opening = QUESTION_WORD.search(q)
    stated = [m.span() for m in _STATED_RATING.finditer(q)]
    found = [
        (m.start(), kind)
        for kind, rx in _KIND_PHRASES
        for m in rx.finditer(q)
        if not (kind == "rating" and any(a <= m.start() < b for a, b in stated))
    ]
    # The first phrase of each kind.
    found = [min(f for f in found if f[1] == kind) for kind in {k for _, k in found}]
    if not found and opening is None:
        return _telegraphic_kind(q)
    if not found:
        return None
    first_at, kind = min(found)
    if kind == "rating":
        # A rating word decides only for "what / which / how ..." or no question word.
        if opening is None or _RATING_OPENINGS.match(q[opening.start() :]):
            others = [f for f in found if f[1] != "rating"]
            if not others or opening is None or others[0][0] > first_at:
                return "rating"
            first_at, kind = min(others)
        else:
            others = [f for f in found if f[1] != "rating"]
            if not others:
                return None
            first_at, kind = min(others)
    if opening is not None and opening.start() < first_at:
        return None
    return kind


# Typed as a search ("calderwick caseload at the 2017 visit?"), a question names what it
# wants by a kind noun: a number noun first ("number of children in care in the year to
# March 2017"), else "date" ("year" and "month" there mostly say when, not what).
_BARE_NUMBER = re.compile(rf"\b(?:{_NUMBER_NOUNS})s?\b")
_BARE_DATE = re.compile(r"\b(?:dates?|deadlines?)\b")
# Requests and yes/no questions ask for no fact of a kind: "Tell me about the caseload",
# "Did the number of children rise?".
_NOT_A_SEARCH = re.compile(
    rf"^\s*(?:{_AUXILIARY}|(?:tell|describe|explain|summari[sz]e|give|compare|list|show)\b)"
)


def _telegraphic_kind(question: str) -> FactKind | None:
    """The kind a question without a question word asks for, from its kind noun."""
    if _NOT_A_SEARCH.match(question):
        return None
    if _BARE_NUMBER.search(question):
        return "number"
    return "date" if _BARE_DATE.search(question) else None


_ASKS_DAY = re.compile(r"\b(?:what|which)\s+(?:exact\s+)?(?:dates?|days?)\b", re.I)
_ASKS_MONTH = re.compile(r"\b(?:what|which)\s+month\b|\bmonth and year\b", re.I)


def date_precision(question: str) -> Unit | None:
    """How precise a date the question asks for: "on what date" a day, "in which month"
    a month (a year alone does not say it); None for "when"."""
    if _ASKS_DAY.search(question):
        return "day"
    return "month" if _ASKS_MONTH.search(question) else None


def rating_named(question: str, kind: FactKind | None) -> str | None:
    """The one judgement a question states while asking for something else ("When was
    the service rated inadequate?"); None when it states several, asks for one, or asks
    whether ("Was it rated inadequate in 2018?" is answered by "rated 'good' in 2018")."""
    if kind is None or kind == "rating":
        return None
    named: set[str] = set()
    lowered = question.lower()
    for match in _STATED_RATING.finditer(lowered):
        # The pattern stops at "requir"; the judgement runs on ("requires improvement").
        named |= ratings_in(lowered[match.start() : match.end() + 40])
    return next(iter(named)) if len(named) == 1 else None


# A rate per head of population: "the rate per 10,000 children", "how many per 10,000";
# not a rate paid per night, week or child ("the Home Office rate per night").
PER_POPULATION = re.compile(
    r"\bper\s+(?:1|10|100),?000\b|\brate\s+per\b(?!\s+(?:night|day|week|month|year|annum|"
    r"hour|session|child|person|young\s+person|placement|place)\b)",
    re.IGNORECASE,
)


def asks_rate(question: str, kind: FactKind | None) -> bool:
    """ "What is the rate of children in care per 10,000?": a rate, not a count."""
    return kind == "number" and bool(PER_POPULATION.search(question))


def asks_share(question: str) -> bool:
    """ "What proportion", "what %": a share, not a count."""
    return bool(_ASKS_SHARE.search(question))


def asks_count(question: str, kind: FactKind | None) -> bool:
    """ "How many children", "the number of": a count, not money or a share."""
    return bool(_HOW_MANY.search(question) or (kind == "number" and _COUNT_NOUN.search(question)))


def asks_duration(question: str, kind: FactKind | None) -> bool:
    """ "How long after ...": a length of time ("a week")."""
    return kind == "number" and bool(_HOW_LONG.search(question))


def asks_named(question: str, kind: FactKind | None) -> bool:
    """ "Which inspectors": people by name, not a body or a role."""
    return kind == "person" and bool(_ASKS_NAMED.search(question.lower()))


# "Which company / charity / agency ...?" asks for a body a council is not: a council the
# sentence names is no answer ("hosted by Stenhale County Council" for "Which voluntary
# adoption agency provides its support?").
_ASKS_NON_COUNCIL = re.compile(_asks_about(f"{_BODY_NOUNS}|agencies|charities", copula=False))


@lru_cache(maxsize=4096)
def asks_body_not_council(question: str) -> bool:
    """Whether `question` asks for a kind of body no council is (cached: the same for
    every candidate)."""
    return bool(_ASKS_NON_COUNCIL.search(question.lower()))
