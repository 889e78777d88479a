"""How the reports write names: capitalised runs, acronyms, a sentence's first word.

Read by the entity lexicon (`entities`) over the corpus and by the fact finders over one
sentence; kept apart from the lexicon because it needs no corpus.
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.qa.councils import COUNCIL_WORDS

# A capitalised word, whole when a capital follows an apostrophe or a short prefix
# inside it ("O’Brien", "McDonald", "MacLeod", "DeShawn"; not a scraped "ServicesRead"),
# with a hyphenated or possessive tail.
NAME_WORD = r"[A-Z](?:[a-z]{1,2}[A-Z][a-z]+|[a-z]+|['’][A-Z][a-z]+)(?:[-'’][A-Za-z]+)?"
_RUN = re.compile(
    # "DfE" is an acronym, not the name "Df" (tried first: a name's word would take it).
    r"\b[A-Z][a-z](?=[A-Z])[A-Z]{1,4}s?\b|"
    rf"\b{NAME_WORD}(?:\s+(?:of\s+|for\s+|and\s+)?{NAME_WORD})*"
    r"|\b[A-Z]{2,6}s?\b"
)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
# Capitalised because of their place, or too common to name anything in particular.
NOT_NAMES = frozenset(
    """a an the this that these those it its he she they we i you our their his her
    what when who whom whose which where why how and or but if in on at of for to from by
    with as is was were are be been has have had do did does not no yes so than then also
    mr mrs ms dr sir dame lord lady cllr councillor mayor chief executive director officer
    inspector inspectors manager head minister secretary leader chair
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday spring summer autumn winter
    children children's childrens services service social care council county borough
    metropolitan city trust report reports inspection inspections news article letter
    her majesty's majesty department government authority local national england english
    uk british watchdog rating ratings review visit monitoring good outstanding inadequate
    requires improvement sign updated read watch hide ad more operating member members lead
    deputy assistant corporate strategic principal senior interim acting independent
    virtual regional quality assurance safeguarding partnership partnerships
    mp mps hmi dcs ceo rag""".split()  # noqa: SIM905 (posts, a rating's scale written short)
) | {m.lower() for m in MONTHS}
# What a sentence opens after: its end, a line's, a table cell's ("| Deadline |").
_SENTENCE_START = re.compile(r"(?:^|[.!?:;|\n]\s*|[.!?:]['\"’”]\s*|['\"‘“]\s*)$")


@lru_cache(maxsize=65536)
def entity_key(text: str) -> str:
    """The comparable form of a name: lower case, possessive and punctuation dropped.

    Cached: candidates compare the same question and sentences to names many times."""
    words = [w.lower().replace("’", "'").removesuffix("'s").strip("'-") for w in WORD.findall(text)]
    return " ".join(w for w in words if w)


def scan_names(text: str) -> tuple[list[str], list[tuple[str, str, bool]]]:
    """The names of `text`, and (first word, name, a council word follows) for each
    capitalised run opening a sentence, whose first word is left out of the names
    unless the corpus never writes it in lower case and uses it as a name elsewhere
    or a council follows it: ("deborah", "deborah quayle", False) from "Deborah
    Quayle said ...", ("ashcombe", "ashcombe", True) from "Ashcombe Metropolitan
    Borough Council, judged ..."."""
    keys: list[str] = []
    openers: list[tuple[str, str, bool]] = []
    for run in _RUN.finditer(text):
        words = [w for w in (entity_key(w) for w in run.group().split()) if w]
        # A sentence's first word is capitalised whatever it is ("According to").
        first = None
        if words and _starts_sentence(text, run.start()):
            first, words = words[0], words[1:]
        own = [w for w in words if w not in NOT_NAMES and not w.isdigit()]
        if first is not None and first not in NOT_NAMES:
            # "Ashcombe Metropolitan Borough Council": a place names its council.
            council = bool(words) and words[0] in COUNCIL_WORDS
            openers.append((first, first, council))
            if own:
                openers.append((first, " ".join([first, *own]), council))
        if not own:
            continue
        keys.extend(own)
        # Multi-word names too, so "Growing Futures" can be asked for as one.
        if len(own) > 1:
            keys.append(" ".join(own))
    return keys, openers


def _starts_sentence(text: str, at: int) -> bool:
    """Whether `text[at:]` opens a sentence (`_SENTENCE_START` at `at`). Only the
    whitespace before `at` and the two characters before it can decide, so only they are
    searched: searching all of `text[:at]` for each capitalised run was quadratic in a
    document's length."""
    before = at
    while before > 0 and text[before - 1].isspace():
        before -= 1
    return _SENTENCE_START.search(text, max(0, before - 2), at) is not None


def mentions(text: str, key: str) -> bool:
    """Whether `text` names the entity `key` (compared as entity keys)."""
    return f" {key} " in f" {entity_key(text)} "


def names_in(text: str) -> list[str]:
    """The keys of the names `text` writes (capitalised runs, a sentence's first word
    aside, and their words), as the lexicon reads them."""
    return scan_names(text)[0]
