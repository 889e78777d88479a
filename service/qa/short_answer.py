"""The exact fact inside an answer sentence, for "when / how many / who" questions.

The answer is a whole sentence, so a reader sees the fact in context; scripts that
score answers (exact match, token F1) and people skimming want the fact itself:
"October 2014", "39", "Sir Michael Wilshaw". The short answer is a verbatim span of the
answer sentence:

- candidates are the date, number or name phrases of the sentence (longest phrase
  wins where phrases overlap: "28 February and 1 March 2017" over "2017");
- a phrase the question already contains, or that shares a word with it, is not
  an answer to it ("three or more
  moves in January 2017" asks for a count, not for "three" or "January 2017");
- a question about a share ("what proportion / percentage") prefers a share
  ("6.7%", "a quarter") over a count;
- a change "from 57 at January 2016 to 39 at January 2017" answers "how many" with
  its end state (39), the figure as it now stands, unless the question names the
  start's date ("... in January 2016?" -> 57);
- of the rest, the phrase nearest a word of the question is the one the sentence
  says about the question's subject ("...dating back to 2009, with the Trust
  launching in October 2014" for "When did the Trust launch?").

No phrase of the asked-for kind, or a question of another kind: no short answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.qa.text import content_stems, normalised

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_SEASON = r"(?:[Ss]pring|[Ss]ummer|[Aa]utumn|[Ww]inter)"
_DAY_NAME = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_DATE = re.compile(
    "|".join(
        (
            # Thursday, 30th June 2016 / 28 February and 1 March 2017 / 1 March
            rf"(?:{_DAY_NAME},?\s+)?{_DAY}(?:\s+{_MONTH})?(?:\s+(?:and|to|-|–)\s+{_DAY})?"
            rf"\s+{_MONTH}(?:,?\s+{_YEAR})?",
            # Friday, January 19, 2018
            rf"(?:{_DAY_NAME},?\s+)?{_MONTH}\s+{_DAY},?\s+{_YEAR}",
            # October 2014 / Autumn 2021 / last November / in July
            rf"(?:{_MONTH}|{_SEASON})(?:\s+(?:of\s+)?{_YEAR})?",
            rf"(?:last|this|next)\s+(?:{_MONTH}|{_SEASON}|year|month|week)",
            rf"(?<![\d£$])\b{_YEAR}\b(?![\d%])",
        )
    )
)
_NUMBER_WORDS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|a\s+quarter|a\s+third|half|a\s+fifth)"
)
_NUMBER = re.compile(
    rf"£?\b\d[\d,]*(?:\.\d+)?(?:\s?(?:%|per\s?cent)|m\b|bn\b|k\b)?|\b{_NUMBER_WORDS}\b",
    re.IGNORECASE,
)
# A run of capitalised words; a name is two or more of them, optionally after a title.
_CAPITALISED_RUN = re.compile(
    r"[A-Z][a-z]+(?:[-'’][A-Za-z]+)?(?:\s+[A-Z][a-z]+(?:[-'’][A-Za-z]+)?)+"
)
_TITLES = frozenset(
    ["sir", "dame", "dr", "mr", "mrs", "ms", "miss", "lord", "lady", "councillor", "cllr", "mayor"]
)
# Words that make a capitalised run an organisation or a job, not a person: a run is
# split at them ("Doncaster Children's Services Trust Paul Moffat" -> "Paul Moffat").
_NOT_NAME_WORDS = frozenset(
    """council trust services service board association government department county
    borough authority ofsted office inspectorate committee agency partnership school
    college university hospital nhs children children's court ministry parliament news
    group chief executive director officer manager inspector inspectors inspection chair
    head minister secretary leader operating regulatory independent majesty's her his
    the a an decision report rule""".split()  # noqa: SIM905 (a word list reads best as text)
)
_PATTERNS = {"date": _DATE, "number": _NUMBER}
_ASKS_SHARE = re.compile(r"\b(?:percentage|proportion|share|fraction|per\s?cent|rate)\b", re.I)
_IS_SHARE = re.compile(r"%|per\s?cent|quarter|third|half|fifth", re.I)
_WORD = re.compile(r"[A-Za-z0-9]+")
_FROM_BEFORE = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_TO_BETWEEN = re.compile(r"\bto\b", re.IGNORECASE)
# How far past a figure its own date may sit ("39 at January 2017").
_DATE_REACH = 30


@dataclass(frozen=True)
class Span:
    start: int  # offsets inside the sentence
    end: int


def _names(sentence: str) -> list[Span]:
    """Person names: capitalised runs split at organisation and job words."""
    names = []
    for run in _CAPITALISED_RUN.finditer(sentence):
        words = list(re.finditer(r"\S+", run.group()))
        piece: list[re.Match[str]] = []
        for word in [*words, None]:
            if word is not None and word.group().lower().rstrip(",") not in _NOT_NAME_WORDS:
                piece.append(word)
                continue
            own = [w for w in piece if w.group().lower() not in _TITLES]
            # "Paul Moffat", or a title and a surname: "Mayor Jones".
            if len(own) >= 2 or (own and len(piece) > len(own)):
                names.append(Span(run.start() + piece[0].start(), run.start() + piece[-1].end()))
            piece = []
    return names


def _spans(sentence: str, wanted: str) -> list[Span]:
    if wanted == "person":
        return _names(sentence)
    found = [Span(m.start(), m.end()) for m in _PATTERNS[wanted].finditer(sentence)]
    if wanted == "number":
        # A year is a date, not a count: "57 at January 2016" offers 57, not 2016.
        dates = [Span(m.start(), m.end()) for m in _DATE.finditer(sentence)]
        found = [s for s in found if not any(d.start <= s.start and s.end <= d.end for d in dates)]
    return found


def _phrases(sentence: str, wanted: str) -> list[Span]:
    """The asked-for kind of phrase in `sentence`; overlaps resolved to the longest."""
    found = sorted(_spans(sentence, wanted), key=lambda s: (-(s.end - s.start), s.start))
    kept: list[Span] = []
    for span in found:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def short_answer(sentence: str, question: str, wanted: str | None) -> Span | None:
    """The date/number/name phrase of `sentence` that answers `question`, if any.

    Args:
        sentence: the chosen answer sentence.
        question: the (self-contained) question.
        wanted: the question's type from `service.qa.answer.question_type`.
    """
    if wanted not in ("date", "number", "person"):
        return None
    asked = normalised(question)
    question_stems = content_stems(question)
    phrases = [
        s
        for s in _phrases(sentence, wanted)
        if normalised(sentence[s.start : s.end])
        and f" {normalised(sentence[s.start : s.end])} " not in f" {asked} "
        and not content_stems(sentence[s.start : s.end]) & question_stems
    ]
    if wanted == "number" and _ASKS_SHARE.search(question):
        # "What proportion ...?" is answered by a share, not by a count beside it.
        phrases = [s for s in phrases if _IS_SHARE.search(sentence[s.start : s.end])] or phrases
    if not phrases:
        return None
    if wanted == "number":
        change = _change_answer(sentence, phrases, question)
        if change is not None:
            return change
    anchors = [
        (m.start() + m.end()) / 2
        for m in _WORD.finditer(sentence)
        if content_stems(m.group()) & question_stems
    ]
    if not anchors:
        return phrases[0]

    def distance(span: Span) -> float:
        # Distance from the phrase's edges to the nearest question word outside it.
        outside = [a for a in anchors if not span.start <= a < span.end]
        if not outside:
            return float("inf")
        return min(min(abs(a - span.start), abs(a - span.end)) for a in outside)

    return min(phrases, key=distance)


def _change_answer(sentence: str, phrases: list[Span], question: str) -> Span | None:
    """For a change "from A ... to B" between two figures: B, or A if the question names
    the date that follows A and not the one that follows B. None when there is no change.
    """
    asked_dates = {normalised(m.group()) for m in _DATE.finditer(question)}
    for start, end in zip(phrases, phrases[1:], strict=False):
        between = sentence[start.end : end.start]
        if not (_FROM_BEFORE.search(sentence[: start.start]) and _TO_BETWEEN.search(between)):
            continue
        start_dates = {normalised(m.group()) for m in _DATE.finditer(between)}
        after = sentence[end.end : end.end + _DATE_REACH]
        end_dates = {normalised(m.group()) for m in _DATE.finditer(after)}
        if asked_dates & start_dates and not asked_dates & end_dates:
            return start
        return end
    return None
