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


# A RAG status is a measure's, not a part of the service's: "What RAG status did health
# attendance at initial child protection conferences move to?" asks of no part.
_RAG = re.compile(r"\brag\b", re.IGNORECASE)


def asks_whole(question: str) -> bool:
    """Whether a rating `question` names no part of the service (it asks for the whole)."""
    return not _PART.search(question) and not _RAG.search(question)


# The same part, however a report names it.
_PART_KEYS = {
    "leaders": "leadership", "management": "leadership", "governance": "leadership",
    "looked after": "in care", "children in care": "in care",
    "help and protection": "protection", "child protection": "protection",
    "safeguarding": "protection",
}  # fmt: skip


def parts_named(text: str) -> frozenset[str]:
    """The parts of the service `text` names ("adoption", "in care", "protection")."""
    found = (" ".join(m.group().lower().split()) for m in _PART.finditer(text))
    return frozenset(_PART_KEYS.get(part, part) for part in found)


def parts_asked(question: str) -> frozenset[str]:
    """The parts whose rating `question` asks for; none when it asks for the overall one
    ("and the overall rating?" after a question about care leavers)."""
    if _WHOLE.search(question) or _RAG.search(question):
        return frozenset()
    return parts_named(question)


def rates_no_part_asked(parts: frozenset[str], sentence: str) -> bool:
    """For a question about the rating of `parts` ("What rating did its adoption services
    get?"): `sentence` states a judgement but names none of those parts ("rated overall
    provision as 'requires improvement'"). Read alone, like `rates_a_part`: "As this area
    was judged to require improvement" is ruled out too (its neighbours name the part;
    counting them, or only ruling out a sentence naming another part or the whole, was
    measured: fewer never-read answers right)."""
    return bool(parts) and bool(ratings_in(sentence)) and not parts & parts_named(sentence)


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
