"""The exact fact inside an answer sentence, for questions that ask for one.

The answer is a whole sentence, so a reader sees the fact in context; scripts that
score answers (exact match, token F1) and people skimming want the fact itself:
"October 2014", "39 children", "£1.2 million", "Sir Michael Wilshaw", "inadequate". The
short answer is a verbatim span of the answer sentence:

- candidates are the facts of the asked-for kind (`service.qa.facts`: dates, numbers
  with their unit, names, organisations, ratings; longest wins where they overlap:
  "28 February and 1 March 2017" over "2017");
- a phrase the sentence puts aside ("instead of 12 September", "387, not 402") is
  not its answer, nor is a date the reader must place ("early September") beside one
  placed in time;
- a phrase the question already contains, or that shares a word with it, is not
  an answer to it ("three or more
  moves in January 2017" asks for a count, not for "three" or "January 2017");
- a question about a share ("what proportion / percentage") prefers a share
  ("6.7%", "a quarter") over a count;
- a change "from 57 at January 2016 to 39 at January 2017" answers "how many" with
  its end state (39), the figure as it now stands, unless the question names the
  start's date ("... in January 2016?" -> 57);
- of figures each followed by its date ("305 at 31 March 2025, compared with 288 at 31
  March 2024"), the one dated in the period asked about;
- of the rest, the phrase nearest a word of the question is the one the sentence
  says about the question's subject ("...dating back to 2009, with the Trust
  launching in October 2014" for "When did the Trust launch?");
- a title in brackets belongs to the name just before it ("Elspeth Carrow MP
  (Chair), Conrad Yelland MP" for "Who chaired it?");
- several people named together ("Graham Reiter and Rachel Holden") answer a "who"
  question as one list.

No phrase of the asked-for kind, or a question of another kind: no short answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.table_rows import cell_spans, column_names, table_header
from service.qa.councils import COUNCIL_WORDS
from service.qa.facts import (
    DATE,
    RELATIVE_DAYS,
    Fact,
    FactKind,
    Period,
    Unit,
    facts_of,
)
from service.qa.figures import DURATION
from service.qa.kinds import SHARE, fits_unit
from service.qa.people import name_key
from service.qa.text import (
    content_stems,
    distance_to_words,
    normalised,
    question_word_positions,
)

if TYPE_CHECKING:
    from service.qa.analysis import QuestionAnalysis
    from service.qa.answer import Candidate

_ASKS_SHARE = re.compile(r"\b(?:percentage|proportion|share|fraction|per\s?cent|rate)\b", re.I)
_FROM_BEFORE = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_TO_BETWEEN = re.compile(r"\bto\b", re.IGNORECASE)
_ASKS_BODY = re.compile(
    r"\b(?:which|what)\s+(?:\w+\s+)?(?:councils?|authorit(?:y|ies)|trusts?|organisations?|bod(?:y|ies))\b",
    re.I,
)
_IS_COUNCIL = re.compile(rf"\b(?:{'|'.join(COUNCIL_WORDS)}|authority)\b", re.IGNORECASE)
_BODY_STEMS = content_stems(" ".join(COUNCIL_WORDS) + " authority trust")
_LIST_GLUE = re.compile(r"^(?:,\s*(?:and\s+)?|\s+and\s+)$")
# A title in brackets just after a name, perhaps after a post-nominal: " MP (Chair)".
_ASIDE = re.compile(r"(?:\s+[A-Z]{2,4})?\s*\((?:[A-Z][\w'’-]*(?:\s+(?:of\s+)?|(?=\))))+\)")
_SET_ASIDE = re.compile(
    r"(?:\binstead\s+of|\brather\s+than|\bin\s+place\s+of|\breplacing|,\s*not|\(not)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# How far past a figure its own date may sit ("39 at January 2017").
_DATE_REACH = 30


@dataclass(frozen=True)
class Span:
    start: int  # offsets inside the sentence
    end: int


def fact_span(analysis: QuestionAnalysis, candidate: Candidate) -> Span | None:
    """The short answer inside a candidate sentence, for the analysed question: from the
    piece of it that was scored first, when it was shown whole across wrapped lines
    ("... reported for children living" / "in Ingleston in 2023/24, involving 512
    individual children." answers "How many children?" with 512, not the 1,486 episodes
    before it)."""
    text = candidate.passage.document.text
    pieces = [(candidate.start, candidate.end)]
    if candidate.scored is not None:
        pieces.insert(0, candidate.scored)
    for start, end in pieces:
        span = short_answer(
            text[start:end],
            analysis.scoring_question,
            analysis.kind,
            analysis.common_words,
            analysis.unit,
            analysis.asks_which_council,
            table_header(text, start),
            analysis.column_period,
        )
        if span is not None:
            shift = start - candidate.start
            return Span(span.start + shift, span.end + shift)
    return None


def short_answer(
    sentence: str,
    question: str,
    wanted: FactKind | None,
    common_words: frozenset[str] = frozenset(),
    unit: Unit | None = None,
    asks_council: bool = False,
    header: str = "",
    period: Period | None = None,
) -> Span | None:
    """The fact of `sentence` that answers `question`, if any.

    Args:
        sentence: the chosen answer sentence.
        question: the (self-contained) question.
        wanted: the kind of answer the question asks for (`service.qa.analysis`).
        common_words: words the corpus writes in lower case (`facts.find_facts`).
        unit: the unit a number must have ("how many" a count, not "a third" beside it).
        asks_council: it asks which council (`QuestionAnalysis.asks_which_council`).
        header: when `sentence` is a table's row, the table's header row
            (`corpus.table_rows.table_header`).
        period: the period the question asks about, which names a column of dates.
    """
    if wanted is None:
        return None
    asked = normalised(question)
    question_stems = content_stems(question)
    # A body's kind is no part of the question's subject: "Westfold County Council"
    # answers "Which council was judged inadequate?".
    generic = _BODY_STEMS if wanted == "organisation" and _ASKS_BODY.search(question) else set()
    found = facts_of(sentence, wanted, common_words=common_words)
    if wanted == "number" and unit == "duration":
        # "How long after ...?" "a week": a length of time, though "a week" is no figure.
        found = [Fact("number", m.start(), m.end(), m.group()) for m in DURATION.finditer(sentence)]
    facts = [
        f
        for f in found
        if normalised(f.core)
        and f" {normalised(f.core)} " not in f" {asked} "
        and not _repeats(_own_stems(f) - generic, question_stems, wanted)
        # "today" says nothing without its report's date; the citation gives that.
        and f.text.lower() not in RELATIVE_DAYS
    ]
    if wanted == "organisation" and asks_council:
        # "Which councils were rated outstanding?" is not answered by "Ofsted".
        facts = [f for f in facts if _IS_COUNCIL.search(f.text)]
    if wanted == "number" and _ASKS_SHARE.search(question):
        # "What proportion ...?" is answered by a share, not by a count beside it.
        facts = [f for f in facts if SHARE.search(f.text)] or facts
    elif wanted == "number" and unit is not None:
        facts = [f for f in facts if fits_unit(unit, f.text, question)] or facts
    if header:
        facts = _in_asked_column(sentence, header, facts, question_stems, period)
    # "will be made on 19 September 2025 instead of 12 September 2025", "is 387, not
    # 402": what the sentence puts aside is no answer of it.
    facts = [f for f in facts if not _SET_ASIDE.search(sentence, 0, f.start)] or facts
    if wanted == "date":
        # A date placed in time outranks one the reader must place ("early September"
        # beside "19 September 2025").
        facts = [f for f in facts if f.period is not None] or facts
    if not facts:
        return None
    if wanted == "number":
        if period is not None and not header:
            facts = _dated_in_period(sentence, facts, period) or facts
        change = _change_answer(sentence, facts, question)
        if change is not None:
            return change
    if wanted == "person":
        listed = _listed(sentence, facts)
        if listed is not None:
            return listed
    anchors = question_word_positions(sentence, question_stems)
    if not anchors:
        return Span(facts[0].start, facts[0].end)
    best = min(facts, key=lambda f: _distance(sentence, f, anchors))
    return Span(best.start, best.end)


def _in_asked_column(
    row: str,
    header: str,
    facts: list[Fact],
    question_stems: frozenset[str],
    period: Period | None = None,
) -> list[Fact]:
    """The facts of a table row in the column whose name the question gives most of
    ("Wexcombe" of "Measure | Orlingham | Wexcombe" for "How many ... in Wexcombe?"), or
    all of them when it names no column holding one. The first column names the rows:
    another column named beside it is the one asked for ("Foster carers | 2022 | 2023"
    for "How many foster carers were recruited in 2023?"). The one column dated in the
    `period` asked about is asked for, though the question's words may not name it ("And
    the year before?" after a question about 2023-24)."""
    names = column_names(header, row)
    if names is None:
        return facts  # cells and columns do not line up
    columns = [content_stems(name) for name in names]
    cells = cell_spans(row)
    held = [[f for f in facts if start <= f.start and f.end <= end] for start, end in cells]
    if period is not None:
        dated = [i for i, name in enumerate(names) if held[i] and _dated_in(name, period)]
        if len(dated) == 1:
            return held[dated[0]]
    shares = [len(stems & question_stems) / len(stems) if stems else 0.0 for stems in columns]
    named = [i for i, share in enumerate(shares) if share and held[i]]
    if not named:
        return facts
    best = max(named, key=lambda i: (shares[i], i))  # a tie goes past the rows' names
    return held[best]


