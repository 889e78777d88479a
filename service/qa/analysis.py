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
from collections.abc import Mapping
from dataclasses import dataclass

from service.qa.acronyms import acronym_key
from service.qa.asked_kind import (
    answer_kind,
    asks_count,
    asks_duration,
    asks_money,
    asks_named,
    asks_rate,
    asks_share,
    date_precision,
    rating_named,
)
from service.qa.dates import asks_for_latest
from service.qa.document_questions import (
    ABOUT_TOPIC,
    ASKS_PUBLICATION,
    NAMES_DOCUMENT,
    DocumentRole,
    asks_role,
)
from service.qa.entities import EntityLexicon, EntityMention
from service.qa.facts import FactKind, Period, Unit, facts_of
from service.qa.followup import ResolvedQuestion, topic_of
from service.qa.names_asked import asks_name
from service.qa.offices import Office, office_asked, predecessor_asked, successor_asked
from service.qa.periods import (
    TimeConstraint,
    moved_by_years,
    names_event,
    spell_out_months,
    time_constraint,
    without_years_moved,
    years_moved,
)
from service.qa.quotes import quoted_phrases
from service.qa.rating_areas import asks_whole, parts_asked
from service.qa.text import content_stems
from service.qa.topics import asked_of_own_council, asks_nothing_new


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
    asks_rate: bool  # "per 10,000 children": a rate, not a count
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
    scales: Mapping[str, frozenset[str]]  # document id -> its own judgement scale (`scales`)
    time: TimeConstraint | None
    # The period whose column of a table answers: the one asked about, or the year a
    # follow-up moves to ("And the year before?").
    column_period: Period | None
    prefer_recent: bool
    quoted: tuple[str, ...] = ()  # phrases it quotes ("'tremendously proud'"), as words
    asks_name: bool = False  # "what is the programme called": a name it does not give
    asks_whole_rating: bool = False  # a rating naming no part: the whole service's
    rating_parts: frozenset[str] = frozenset()  # the parts a rating question names
    # When something began ("Who became chief executive in 2018?": "since 2018" answers).
    asks_start: bool = False
    # What its names are about ("Larchfield House": the council that runs the home).
    subjects_named: frozenset[str] = frozenset()
    # "When did Ofsted carry out its 2025 inspection?": its period dates the event asked.
    dates_event: bool = False
    # "And a year later?" after "There were 288 ...": the figures the last answer gave,
    # which the moved period's answer is not.
    figures_given: frozenset[str] = frozenset()

    @property
    def unit(self) -> Unit | None:
        """The unit the asked-for number must have, if the question says."""
        if self.asks_rate:
            return "rate"
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
# "And what about ...?", "And what did the inspectors conclude about how well ...?"
_WHAT_ABOUT = re.compile(
    r"\W*(?:and\s+)?(?:(?:what|how)\s+about|what\s+did\s+(?:[\w'’]+\s+){1,3}?"
    r"(?:conclude|find|decide|judge)\s+(?:about|of|on))\b",
    re.IGNORECASE,
)
_ASKS_WHICH_COUNCIL = re.compile(
    r"\b(?:which|what|name|identify)\s+(?:\w+\s+){0,2}(?:councils?|authorit(?:y|ies))\b",
    re.IGNORECASE,
)


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
    # "no recourse to public funds" is written "NRPF" once a report has defined it: a
    # sentence is searched and read for either.
    acronyms = lexicon.acronyms_for(scoring) if lexicon is not None else ()
    # Unless the query writes it already ("AP" is not written in "apply").
    written = {acronym_key(word) for word in re.findall(r"[\w'’]+", retrieval)}
    retrieval = " ".join([retrieval, *(a for a in acronyms if acronym_key(a) not in written)])
    unknown = tuple(m for m in mentions if not m.documents)
    # "And Harrowby?" after "When was Westfold rated inadequate?" asks the topic's
    # question of another council: its form (a date, the judgement named) is the topic's.
    topic = None
    # "What about the year after?" asks for no year: it moves the topic's period.
    own = without_years_moved(question) if resolved.is_followup else question
    if resolved.is_followup and answer_kind(own) is None:
        names = [m.text for m in lexicon.mentions(question)] if lexicon is not None else []
        topic = topic_of(scoring, question) if asks_nothing_new(question, names) else None
    form = topic or own
    # "And what about the impact of leaders?" after "What judgement did it get?" asks the
    # same kind of fact of something else.
    what_about = resolved.is_followup and bool(_WHAT_ABOUT.match(question))
    form_kind = answer_kind(form)
    kind = form_kind or (answer_kind(scoring) if what_about else None)
    # The time of a follow-up may be in its topic ("And in 2017?" or "What about then?"),
    # unless it asks when something else happened: "When did she start?" after a question
    # about a 2025 report asks for a date that need not be in 2025 ("When was it sent?"
    # asks about the topic itself).
    publication = ASKS_PUBLICATION.search(question) if kind == "date" else None
    predecessor = predecessor_asked(form, resolved.last_answer) if kind == "person" else None
    # "Who replaced him?" asks who came after the topic's time, not who held it then.
    inherits_time = (
        resolved.is_followup
        and predecessor is None
        and (
            kind != "date"
            or topic is not None
            or bool(ABOUT_TOPIC.search(question) or ASKS_PUBLICATION.search(question))
        )
    )
    own_time = time_constraint(question)
    time = own_time or (time_constraint(scoring) if inherits_time else None)
    # "And the year before?" asks for the figure of the year before the topic's period:
    # its column of a table. The sentences giving it are still dated by the topic's
    # period ("71 children, compared with 66 a year earlier").
    moved = years_moved(question) if time is not None and own_time is None else 0
    column = moved_by_years(time, moved) if time is not None and moved else time
    role = asks_role(scoring, resolved.is_followup) if kind == "person" else None
    rated = question if what_about else scoring  # what a rating question names the part in
    named_document = NAMES_DOCUMENT.search(scoring) if role else None
    return QuestionAnalysis(
        question=question,
        scoring_question=scoring,
        retrieval_query=retrieval,
        is_followup=resolved.is_followup,
        stems=content_stems(scoring) | content_stems(" ".join(acronyms)),
        kind=kind,
        asks_share=asks_share(form),
        asks_rate=asks_rate(form, kind),
        asks_money=asks_money(form, form_kind),
        asks_count=asks_count(form, kind),
        asks_duration=asks_duration(form, kind),
        asks_publication=publication is not None,
        published_kind=publication.group("document") or publication.group("meeting")
        if publication
        else None,
        asks_role=role,
        role_document=named_document.group().lower() if named_document else None,
        asks_named=asks_named(form, kind),
        date_precision=date_precision(form) if kind == "date" else None,
        entities=known,
        unknown_entities=unknown,
        home_names=lexicon.home_names() if lexicon is not None else frozenset(),
        council_names=lexicon.council_names() if lexicon is not None else frozenset(),
        asks_which_council=bool(_ASKS_WHICH_COUNCIL.search(scoring)),
        rating_named=rating_named(form, kind),
        office=office_asked(form, (m.text for m in mentions)) if kind == "person" else None,
        predecessor=predecessor,
        successor=successor_asked(form) if kind == "person" else None,
        common_words=lexicon.common_words if lexicon is not None else frozenset(),
        scales=lexicon.scales if lexicon is not None else {},
        time=time,
        column_period=column.period if column is not None and column.relation == "in" else None,
        prefer_recent=asks_for_latest(scoring) if prefer_recent is None else prefer_recent,
        quoted=quoted_phrases(question),  # the follow-up's own, not its topic's
        asks_name=kind is None and asks_name(form),
        asks_whole_rating=kind == "rating" and asks_whole(rated),
        rating_parts=parts_asked(rated) if kind == "rating" else frozenset(),
        asks_start=bool(_ASKS_START.search(scoring)),
        subjects_named=lexicon.subjects_named(known) if lexicon is not None else frozenset(),
        dates_event=kind == "date" and time is not None and names_event(time, scoring),
        figures_given=frozenset(f.value for f in facts_of(resolved.last_answer or "", "number"))
        if moved and kind == "number"
        else frozenset(),
    )
