"""Items a question names by number ("Level 3", "Action 2", "Table 1", "Year 11"), by
reference ("SIN/24/11", "HCC-CFE-2025-041"), by name ("the Education Committee") or by
age ("a child aged 11 to 15").

A list or a plan numbers its items, and each item answers only questions about its own
number: "What fee is paid at Level 3?" is not answered by "Level 1 (newly approved
carers): £80", though every other word fits. So with a committee, board, panel or forum:
"Who chaired the Education Committee's session?" is not answered by "Cllr Darren Hoskins,
Chair, Children's Scrutiny Committee".

A form labels its fields the same way, and a field whose label the question names is
the answer's likely place: "Consultation closes: 11.59pm on 5 January 2025" for "When
does the consultation close?".
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from functools import lru_cache

from corpus.table_rows import line_around
from service.qa.text import content_stems

# The words that number an item of a list, a plan, a scale or a document ("over 18",
# "within 45 days" are amounts, not items).
_LABEL_WORDS = (
    "level|action|stage|step|phase|tier|band|item|section|paragraph|recommendation|"
    "priority|option|objective|table|appendix|annex|regulation|standard|year|quarter|"
    "grade|outcome|proposal"
)
_LABEL = re.compile(rf"\b({_LABEL_WORDS})s?\s+(\d{{1,3}}[a-z]?)\b(?![.,]\d)", re.IGNORECASE)
# A number written alone, not a piece of "2.1", "£9.3m" or "1,200".
_NUMBER = re.compile(r"(?<![\d.,£$])\b\d{1,3}[a-z]?\b(?![.,]\d)")
# "Q1" is quarter 1 ("the Q1 overspend forecast" is not the one "at Quarter 2").
_QUARTER = re.compile(r"\bQ([1-4])\b", re.IGNORECASE)


# An item named as the point a figure is compared with: "has risen to 72%, from 59% in Q3
# last year" is a figure of another quarter than the third.
_COMPARED_WITH = re.compile(
    r"\b(?:from|compared\s+(?:with|to)|against|than)\s+(?:[^\s,;]+\s+){0,3}(?:in|at)\s+$",
    re.IGNORECASE,
)


def _labels(text: str) -> set[tuple[str, str]]:
    """The numbered items `text` names, lower-cased: ("quarter", "2"), ("level", "3"); not
    those it compares a figure with."""
    found = {
        (match.group(1).lower(), match.group(2))
        for match in _LABEL.finditer(text)
        if not _compared_with(text, match.start())
    }
    return found | {
        ("quarter", match.group(1))
        for match in _QUARTER.finditer(text)
        if not _compared_with(text, match.start())
    }


def _compared_with(text: str, at: int) -> bool:
    return bool(_COMPARED_WITH.search(text[max(0, at - 40) : at]))


@lru_cache(maxsize=1024)
def _asked(question: str) -> frozenset[tuple[str, str]]:
    """The numbered items `question` names, lower-cased (cached: read once per candidate)."""
    return frozenset(_labels(question))


def names_other_label(question: str, sentence: str) -> bool:
    """Whether `sentence` numbers an item of a kind the question numbers ("Level 1" for
    "Level 3") and never writes the question's number ("Levels 3 and 4" does)."""
    asked = _asked(question)
    if not asked:
        return False
    found = _labels(sentence)
    words = {word for word, _ in asked}
    numbers = set(_NUMBER.findall(sentence))
    return any(word in words for word, _ in found - asked) and not any(
        number in numbers for _, number in asked
    )


# A committee, board, panel or forum with the capitalised words that name it.
_NAMED_BODY = re.compile(r"((?:[A-Z][\w'’-]*\s+){1,4})(Committee|Board|Panel|Forum|Sub-?group)\b")
_NAME_WORD = re.compile(r"[a-z]+")
_NOT_NAMING = frozenset({"the", "and", "of", "for", "a", "an", "s"})


def _named_bodies(text: str) -> set[tuple[str, frozenset[str]]]:
    """(kind, the words naming it) of each committee, board, panel or forum `text` names."""
    return {
        (kind.lower(), frozenset(_NAME_WORD.findall(name.lower())) - _NOT_NAMING)
        for name, kind in _NAMED_BODY.findall(text)
    }


@lru_cache(maxsize=1024)
def _bodies_asked(question: str) -> frozenset[tuple[str, frozenset[str]]]:
    return frozenset(_named_bodies(question))


def names_other_body(question: str, sentence: str) -> bool:
    """Whether `sentence` names a committee (board, panel, forum) of a kind the question
    names, sharing no word of its name, and never names the question's."""
    asked = [(kind, words) for kind, words in _bodies_asked(question) if words]
    if not asked:
        return False
    found = _named_bodies(sentence)
    said = set(_NAME_WORD.findall(sentence.lower()))
    return any(
        kind == asked_kind and not words & asked_words
        for kind, words in found
        for asked_kind, asked_words in asked
    ) and not any(asked_words <= said for _, asked_words in asked)


# Ages: "aged 11 to 15", "16-17 year olds", "a 5-year-old", "under 18", "aged 18 and
# over"; and a fee table's row or a bracket naming a band alone ("11 to 15 | £249",
# "Supported accommodation (16-17)").
_SPAN = r"(\d{1,2})\s*(?:to|-|–)\s*(\d{1,2})"
_AGES = re.compile(
    rf"\b(?:aged?|ages)\s+{_SPAN}\b|\b{_SPAN}[- ]?(?:year[- ]olds?|years?[- ]old)\b"
    rf"|^\W*{_SPAN}\s*\||\({_SPAN}\)"
    r"|\b(\d{1,2})[- ]year[- ]olds?\b"
    r"|\b(?:aged\s+)?under[- ](\d{1,2})s?\b"
    r"|\b(?:aged\s+(\d{1,2})\s*(?:\+|and\s+over|or\s+over|and\s+above)|over[- ](\d{1,2})s?\b)",
    re.IGNORECASE | re.MULTILINE,
)
_OLDEST = 99