def _dated_in(name: str, period: Period) -> bool:
    """Whether a column's name dates it in `period` ("2022-23", "Jan 2024")."""
    return any(f.period is not None and f.period.overlaps(period) for f in facts_of(name, "date"))


def _dated_in_period(sentence: str, facts: list[Fact], period: Period) -> list[Fact]:
    """The figures a date just after them places in `period`: "305 approved chaperones
    on our register at 31 March 2025, compared with 288 at 31 March 2024" gives 305 for
    2025 and 288 for 2024. Empty unless that tells some figures from others."""
    ends = [f.start for f in facts[1:]] + [len(sentence)]
    dated = [
        f
        for f, following in zip(facts, ends, strict=True)
        # (Read twice the reach on: the date begins within it and may run past it.)
        if _dated_in(sentence[f.end : min(following, f.end + 2 * _DATE_REACH)], period)
    ]
    return dated if len(dated) < len(facts) else []


def _distance(sentence: str, fact: Fact, anchors: list[float]) -> float:
    """How far `fact` sits from a word of the question. For a person, a title in
    brackets after the name holding the question's words ranks first, the more of them
    and the fewer others the better: "Elspeth Carrow MP (Chair)" chaired, "Conrad
    Yelland MP (Vice Chair)" was vice chair."""
    aside = _ASIDE.match(sentence, fact.end) if fact.kind == "person" else None
    if aside:
        held = sum(1 for a in anchors if fact.end <= a < aside.end())
        if held:
            words = len(re.findall(r"[A-Za-z]+", aside.group().split("(", 1)[1]))
            return -held + 0.1 * (words - held)
    return distance_to_words(fact.start, fact.end, anchors)


