"""Evidence against the question's constraints, sentence by sentence: does a candidate
satisfy the entities and time the question names, and hold the kind of answer it wants?

Graded evidence (the name in the sentence or only in its passage; a date in the
sentence that fits the asked time, or one that contradicts it; the asked-for kind of
fact present or not) becomes features of the fitted ranker and of the confidence model,
and the unambiguous contradictions rule candidates out (`admissible`). Which documents
may hold the answer at all is decided before retrieval (`scope`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from corpus.table_rows import is_table_row
from service.qa.analysis import QuestionAnalysis
from service.qa.corrections import takes_back
from service.qa.dates import (
    dated_in_another_year,
    dates_a_comparison,
    dates_only_the_past,
    gives_comparison,
    held_only_until,
    recalls_earlier_report,
)
from service.qa.facts import Period, facts_of, find_facts
from service.qa.judgements import ratings_in
from service.qa.kinds import kind_strength
from service.qa.labels import names_another_item
from service.qa.names import mentions
from service.qa.names_asked import gives_name
from service.qa.offices import names_successor, office_evidence, states_succession
from service.qa.other_council import names_other_council
from service.qa.quotes import holds_quotes, paragraph_around
from service.qa.rating_areas import (
    asks_earlier,
    rates_a_part,
    rates_no_part_asked,
    recalls_earlier_judgement,
)
from service.qa.scope import reports_on
from service.qa.text import distance_to_words, question_word_positions


@dataclass(frozen=True)
class SentenceEvidence:
    """How one candidate sentence (with its context) meets the question's constraints."""

    entity: float  # share of named entities in the sentence or its neighbours
    time_match: float  # 1: a date in the sentence or a neighbour fits the asked time;
    # 0.5: one elsewhere in its passage
    time_conflict: bool  # the sentence is dated, and no date of it or its neighbours fits
    kind: float  # holds the kind of fact asked for (1), or a near kind (0.5)
    near: float = 0.0  # how close that fact sits to a word of the question (1: adjacent)
    other_council: bool = False  # names a council the question and the corpus do not
    other_rating: bool = False  # states judgements, none the one the question names
    other_office: bool = False  # gives a person it names another post than the one asked
    holds_office: bool = False  # names a person and the post asked ("who is the director")
    # A role the post's verb gives it to: "the chairing of the board by the lead member".
    role_holder: bool = False
    about_predecessor: bool = False  # its only holder of the post is the one "replaced"
    about_successor: bool = False  # it names who came after the one asked the predecessor of
    # For "who replaced X": it says someone was appointed, took over or became something.
    states_succession: bool = True
    quotes: bool = True  # it or its neighbours hold the phrases the question quotes
    gives_name: bool = True  # for "what is it called": it names what the question does not
    rates_a_part: bool = False  # it rates only a part (for the whole), or not the one asked
    # It states the judgement the question names (for "when was it rated inadequate?",
    # in itself; for "who gave it" or "what did it find", in it or its neighbours).
    states_rating: bool = True
    # It numbers its item "Level 1" where the question asks of "Level 3", or names another
    # committee ("Children's Scrutiny Committee" for "the Education Committee"), age band
    # or reference ("SIN/24/13" for "SIN/24/11").
    other_label: bool = False
    taken_back: bool = False  # it gives what a correction withdraws ("an earlier version gave")
    # Its figures are all the last answer's, when a follow-up moves the period ("And a
    # year later?" is not answered by the 288 just given).
    repeats_given: bool = False


# A date after "since" starts a period that runs to the document's date: what the
# sentence counts is as of then, not of that date.
_SINCE = re.compile(r"\bsince\s+(?:the\s+)?(?:start\s+of\s+|end\s+of\s+)?$", re.IGNORECASE)


