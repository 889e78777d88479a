"""Question analysis, once per question: what it names and what kind of answer it wants.

The constraints a question states, made explicit so every later step checks the
same ones:
  - entities: places, councils, organisations, people, programmes it names
    (`service.qa.entities`), and names the corpus does not know at all;
  - time: the period it asks about ("in 2016", "after the November 2017
    re-inspection", "between 2015 and 2017"), with the relation (in, before, after);
  - the kind of answer: a date, a number (with its unit), a person, an
    organisation, a place or a rating (`service.qa.facts`);
  - whether it asks for the latest state ("current", "now").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.qa.dates import asks_for_latest
from service.qa.document_questions import (
    ABOUT_TOPIC,
    ASKS_PUBLICATION,
    NAMES_DOCUMENT,
    DocumentRole,
    asks_role,
)
from service.qa.entities import EntityLexicon, EntityMention
from service.qa.facts import FactKind, Unit, ratings_in
from service.qa.followup import ResolvedQuestion, topic_of
from service.qa.names_asked import asks_name
from service.qa.offices import Office, office_asked, predecessor_asked, successor_asked
from service.qa.periods import TimeConstraint, spell_out_months, time_constraint
from service.qa.quotes import quoted_phrases
from service.qa.rating_areas import asks_whole
from service.qa.text import QUESTION_WORD, content_stems
from service.qa.topics import asked_of_own_council, asks_nothing_new

# "What / which [is the] [up to two words] <noun>": the noun says what is asked for
# ("What was the average caseload", "Which outside body", "Which two people"). The
# words in between are modifiers, never a verb ("What did the director say" asks for
# what was said, not a person).
_AUXILIARY = r"(?:did|does|do|is|was|were|are|has|have|had|will|would|can|could|should)\b"
_GAP = rf"(?:(?!{_AUXILIARY})[\w'’-]+\s+)"
_ABOUT = (
    r"(?:what|which)\s+(?:of\s+)?(?:(?:is|was|are|were)\s+)?"
    r"(?:(?:the|its|their|[\w-]+['’]s)\s+)?(?:names?\s+of\s+(?:the\s+)?)?"
)

# "What is the name of the minister": the noun after "the name of" is asked about.
_NAME_OF = r"(?:what|which)\s+(?:(?:is|was|are|were)\s+the\s+names?\s+of\s+(?:the\s+)?|of\s+)?"


def _asks_about(nouns: str, copula: bool = True) -> str:
    """A "what / which ... <noun>" phrase; without `copula` the noun must open the
    phrase ("Which outside body", not "What was Kestonbury Council rated")."""
    about = _ABOUT if copula else _NAME_OF
    return rf"\b{about}{_GAP}{{0,2}}?(?:{nouns})s?\b(?!['’])"


# "rate" as a noun is a figure ("the rate of matching", "the agency social worker rate in
# Lindenmere?"); as a verb a judgement ("How did Ofsted rate the council?").
_RATE_NOUN = r"\s+(?:of|in|at|for|among|was|is|has|had|were|fell|rose)\b|\s*[?.,]|\s*$"
_PRICE_NOUNS = r"budget|cost|(?:most|least)\s+expensive|salar(?:y|ie)|fee|allowance|price"
_NUMBER_NOUNS = (
    "percentage|proportion|share|fraction|number|amount|sum|figure|total|average|caseload|"
    f"{_PRICE_NOUNS}|value(?=\\s+of\\b)|rate(?={_RATE_NOUN})"
)
_WHAT_PERCENT = r"\bwhat\s*%"  # "What % of care leavers ...?": a number, a share
_DATE_NOUNS = "year|date|day|month|deadline"
_PERSON_NOUNS = (
    "person|people|boss|head|chief executive|director|inspector|hmi|officer|leader|manager|"
    "chair|councillor|minister|mayor"
)
# "Which inspectors carried out the visit?" and "What is the mayor's first name?" ask for
# names, where "Who carried out ...?" may be answered by a body or a role ("Ofsted",
# "the lead member").
_ASKS_NAMED = re.compile(
    _asks_about(_PERSON_NOUNS, copula=False)
    + "|"
    + _asks_about(r"(?:first|last|given|christian|sur)\s?name")
)

_NUMBER_ASKED = rf"\bhow (?:many|much|long|often)\b|{_WHAT_PERCENT}|" + _asks_about(_NUMBER_NOUNS)
_KIND_PHRASES: tuple[tuple[FactKind, re.Pattern[str]], ...] = (
    ("number", re.compile(_NUMBER_ASKED)),
    ("date", re.compile(r"\bwhen\b|" + _asks_about(_DATE_NOUNS))),
    ("person", re.compile(r"\bwho(?:se|m)?\b|" + _ASKS_NAMED.pattern)),
    (
        "organisation",
        re.compile(
            _asks_about(
                "organi[sz]ation|body|bodies|council|authority|watchdog|agency|regulator|"
                "inspectorate|charity|association|department|union|company|companies|"
                "supplier|contractor",
                copula=False,
            )
        ),
    ),
    (
        "place",
        re.compile(
            r"\bwhere\b|"
            + _asks_about("building|address|town|city|street|place|postcode|post code")
        ),
    ),
    (
        "rating",
        re.compile(
            rf"\b(?:rating|rated|rate(?!{_RATE_NOUN})|grade|graded|grading|judgement|judgment|"
            r"judged|verdict)\b"
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
    r"salar(?:y|ies)|prices?|wages?)\b|£",
    re.IGNORECASE,
)
# "By how much did allowances rise?" asks for a change, of money or a share.
_HOW_MUCH = re.compile(r"(?<!\bby )\bhow much\b", re.IGNORECASE)
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
_COUNT_NOUN = re.compile(r"\b(?:caseloads?|number of)\b", re.IGNORECASE)
# "What was the annual budget", "Which grant ...": the figure asked for is an amount
# of money ("For how many years has funding been secured" asks for years).
_MONEY_NOUNS = f"{_PRICE_NOUNS}|spending|funding|grant|investment|value"
_ASKS_ABOUT_MONEY = re.compile(_asks_about(_MONEY_NOUNS), re.I)


def _asks_money(question: str) -> bool:
    if _HOW_MUCH.search(question):
        return bool(_ASKS_MONEY.search(question))
    return answer_kind(question) == "number" and bool(_ASKS_ABOUT_MONEY.search(question))


def answer_kind(question: str) -> FactKind | None:
    """The kind of fact asked for, from the opening question phrase.

    "Who was chief inspector when ...?" asks for a person, "When did ... who ...?"
    for a date, "How did ... when ...?" for none of them. A rating question may have
    no question word at all ("Doncaster rating 2015?").
    """
    q = question.lower()
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
_BARE_DATE = re.compile(r"\bdates?\b")
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


@dataclass(frozen=True)
class QuestionAnalysis:
    """Everything later steps need to know about one question, computed once."""

    question: str  # as asked; its form decides the answer kind
    scoring_question: str  # self-contained (a follow-up joined with its topic)
    retrieval_query: str
    is_followup: bool
    stems: frozenset[str]
    kind: FactKind | None
    asks_share: bool  # "what proportion": a share, not a count
    asks_money: bool  # "how much did it cost": an amount of money
    asks_count: bool  # "how many children": a count, not money or a share
    asks_duration: bool  # "how long after ...": a length of time ("a week")
    date_precision: Unit | None  # "which month" ("month"), "on what date" ("day")
    asks_publication: bool  # "when was the article published": the document's own date
    published_kind: str | None  # the kind of document it asks the date of ("article")
    asks_role: DocumentRole | None  # "who wrote the article": its byline or signature
    role_document: str | None  # the document it names ("letter"), when it asks a role
    asks_named: bool  # "which inspectors": people by name, not a body or a role
    entities: tuple[EntityMention, ...]  # names that tell documents apart
    unknown_entities: tuple[EntityMention, ...]  # names no document mentions
    home_names: frozenset[str]  # in reports about one council, the names most mention
    council_names: frozenset[str]  # the places whose councils the reports name
    asks_which_council: bool  # "which / what / name ... council": no council is implied
    # The judgement it names, asking about something else ("When was it rated inadequate?").
    rating_named: str | None
    office: Office | None  # the post whose holder it asks for ("chief inspector")
    predecessor: str | None  # "Who replaced Paul Moffat?": the holder before
    successor: str | None  # "Who was director before Helen Marchbank?": the holder after
    common_words: frozenset[str]  # words the corpus writes in lower case (`people._trimmed`)
    time: TimeConstraint | None
    prefer_recent: bool
    quoted: tuple[str, ...] = ()  # phrases it quotes ("'tremendously proud'"), as words
    asks_name: bool = False  # "what is the programme called": a name it does not give
    asks_whole_rating: bool = False  # a rating naming no part: the whole service's
    # When something began ("Who became chief executive in 2018?": "since 2018" answers).
    asks_start: bool = False
    # What its names are about ("Larchfield House": the council that runs the home).
    subjects_named: frozenset[str] = frozenset()

    @property
    def unit(self) -> Unit | None:
        """The unit the asked-for number must have, if the question says."""
        if self.asks_share:
            return "share"
        if self.asks_money:
            return "money"
        if self.asks_duration:
            return "duration"
        if self.kind == "date":
            return self.date_precision
        return "count" if self.asks_count else None

    @property
    def has_constraints(self) -> bool:
        return bool(self.entities or self.unknown_entities or self.time or self.kind)


_ASKS_START = re.compile(
    r"\b(?:bec[oa]me?|join(?:ed)?|appoint(?:ed)?|start(?:ed)?|beg[ia]n|launch(?:ed)?|"
    r"took\s+over|take\s+over|set\s+up|found(?:ed)?|establish(?:ed)?|creat(?:e|ed))\b",
    re.IGNORECASE,
)
_WHAT_ABOUT = re.compile(r"\W*(?:and\s+)?(?:what|how)\s+about\b", re.IGNORECASE)
_ASKS_WHICH_COUNCIL = re.compile(
    r"\b(?:which|what|name|identify)\s+(?:\w+\s+){0,2}(?:councils?|authorit(?:y|ies))\b",
    re.IGNORECASE,
)
_ASKS_DAY = re.compile(r"\b(?:what|which)\s+(?:exact\s+)?(?:date|day)\b", re.I)
_ASKS_MONTH = re.compile(r"\b(?:what|which)\s+month\b|\bmonth and year\b", re.I)


def _date_precision(question: str) -> Unit | None:
    """How precise a date the question asks for: "on what date" a day, "in which month"
    a month (a year alone does not say it); None for "when"."""
    if _ASKS_DAY.search(question):
        return "day"
    return "month" if _ASKS_MONTH.search(question) else None


def analyse(
    resolved: ResolvedQuestion,
    lexicon: EntityLexicon | None,
    prefer_recent: bool | None = None,
) -> QuestionAnalysis:
    """Analyse a (follow-up resolved) question against the corpus's names.

    Args:
        resolved: the question and its self-contained form.
        lexicon: the corpus's names; None analyses without entities.
        prefer_recent: the caller's choice; default: detected from the question.
    """
    # Months in full first: "Feb 2022" is a date, not a name no document mentions.
    question = spell_out_months(resolved.question)
    scoring = spell_out_months(resolved.scoring_question)
    retrieval = resolved.retrieval_query
    mentions = lexicon.mentions(scoring) if lexicon is not None else []
    known = tuple(m for m in mentions if m.documents and lexicon and lexicon.discriminating(m))
    if resolved.is_followup and lexicon is not None:
        # "And Doncaster?" after a question about Norfolk asks it of Doncaster instead.
        known, scoring, retrieval = asked_of_own_council(
            question, scoring, retrieval, known, lexicon
        )
    unknown = tuple(m for m in mentions if not m.documents)
    # "And Harrowby?" after "When was Westfold rated inadequate?" asks the topic's
    # question of another council: its form (a date, the judgement named) is the topic's.
    topic = None
    if resolved.is_followup and answer_kind(question) is None:
        names = [m.text for m in lexicon.mentions(question)] if lexicon is not None else []
        topic = topic_of(scoring, question) if asks_nothing_new(question, names) else None
    form = topic or question
    # "And what about the impact of leaders?" after "What judgement did it get?" asks the
    # same kind of fact of something else.
    what_about = resolved.is_followup and bool(_WHAT_ABOUT.match(question))
    kind = answer_kind(form) or (answer_kind(scoring) if what_about else None)
    # The time of a follow-up may be in its topic ("And in 2017?" or "What about then?"),
    # unless it asks when something else happened: "When did she start?" after a question
    # about a 2025 report asks for a date that need not be in 2025 ("When was it sent?"
    # asks about the topic itself).
    publication = ASKS_PUBLICATION.search(question) if kind == "date" else None
    inherits_time = resolved.is_followup and (
        kind != "date"
        or topic is not None
        or bool(ABOUT_TOPIC.search(question) or ASKS_PUBLICATION.search(question))
    )
    time = time_constraint(question) or (time_constraint(scoring) if inherits_time else None)
    role = asks_role(scoring, resolved.is_followup) if kind == "person" else None
    named_document = NAMES_DOCUMENT.search(scoring) if role else None
    return QuestionAnalysis(
        question=question,
        scoring_question=scoring,
        retrieval_query=retrieval,
        is_followup=resolved.is_followup,
        stems=content_stems(scoring),
        kind=kind,
        asks_share=bool(_ASKS_SHARE.search(form)),
        asks_money=_asks_money(form),
        asks_count=bool(_HOW_MANY.search(form) or (kind == "number" and _COUNT_NOUN.search(form))),
        asks_duration=kind == "number" and bool(_HOW_LONG.search(form)),
        asks_publication=publication is not None,
        published_kind=publication.group("document") or publication.group("meeting")
        if publication
        else None,
        asks_role=role,
        role_document=named_document.group().lower() if named_document else None,
        asks_named=kind == "person" and bool(_ASKS_NAMED.search(form.lower())),
        date_precision=_date_precision(form) if kind == "date" else None,
        entities=known,
        unknown_entities=unknown,
        home_names=lexicon.home_names() if lexicon is not None else frozenset(),
        council_names=lexicon.council_names() if lexicon is not None else frozenset(),
        asks_which_council=bool(_ASKS_WHICH_COUNCIL.search(scoring)),
        rating_named=_rating_named(form, kind),
        office=office_asked(form, (m.text for m in mentions)) if kind == "person" else None,
        predecessor=predecessor_asked(form) if kind == "person" else None,
        successor=successor_asked(form) if kind == "person" else None,
        common_words=lexicon.common_words if lexicon is not None else frozenset(),
        time=time,
        prefer_recent=asks_for_latest(scoring) if prefer_recent is None else prefer_recent,
        quoted=quoted_phrases(question),  # the follow-up's own, not its topic's
        asks_name=kind is None and asks_name(form),
        asks_whole_rating=kind == "rating" and asks_whole(question if what_about else scoring),
        asks_start=bool(_ASKS_START.search(scoring)),
        subjects_named=lexicon.subjects_named(known) if lexicon is not None else frozenset(),
    )


def _rating_named(question: str, kind: FactKind | None) -> str | None:
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