def _own_stems(fact: Fact) -> frozenset[str]:
    """A fact's words, a person's without the title the question may share ("Which
    councillor ...?" is answered by "Councillor L. Pritchard")."""
    return content_stems(name_key(fact.core) if fact.kind == "person" else fact.core)


def _repeats(stems: frozenset[str], question_stems: frozenset[str], wanted: FactKind) -> bool:
    """Whether a fact's words come from the question: any of them, or for a date all of
    them ("September 2013" answers "In which month of 2013 ...?"; "2013" does not)."""
    if wanted == "date":
        return stems <= question_stems
    return bool(stems & question_stems)


def _listed(sentence: str, names: list[Fact]) -> Span | None:
    """Names given together ("A, B and C"), as one span; None when they are apart."""
    for i in range(len(names) - 1):
        run = [names[i]]
        for following in names[i + 1 :]:
            if not _LIST_GLUE.match(sentence[run[-1].end : following.start]):
                break
            run.append(following)
        if len(run) > 1:
            return Span(run[0].start, run[-1].end)
    return None


def _change_answer(sentence: str, facts: list[Fact], question: str) -> Span | None:
    """For a change "from A ... to B" between two figures: B, or A if the question names
    the date that follows A and not the one that follows B. None when there is no change.
    """
    asked_dates = {normalised(m.group()) for m in DATE.finditer(question)}
    for start, end in zip(facts, facts[1:], strict=False):
        between = sentence[start.end : end.start]
        if not (_FROM_BEFORE.search(sentence[: start.start]) and _TO_BETWEEN.search(between)):
            continue
        start_dates = {normalised(m.group()) for m in DATE.finditer(between)}
        after = sentence[end.end : end.end + _DATE_REACH]
        end_dates = {normalised(m.group()) for m in DATE.finditer(after)}
        if asked_dates & start_dates and not asked_dates & end_dates:
            return Span(start.start, start.end)
        return Span(end.start, end.end)
    return None