def sentence_evidence(
    analysis: QuestionAnalysis,
    sentence: str,
    context: str,
    passage: str,
    reference: date | None,
    heading: str = "",
    in_currency: bool = False,
    scale: frozenset[str] = frozenset(),
    lead: str = "",
    list_lead: str = "",
    report_year: Period | None = None,
    following: str = "",
) -> SentenceEvidence:
    """Check one candidate against the question's constraints.

    Args:
        analysis: the analysed question.
        sentence: the candidate sentence.
        context: the sentence with its neighbours.
        passage: the whole passage it comes from.
        reference: its document's date, to place relative dates ("last November").
        heading: its document's title and source (`entities.heading_of`), which name things too.
        in_currency: it is a row of a table in a currency (`corpus.table_rows.table_in_currency`).
        scale: the values of its document's own judgement scale (`scales`).
        lead: the heading or label it sits under (`corpus.sentences.leads`).
        list_lead: the line introducing the list it is an item of, which dates it when
            it names no date itself (`corpus.sentences.list_lead`).
        report_year: the year its document reports on, if an annual report
            (`dates.report_year`), which is the year of what it says undated.
        following: the text after it, which may put right what it says.
    """
    entity = 0.0
    if analysis.entities:
        found = sum(1 for m in analysis.entities if mentions(f"{context}\n{heading}", m.key))
        entity = found / len(analysis.entities)
    time_match, time_conflict = 0.0, False
    published_then = True  # with no time asked, a question asks of the report's own
    if analysis.time is not None:
        time = analysis.time
        since_is_later = time.relation == "in" and not analysis.asks_start

        def fits(text: str) -> tuple[bool, bool]:
            """(some date of `text` fits, `text` is dated at all)."""
            facts = [f for f in find_facts(text, reference) if f.period is not None]
            # "58 apprenticeships since 2017" (written in 2019) is no figure of 2017; "chief
            # executive since 2018" does say who became one in 2018.
            fitting = [
                f for f in facts if not since_is_later or not _SINCE.search(text, 0, f.start)
            ]
            dated = any(not gives_comparison(text, f.start, f.end) for f in facts)
            return any(time.admits(f.period) for f in fitting if f.period), dated

        # The answer often sits beside the sentence that dates it ("The visit was in
        # March 2017. Inspectors found ..."), so the neighbours count as much.
        near, _ = fits(context)
        own_fits, own_dated = fits(sentence)
        dated_by = sentence
        if not own_dated and list_lead:  # "At 30 November 2025:" / "- 497 children ..."
            own_fits, own_dated = fits(list_lead)
            dated_by = list_lead
        # An annual report's figure, dated by none but those it compares with, is of the
        # year it reports on, whenever it was published: "141 cases were heard, compared
        # with 118 in 2022/23" in the report for 2023/24 (published in December 2024)
        # answers 2023/24, not 2024/25. (A table's row is dated by its columns; a post is
        # held when the report is written.)
        in_report_year = (
            time.admits(report_year)
            if analysis.kind == "number"
            and report_year is not None
            and time.relation in ("in", "between")
            and not own_fits
            and not is_table_row(sentence)
            and not _dates_own_figure(dated_by, reference)
            else None
        )
        own_fits = own_fits or in_report_year is True
        if near or own_fits:
            time_match = 1.0
        elif fits(passage)[0]:
            time_match = 0.5
        # A sentence of a report from the very period asked about ("in 2022") is not
        # contradicted by the dates it recalls ("since July 2020") or the targets it sets
        # ("good by 2018"). One written just after the period (the letter on a November
        # visit is dated December) reports on it through the earlier dates it recalls
        # ("from 38% in October 2015"), not through a later one ("Ofsted will return in
        # January 2018").
        published_in = (
            reference is not None
            and time.relation in ("in", "between")
            and time.admits(Period(reference, reference))
        )
        # A question naming a day asks for the figure of that day ("at 31 March 2025"),
        # which the same figure of another day does not give.
        just_after = (
            reference is not None
            and not time.on_day
            and reports_on(time, reference)
            and all(  # it recalls, it does not look ahead
                f.period.end <= time.period.end
                for f in find_facts(sentence, reference)
                if f.period is not None
            )
        )
        published_then = published_in or just_after
        # "When was its 2025 inspection?" is not dated by the one a 2025 report recalls,
        # nor is a figure of 2024/25 given by "63 inspections in 2023/24".
        recalls = (
            published_then
            and not analysis.dates_event
            and not (
                analysis.kind == "number"
                and time.relation == "in"
                and dated_in_another_year(sentence, time.period, reference)
            )
        )
        # What held only until a day before the asked period ("until 18 August 2024 a
        # first penalty notice was £60") is no answer of it, even recalled in its report.
        time_conflict = (
            not near and ((own_dated and not own_fits and not recalls) or in_report_year is False)
        ) or (time.relation != "before" and held_only_until(sentence, time.period.start, reference))
    # A rating question about a report's own inspection is not answered by the judgement
    # it recalls from the one before ("Overall judgement at last inspection: good").
    time_conflict = time_conflict or (
        analysis.kind == "rating"
        and published_then
        and not asks_earlier(analysis.scoring_question)
        and recalls_earlier_judgement(sentence)
    )
    kind = (
        kind_strength(
            sentence,
            analysis.kind,
            analysis.unit,
            analysis.scoring_question,
            analysis.asks_named,
            analysis.common_words,
            analysis.time.admits if analysis.time and analysis.time.relation == "in" else None,
            in_currency,
            scale,
        )
        if analysis.kind is not None
        else 0.0
    )
    # "When is it now due?" is not dated by what had passed when the report was written.
    if analysis.kind == "date" and dates_only_the_past(
        analysis.scoring_question, sentence, reference
    ):
        kind = 0.0
    # "When is it now expected to open?" is not answered by what an earlier report said.
    if analysis.prefer_recent and recalls_earlier_report(sentence):
        kind = 0.0
    closeness = _nearness(analysis, sentence) if kind else 0.0
    # Asked about a council, a sentence of a report headed with another, naming with its
    # neighbours none of the subjects the question names, is about that one ("the
    # council" of Orlingham's report, for Farrowdale; its "IRO" is every council's).
    other = names_other_council(analysis, sentence) or (
        bool(analysis.subjects_named & analysis.council_names)
        and not any(mentions(context, key) for key in analysis.subjects_named)
        and names_other_council(analysis, heading)
    )
    # "rated 'good' in 2018" does not say when it was rated inadequate.
    ratings = ratings_in(sentence) if analysis.rating_named else frozenset()
    other_rating = bool(ratings) and analysis.rating_named not in ratings
    # The date of a judgement is written with it ("rated 'inadequate' in November 2015");
    # who gave it, or what it found, may be said around it.
    states_rating = not analysis.rating_named or analysis.rating_named in (
        ratings if analysis.kind == "date" else ratings_in(context)
    )
    other_office, holds_office, predecessor = office_evidence(
        analysis.office, sentence, analysis.predecessor, lead
    )
    # A role may hold the post its verb gives: "the chairing of the corporate parenting
    # board by the lead member" says who chairs it; "the minister for children" names the
    # post asked, not its holder.
    role_holder = (
        analysis.office is not None
        and 0 < kind < 1
        and analysis.office.given_by_verb(sentence.lower())
    )
    return SentenceEvidence(
        entity,
        time_match,
        time_conflict,
        kind,
        near=closeness,
        other_council=other,
        other_rating=other_rating,
        other_office=other_office,
        holds_office=holds_office or role_holder,
        role_holder=role_holder,
        about_predecessor=predecessor,
        about_successor=names_successor(analysis.successor, sentence),
        states_succession=states_succession(sentence) if analysis.predecessor else True,
        quotes=holds_quotes(context, analysis.quoted)
        or holds_quotes(paragraph_around(passage, sentence), analysis.quoted),
        gives_name=not analysis.asks_name
        or gives_name(sentence, analysis.scoring_question, analysis.common_words),
        rates_a_part=(analysis.asks_whole_rating and rates_a_part(sentence))
        or rates_no_part_asked(analysis.rating_parts, sentence),
        states_rating=states_rating,
        other_label=names_another_item(analysis.scoring_question, sentence),
        taken_back=takes_back(sentence, analysis.scoring_question, following),
        repeats_given=_repeats_given(analysis, sentence),
    )


