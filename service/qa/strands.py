"""Which strand of children's services a question and a sentence speak of.

Reports give the same measure for each strand side by side: "93% of child protection
visits were on time" does not answer "What share of child in need visits were on time?",
nor "an IFA placement averaged £1,080 a week" the cost of a council-run children's home.
Strands are compared only within a family whose members exclude one another: a child's
status (in need, on a plan, in care, a care leaver) or a kind of placement (fostering, a
children's home, adoption), or whether a young person is in education, employment or
training. A sentence naming no strand of the family may be about any.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FAMILIES = tuple(
    tuple(re.compile(strand, re.IGNORECASE) for strand in family)
    for family in (
        # A child's status with children's services.
        (
            r"\bearly help\b",
            r"\bchild(?:ren)? in need\b|\bCIN\b",
            r"\bchild protection\b|\bprotection plans?\b|\bCP plans?\b",
            r"\b(?:child(?:ren)?|young people|young persons?) in care\b|\blooked[- ]after\b"
            r"|\bCLA\b|\bLAC\b",
            r"\bcare leavers?\b|\bleaving care\b|\bcare[- ]experienced\b",
        ),
        # Where a child in care lives, or how they left care.
        (
            r"\bfoster(?:ing|ed|ers?)?\b|\bIFAs?\b",
            r"\bchildren['’]?s homes?\b|\bresidential\b",
            r"\bsupported accommodation\b|\bsupported lodgings\b",
            r"\badopt(?:ion|ions|ed|ers?|ive)?\b",
            r"\bspecial guardian(?:ship)?\b|\bSGOs?\b|\bkinship\b",
        ),
        # What a young person is doing: "54% were in EET" is no share of those NEET.
        (
            r"(?<!not )\bin education, employment or training\b|\bEET\b",
            r"\bnot in education, employment or training\b|\bNEET\b",
        ),
    )
)


def _strands_in(text: str, family: tuple[re.Pattern[str], ...]) -> frozenset[int]:
    return frozenset(i for i, strand in enumerate(family) if strand.search(text))


@lru_cache(maxsize=4096)
def _strands_asked(question: str) -> tuple[frozenset[int], ...]:
    """The strands `question` names, by family (cached: the same for every candidate)."""
    return tuple(_strands_in(question, family) for family in _FAMILIES)


def names_other_strand(sentence: str, question: str) -> bool:
    """Whether `sentence` speaks of another strand than the one `question` names, and not
    of that one: "child protection visits" for "child in need visits"."""
    for family, asked in zip(_FAMILIES, _strands_asked(question), strict=True):
        if len(asked) != 1:
            continue
        named = _strands_in(sentence, family)
        if named and not named & asked:
            return True
    return False
