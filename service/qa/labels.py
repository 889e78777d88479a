"""Items a question names by number ("Level 3", "Action 2", "Table 1", "Year 11") or by
name ("the Education Committee").

A list or a plan numbers its items, and each item answers only questions about its own
number: "What fee is paid at Level 3?" is not answered by "Level 1 (newly approved
carers): £80", though every other word fits. So with a committee, board, panel or forum:
"Who chaired the Education Committee's session?" is not answered by "Cllr Darren Hoskins,
Chair, Children's Scrutiny Committee".
"""

from __future__ import annotations

import re
from functools import lru_cache

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


def _labels(text: str) -> set[tuple[str, str]]:
    """The numbered items `text` names, lower-cased: ("quarter", "2"), ("level", "3")."""
    found = {(word.lower(), number) for word, number in _LABEL.findall(text)}
    return found | {("quarter", number) for number in _QUARTER.findall(text)}


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
