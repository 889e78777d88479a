"""The places a report names councils of: "Norfolk" of "Norfolk County Council", each
place of "the IRO services of Hartlecombe and Rookhaven councils".

The entity lexicon reads them so that a council named only in passing is still a
council a question can name, and no other council's report answers for it.
"""

from __future__ import annotations

import re

# Words after a place that make it a council's name ("Norfolk County Council").
COUNCIL_WORDS = frozenset({"council", "county", "borough", "metropolitan", "city", "district"})
# A capitalised word directly before a capitalised council word ("Norfolk County
# Council", "Doncaster Council"; not "... Jane Hughes. Council leaders ...").
_BEFORE_COUNCIL = re.compile(
    rf"\b([A-Z][A-Za-z'’-]+)[ \t]+(?:{'|'.join(sorted(w.title() for w in COUNCIL_WORDS))})\b"
)
# Places listed before "councils" ("Hartlecombe and Rookhaven councils").
_PLACE = r"[A-Z][A-Za-z'’-]+"
# (At most eight before the last two: bounded, so a long run of names cannot make the
# search quadratic.)
_LISTED_COUNCILS = re.compile(
    rf"\b((?:{_PLACE},\s+){{0,8}}{_PLACE},?\s+and\s+{_PLACE})\s+(?i:councils)\b"
)
_LIST_SEPARATOR = re.compile(r",?\s+and\s+|,\s+")
# Words before "Council" that name no place (as entity keys): a forum ("Children in Care
# Council"), a party, a parish, another council word ("County" of "County Council").
NOT_PLACES = frozenset(
    {
        *("care", "children", "in", "young", "people", "youth", "parish", "town"),
        *("labour", "conservative", "tory", "liberal", "green", "english", "welsh"),
        *("the", "our", "your", "their", "this", "its"),
        *(COUNCIL_WORDS - {"council"}),
    }
)


def council_places(text: str) -> list[str]:
    """The words `text` writes as places of councils, as written (some may be
    `NOT_PLACES`)."""
    places = [match.group(1) for match in _BEFORE_COUNCIL.finditer(text)]
    for listed in _LISTED_COUNCILS.finditer(text):
        places.extend(_LIST_SEPARATOR.split(listed.group(1)))
    return places