def _repeats_given(analysis: QuestionAnalysis, sentence: str) -> bool:
    """Whether every figure of `sentence` is one the last answer gave (`figures_given`)."""
    if not analysis.figures_given:
        return False
    figures = {f.value for f in facts_of(sentence, "number", common_words=analysis.common_words)}
    return bool(figures) and figures <= analysis.figures_given


def _dates_own_figure(text: str, reference: date | None) -> bool:
    """Whether `text` dates a figure of its own, not only those it compares with."""
    return any(
        f.period is not None and not dates_a_comparison(text, f.start, f.end)
        for f in find_facts(text, reference)
    )


NEAR_CHARS = 40  # a fact this many characters from a question word counts half


def _nearness(analysis: QuestionAnalysis, sentence: str) -> float:
    """1 / (1 + distance / NEAR_CHARS) from the asked-for fact to the nearest question
    word outside it: the sentence says the fact of the question's subject."""
    assert analysis.kind is not None
    anchors = question_word_positions(sentence, analysis.stems)
    facts = facts_of(sentence, analysis.kind, common_words=analysis.common_words)
    gaps = [distance_to_words(f.start, f.end, anchors) for f in facts]
    return max((1.0 / (1.0 + gap / NEAR_CHARS) for gap in gaps), default=0.0)


def contradicted_as(line: SentenceEvidence, whole: SentenceEvidence) -> SentenceEvidence:
    """A wrapped line's evidence with the contradictions of its whole sentence: the
    period, council, judgement or numbered item the rest of the sentence names, and the
    posts it gives its people ("Report of: Rupert Okwuosa, Director of Law and
    Governance and" / "Monitoring Officer" names the monitoring officer). What the line
    holds of the question (its kind of fact, its words) stays the line's own, unless the
    whole sentence rules its facts out (what an earlier report recorded, for a question
    about now)."""
    return replace(
        line,
        kind=min(line.kind, whole.kind),
        time_conflict=whole.time_conflict,
        other_council=line.other_council or whole.other_council,
        other_rating=line.other_rating or whole.other_rating,
        other_label=line.other_label or whole.other_label,
        taken_back=line.taken_back or whole.taken_back,
        other_office=whole.other_office,
        holds_office=line.holds_office or whole.holds_office,
        role_holder=line.role_holder or whole.role_holder,
    )
