"""What kind of fact a question asks for, from its opening question phrase."""

from __future__ import annotations

import re

_QUESTION_TYPES = (
    (
        "number",
        re.compile(
            r"\bhow (?:many|much|long)\b|\b(?:what|which) (?:percentage|proportion|share|"
            r"fraction|number)\b"
        ),
    ),
    ("date", re.compile(r"\bwhen\b|\b(?:what|which) (?:year|date|day|month)\b")),
    ("person", re.compile(r"\bwho(?:se|m)?\b")),
)
# Any question word. The first one opens the question; a typed phrase later in the
# sentence is then a subordinate clause ("How did X describe it when ...?" asks for
# a description, not a date).
_WH_WORD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b")


def question_type(question: str) -> str | None:
    """The kind of fact asked for: "number", "date", "person" or None.

    The opening question phrase decides: "Who was chief inspector when ...?" asks
    for a person, "When did ... who ...?" for a date, "How did ... when ...?" for
    none of them.
    """
    q = question.lower()
    opening = _WH_WORD.search(q)
    found = [(m.start(), kind) for kind, rx in _QUESTION_TYPES if (m := rx.search(q))]
    if not found:
        return None
    first_at, kind = min(found)
    if opening is not None and opening.start() < first_at:
        return None
    return kind
