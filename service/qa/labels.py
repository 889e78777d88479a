"""Numbered items a question names: "Level 3", "Action 2", "Table 1", "Year 11".

A list or a plan numbers its items, and each item answers only questions about its own
number: "What fee is paid at Level 3?" is not answered by "Level 1 (newly approved
carers): £80", though every other word fits.
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
_NUMBER = re.compile(r"\b\d{1,3}[a-z]?\b")


@lru_cache(maxsize=1024)
def _asked(question: str) -> frozenset[tuple[str, str]]:
    """The numbered items `question` names, lower-cased (cached: read once per candidate)."""
    return frozenset((word.lower(), number) for word, number in _LABEL.findall(question))


def names_other_label(question: str, sentence: str) -> bool:
    """Whether `sentence` numbers an item of a kind the question numbers ("Level 1" for
    "Level 3") and never writes the question's number ("Levels 3 and 4" does)."""
    asked = _asked(question)
    if not asked:
        return False
    found = {(word.lower(), number) for word, number in _LABEL.findall(sentence)}
    words = {word for word, _ in asked}
    numbers = set(_NUMBER.findall(sentence))
    return any(word in words for word, _ in found - asked) and not any(
        number in numbers for _, number in asked
    )
