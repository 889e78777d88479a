"""The part of a service a judgement is about.

An inspection judges the whole service ("overall effectiveness") and its parts: the
leadership, help and protection, children in care, care leavers, adoption. "What was
Doncaster rated in February 2022?" asks for the whole: "labelled the leadership ... as
'inadequate'" rates a part, while "The overall rating says the services 'require
improvement'" answers it.
"""

from __future__ import annotations

import re

from service.qa.facts import ratings_in

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
