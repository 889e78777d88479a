"""The part of a service a judgement is about, and the inspection it is from.

An inspection judges the whole service ("overall effectiveness") and its parts: the
leadership, help and protection, children in care, care leavers, adoption. "What was
Doncaster rated in February 2022?" asks for the whole: "labelled the leadership ... as
'inadequate'" rates a part, while "The overall rating says the services 'require
improvement'" answers it. A report also recalls the judgement of the inspection before
its own ("Overall judgement at last inspection: good"), which answers no question about
its own.
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.qa.judgements import rating_spans, ratings_in

# The parts of children's services an inspection judges apart.
_PART = re.compile(
    r"\b(?:leadership|leaders|management|governance|adoption|fostering|care\s+leavers|"
    r"help\s+and\s+protection|child\s+protection|looked\s+after|children\s+in\s+care|"
    r"safeguarding|experiences\s+and\s+progress|early\s+help|permanence)\b",
    re.IGNORECASE,
)
_WHOLE = re.compile(r"\b(?:overall|all\s+aspects|every|across)\b", re.IGNORECASE)


def asks_whole(question: str) -> bool:
    """Whether a rating `question` names no part of the service (it asks for the whole)."""
    return not _PART.search(question)


def rates_a_part(sentence: str) -> bool:
    """Whether `sentence` states one judgement, of a part of the service, not the whole
    ("rated the Trust's leadership ... as 'requiring improvement'"; not "rated 'good',
    with services for care leavers judged 'outstanding'", nor "good across all aspects")."""
    return (
        bool(_PART.search(sentence))
        and not _WHOLE.search(sentence)
        and len(ratings_in(sentence)) == 1
    )


# The inspection (or audit) before the report's own: "at last inspection", "since the
# previous inspection", not "Ofsted last inspected" (its latest).
_EARLIER_INSPECTION = re.compile(
    r"\b(?:at|since|from|in|of)\s+(?:the\s+|its\s+|their\s+)?(?:last|previous|prior)\s+"
    r"(?:full\s+|ILACS\s+|standard\s+)?(?:inspection|audit)\b",
    re.IGNORECASE,
)
_ASKS_EARLIER = re.compile(
    r"\b(?:last|previous|prior|earlier|before|former|formerly|first|originally|used\s+to|"
    r"had\s+been|until)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def asks_earlier(question: str) -> bool:
    """Whether a rating `question` looks back past an inspection ("at its last
    inspection", "before the 2024 visit"; cached: asked once per candidate)."""
    return bool(_ASKS_EARLIER.search(question))


def recalls_earlier_judgement(sentence: str) -> bool:
    """Whether every judgement `sentence` states is the previous inspection's, named after
    it ("Overall judgement at last inspection: good"; "since the last inspection, when
    services were judged inadequate"), not one it compares with it ("good, up from
    requires improvement at the previous inspection")."""
    marker = _EARLIER_INSPECTION.search(sentence)
    if marker is None:
        return False
    spans = rating_spans(sentence)
    return bool(spans) and all(start >= marker.end() for start, _ in spans)
