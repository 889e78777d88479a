"""Whether a sentence is about another council than the one a question asks about.

In reports about several councils, "... Norfolk County Council ... rated 'inadequate' in
October 2015" does not answer a question about Doncaster, nor does a national figure
("Nationally, 11 councils were judged inadequate") answer one about any council.
"""

from __future__ import annotations

import re

from service.qa.acronyms import ACRONYM
from service.qa.analysis import QuestionAnalysis
from service.qa.councils import NOT_PLACES
from service.qa.facts import facts_of
from service.qa.names import entity_key, mentions
from service.qa.people import place_words

_COUNCIL = re.compile(r"\b(?:council|county|borough|city)\b", re.IGNORECASE)


# A sentence about the whole country, not one council: opening so, or counting "in
# England" ("1,140 children were living in unregistered homes in England"); not one
# ranking or comparing a council with England ("the highest rate in England", "31%,
# compared with 18% in England").
_NATIONAL = re.compile(
    r"\W*(?:nationally|across\s+(?:england|the\s+country)|in\s+england)\b", re.IGNORECASE
)
_IN_ENGLAND = re.compile(r"\b(?:in|across)\s+England\b")
_RANKED_OR_COMPARED = re.compile(
    r"\b(?:highest|lowest|best|worst|most|least|largest|smallest|biggest|first|top|among|"
    r"one\s+of|compared|comparison|than|against|average|while|whereas)\b",
    re.IGNORECASE,
)


def _national(sentence: str) -> bool:
    return bool(
        _NATIONAL.match(sentence)
        or (_IN_ENGLAND.search(sentence) and not _RANKED_OR_COMPARED.search(sentence))
    )


def names_other_council(analysis: QuestionAnalysis, sentence: str) -> bool:
    """Whether `sentence` is about a council that neither the question nor most of the
    reports name: in reports about Doncaster, "... Norfolk County Council ... rated
    'inadequate' in October 2015" does not answer "When was the service rated inadequate?".
    """
    if not analysis.home_names and not analysis.entities:
        return False  # several councils' reports, and a question naming none: not needed
    # "Norfolk County Council leader Cliff Jordan" for "What did Cliff Jordan say?"; not
    # an acronym, which names a kind of thing every council has ("IRO", "SEND").
    if any(mentions(sentence, m.key) for m in analysis.entities if not ACRONYM.fullmatch(m.text)):
        return False
    # The names asked about: the question's own words and the names it keeps from its
    # topic (a follow-up about Doncaster after one about Norfolk drops Norfolk).
    asked = set(entity_key(analysis.question).split()).union(
        *(m.key.split() for m in analysis.entities),
        *(subject.split() for subject in analysis.subjects_named),
    )
    places_asked = asked & analysis.council_names
    if places_asked and _national(sentence):
        return True  # "Nationally, 11 councils were judged inadequate": no council's figure
    for fact in facts_of(sentence, "organisation"):
        own = set(place_words(entity_key(fact.text)))
        if _COUNCIL.search(fact.text):
            if own and not own <= NOT_PLACES and not own & analysis.home_names and not own & asked:
                return True
        # A body named after another council's place than the one asked about, as its
        # partnership or trust is ("the Vellmouth Safeguarding Children Partnership" for
        # Tressingham's).
        elif places_asked and (own & analysis.council_names) - places_asked:
            return True
    return False
