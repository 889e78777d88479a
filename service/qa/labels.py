"""Numbered labels a question names: "Level 3", "Action 2", "Table 1", "Year 11".

A list or a plan numbers its items, and each item answers only questions about its own
number: "What fee is paid at Level 3?" is not answered by "Level 1 (newly approved
carers): £80", though every other word fits.
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.qa.facts import MONTHS

# A word and a small number ("Level 3", "Action 12", "Stage 2a"); a year or a figure with
# decimals is no label. In a report the word is written with a capital.
_LABEL = re.compile(r"\b([A-Za-z]{3,})\s+(\d{1,3}[a-z]?)\b(?![.,]\d)")
# Days of the month ("March 14") are dates, not labels.
_NOT_LABELS = frozenset(m.lower() for m in MONTHS)


@lru_cache(maxsize=1024)
def _asked(question: str) -> frozenset[tuple[str, str]]:
    """The labels `question` names, lower-cased (cached: read once per candidate)."""
    return frozenset(
        (word.lower(), number)
        for word, number in _LABEL.findall(question)
        if word.lower() not in _NOT_LABELS
    )


def names_other_label(question: str, sentence: str) -> bool:
    """Whether `sentence` labels its item with another number of a word the question
    labels ("Level 1" for "Level 3") and never with the question's number."""
    asked = _asked(question)
    if not asked:
        return False
    found = {
        (word.lower(), number)
        for word, number in _LABEL.findall(sentence)
        if word[0].isupper() and word.lower() not in _NOT_LABELS
    }
    words = {word for word, _ in asked}
    return any(word in words for word, _ in found - asked) and not found & asked