def _age_bands(text: str) -> set[tuple[int, int]]:
    """The age bands `text` names, as (youngest, oldest)."""
    bands = set()
    for m in _AGES.finditer(text):
        g = [int(x) if x else -1 for x in m.groups()]
        spans = [(g[i], g[i + 1]) for i in (0, 2, 4, 6) if g[i] >= 0]
        if spans:
            if spans[0][0] < spans[0][1] <= 25:  # "3 to 4 weeks" is no age
                bands.add(spans[0])
        elif g[8] >= 0:
            bands.add((g[8], g[8]))  # "a 5-year-old"
        elif g[9] >= 0:
            bands.add((0, g[9] - 1))  # "under 18"
        else:
            bands.add((max(g[10], g[11], 0), _OLDEST))  # "aged 18 and over", "over-18s"
    return bands


@lru_cache(maxsize=1024)
def _ages_asked(question: str) -> frozenset[tuple[int, int]]:
    return frozenset(_age_bands(question))


def names_other_age(question: str, sentence: str) -> bool:
    """Whether `sentence` names only ages apart from those the question names ("16 to 17
    | £264" for "a child aged 11 to 15")."""
    asked = _ages_asked(question)
    found = _age_bands(sentence) if asked else set()
    return bool(found) and not any(
        low <= high_asked and low_asked <= high
        for low, high in found
        for low_asked, high_asked in asked
    )


# A reference: capitals, then up to four parts after slashes or hyphens, one at least
# with a digit ("SIN/24/11", "KD/2025/077", "HCC-CFE-2025-041"). Its first part says
# what it numbers.
_REFERENCE = re.compile(r"\b([A-Z]{2,})((?:[/-][A-Z0-9]+){1,4})\b")


def _references(text: str) -> set[tuple[str, str]]:
    return {
        (kind, rest) for kind, rest in _REFERENCE.findall(text) if any(c.isdigit() for c in rest)
    }


@lru_cache(maxsize=1024)
def _references_asked(question: str) -> frozenset[tuple[str, str]]:
    return frozenset(_references(question))


def names_other_reference(question: str, sentence: str) -> bool:
    """Whether `sentence` gives a reference of a kind the question gives ("SIN/24/13" for
    "SIN/24/11"), and never the question's: it is about another item of that register."""
    asked = _references_asked(question)
    found = _references(sentence) if asked else set()
    kinds = {kind for kind, _ in asked}
    return any(kind in kinds for kind, _ in found - asked) and not found & asked


def names_another_item(question: str, sentence: str) -> bool:
    """Whether `sentence` is about another item than the one the question names: by
    number, committee, age band or reference."""
    return (
        names_other_label(question, sentence)
        or names_other_body(question, sentence)
        or names_other_age(question, sentence)
        or names_other_reference(question, sentence)
    )


# A list's item labelled before a colon: "- North: Tranby Family Hub, 14 Cobbold Lane".
_LABELLED_ITEM = re.compile(r"[ \t]*[-*•–][ \t]+(?P<label>[A-Z][\w '’/-]{0,30}?):[ \t]+\S")


def names_other_list_item(text: str, start: int, question_stems: AbstractSet[str]) -> bool:
    """Whether the line at `start` of `text` is an item of a list of labelled items, and
    the question names another item's label, not its own: "- North: Tranby Family Hub"
    for "Which family hub is the base for the team covering the east?" ("- East: ...")."""
    line_start, line_end = line_around(text, start)
    own = _LABELLED_ITEM.match(text, line_start, line_end)
    if own is None or content_stems(own.group("label")) <= question_stems:
        return False
    siblings = [
        *_items_around(text, line_start, line_end, -1),
        *_items_around(text, line_start, line_end, 1),
    ]
    return any(content_stems(label) <= question_stems for label in siblings if content_stems(label))


def _items_around(text: str, line_start: int, line_end: int, step: int) -> list[str]:
    """The labels of the labelled items next to the line at `line_start:line_end`, before
    it (`step` -1) or after it (1), up to a line that is none."""
    labels = []
    while (line_start > 0) if step < 0 else (line_end < len(text)):
        line_start, line_end = line_around(text, line_start - 1 if step < 0 else line_end + 1)
        item = _LABELLED_ITEM.match(text, line_start, line_end)
        if item is None:
            break
        labels.append(item.group("label"))
    return labels


# A form's field: a short label, a colon, its value ("Consultation closes: 11.59pm on 5
# January 2025", "Chair of Board: Dr Edmund Quarrie").
_FIELD = re.compile(r"\s*(?P<label>[A-Z][\w '’()/-]{0,40}?(?:\s[Nn]o\.)?)\s*:[ \t]+\S")
_FIELD_LABEL_WORDS = 6


def names_field_asked(sentence: str, question_stems: AbstractSet[str]) -> bool:
    """Whether `sentence` is a form's field whose label the question names in full:
    "Consultation closes:" for "When does the consultation close?", "Chair of Board:"
    for "Who chairs the Board?"."""
    field = _FIELD.match(sentence)
    if field is None or len(field.group("label").split()) > _FIELD_LABEL_WORDS:
        return False
    label = content_stems(field.group("label"))
    return bool(label) and label <= question_stems
