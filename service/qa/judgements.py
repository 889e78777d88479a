"""The judgements a text states: Ofsted's scale (outstanding, good, requires improvement,
inadequate), written many ways, an area SEND inspection's outcome ("inconsistent
experiences and outcomes"), an internal audit's opinion ("limited assurance") and a
RAG status ("Red").
"""

from __future__ import annotations

import re
from functools import lru_cache

_RATING = re.compile(
    r"\b(?P<r>outstanding|inadequate|requir(?:es|e|ing|ed)\s+improvement)\b"
    # "good" is a rating only where a judgement is reported, not in "good levels of".
    r"|['\"‘“](?P<q>good)['\"’”]"
    r"|\b(?:rated|judged|graded|considered|found|as|be|now|remains|remain|was|were|is|are)"
    r"\s+(?:to\s+be\s+|as\s+)?(?P<g>good)\b"
    # or the value of a judgement line: "Care leavers: good".
    r"|:[ \t]*(?P<v>good)[ \t.]*(?:$|\n)"
    # or its column, the label's last word in lower case ("children in care     Good").
    r"|\b(?-i:[a-z]+)[ \t]+(?P<e>(?-i:Good))[ \t]*(?:$|\n)"
    # An internal audit's opinion is a judgement on its own scale: "limited assurance".
    r"|\b(?P<a>(?:substantial|reasonable|limited|moderate|minimal|full)\s+assurance)\b"
    # An area SEND inspection's outcome is one of three: "arrangements typically lead to
    # positive (or inconsistent) experiences and outcomes", "widespread and/or systemic
    # failings".
    r"|\b(?P<s>(?:positive|inconsistent)\s+experiences\s+and\s+outcomes"
    r"|widespread\s+and/or\s+systemic\s+failings)\b"
    # A RAG status (red, amber, green) is a judgement as a table's cell ("Persistent
    # absence | 25.2% | 20.0% | Red") or when called one ("RAG rated amber").
    r"|\|[ \t]*(?P<c>(?:red|amber|green)(?:[-/](?:red|amber|green))?)[ \t]*(?=\||\n|$)"
    r"|\brag(?:[ -]rated|\s+(?:rating|status))\s*(?:of|as|is|was|:)?\s*(?P<t>red|amber|green)\b"
    # A rating or status given as a colour: "the overall delivery confidence rating for
    # 2024-25 is Amber-Green", "status: Red" (not "the status of Green Lane").
    r"|\b(?:rating|status)\b(?:[^.|\n]{0,40}?\b(?:is|was|of)\b|\s*:)\s*['\"‘“]?"
    r"(?P<u>(?:red|amber|green)(?:[-/](?:red|amber|green))?)\b(?!(?-i:\s+[A-Z][a-z]))"
    # or a measure's status changing colour: "moved to green", "fell from amber to red".
    r"|\b(?:moved|changed|improved|deteriorated|fell|dropped|rose|went|returned)\s+"
    r"(?:from\s+(?:red|amber|green)\s+)?to\s+(?P<m>red|amber|green)\b(?!(?-i:\s+[A-Z][a-z]))"
    # A grade on a report's own scale, written in capitals where it is given ("The overall
    # audit judgement is ADEQUATE") or capitalised after "graded" ("four cases graded
    # Unsafe").
    r"|\b(?:judgement|grade|rating|opinion)\b(?:[^.|\n]{0,40}?\b(?:is|was)\b|\s*:)\s*['\"‘“]?"
    r"(?P<w>(?-i:[A-Z]{3,}(?:\s+[A-Z]{2,}){0,3}))\b"
    r"|\bgraded\s+(?:as\s+)?['\"‘“]?(?P<x>(?-i:[A-Z][a-z]+))\b(?![\w'’])",
    re.IGNORECASE,
)


_GROUPS = ("r", "q", "g", "v", "e", "a", "s", "c", "t", "u", "m", "w", "x")


def rating_spans(text: str) -> list[tuple[int, int]]:
    """Where each judgement of `text` lies in it."""
    spans = []
    for match in _RATING.finditer(text):
        group = next(g for g in _GROUPS if match.group(g))
        spans.append(match.span(group))
    return spans


_REQUIRES_IMPROVEMENT = re.compile(r"requir\w*\s+improvement(?:\s+to\s+be\s+good)?", re.I)


# The ends of the scale named as such: "given the lowest rating in February" (not the
# "second-lowest", nor one "avoided").
_END = r"(?<!second[ -])(?<!avoided the )\b"
_SCALE_ENDS = (
    (
        re.compile(rf"{_END}lowest\s+(?:possible\s+)?(?:rating|judgement|grade)\b", re.I),
        "inadequate",
    ),
    (
        re.compile(rf"{_END}highest\s+(?:possible\s+)?(?:rating|judgement|grade)\b", re.I),
        "outstanding",
    ),
)


@lru_cache(maxsize=65536)
def ratings_in(text: str) -> frozenset[str]:
    """The judgements `text` states, spelt one way ("requiring improvement" and
    "requires improvement to be good" are "requires improvement"; "the lowest possible
    rating" is "inadequate")."""
    text = _REQUIRES_IMPROVEMENT.sub("requires improvement", text)
    ends = {judgement for pattern, judgement in _SCALE_ENDS if pattern.search(text)}
    return frozenset(text[start:end].lower() for start, end in rating_spans(text)) | ends
