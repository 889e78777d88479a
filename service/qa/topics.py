"""What a follow-up keeps of its topic: its names, unless it names another council, and
its question, when it asks nothing of its own.

"And Doncaster?" after "How much did Norfolk invest?" asks the topic's question of
Doncaster: Norfolk is dropped from the names, and the topic is compared and searched
for as asked of Doncaster. "And Harrowby?" after "When was Westfold rated inadequate?"
asks for a date and names the judgement, as its topic does; "And its director?" asks
something of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.qa.entities import EntityLexicon, EntityMention
from service.qa.facts import MONTHS, facts_of
from service.qa.followup import CONNECTIVE, asked_instead
from service.qa.periods import without_years_moved
from service.qa.text import QUESTION_WORD, content_stems

_COMPARES = re.compile(r"\b(?:compare[ds]?|than|versus|vs|both|as well|too|also)\b", re.I)
_POINTS_BACK = re.compile(r"\b(?:it|its|they|them|their|there|that|this|those|these)\b", re.I)
_COUNCIL_AFTER = re.compile(r"(?:['’]s)?\s+(?:county|city|borough|metropolitan|council)\b", re.I)
# Words a follow-up asking nothing of its own may add to a name: "And in 2017?".
_BARE = re.compile(rf"\b(?:{'|'.join(MONTHS)}|spring|summer|autumn|winter|year|\d+\w*)\b", re.I)


def refers_back(question: str) -> bool:
    """A follow-up that compares or points back ("it", "there") keeps its topic's names."""
    return bool(_COMPARES.search(question) or _POINTS_BACK.search(question))


def names_council(mention: EntityMention, question: str, lexicon: EntityLexicon) -> bool:
    """Whether `mention` names a council: what some report is about, or written so
    ("Doncaster Council")."""
    at = question.lower().find(mention.text.lower())
    written = at >= 0 and bool(_COUNCIL_AFTER.match(question, at + len(mention.text)))
    return written or lexicon.names_a_subject(mention)


def _is_council(mention: EntityMention, question: str, lexicon: EntityLexicon) -> bool:
    """Whether `mention` is a council or place, not a person or an acronym whose reports
    are about one ("Paul Moffat", "DCST")."""
    if mention.text.isupper() or facts_of(mention.text, "person"):
        return False
    return names_council(mention, question, lexicon)


def asked_of_own_council(
    question: str,
    scoring: str,
    retrieval: str,
    known: tuple[EntityMention, ...],
    lexicon: EntityLexicon,
) -> tuple[tuple[EntityMention, ...], str, str]:
    """The names, scoring form and search query of a follow-up `question`.

    A council of its own replaces the topic's names (not a body it mentions: "And when
    did the LGA review it?" is still about the topic); when it replaces one council,
    the topic (and the earlier answer, searched for the kind of fact it gives) is
    compared and searched for with the new one in its place.
    """
    if refers_back(question):
        return known, scoring, retrieval
    own = {m.key for m in lexicon.mentions(question) if names_council(m, question, lexicon)}
    instead = tuple(m for m in known if m.key in own)
    dropped = [m for m in known if m.key not in own and _is_council(m, scoring, lexicon)]
    if len(instead) == 1 and len(dropped) == 1:
        old, new = dropped[0].text, instead[0].text
        scoring = asked_instead(scoring, question, old, new)
        retrieval = asked_instead(retrieval, question, old, new)
    return instead or known, scoring, retrieval


def asks_nothing_new(question: str, names: Sequence[str]) -> bool:
    """Whether a follow-up gives only names or a time ("And Harrowby?", "What about in
    2017?", "And the year after?"; not "And its director?", "And why?", "Is that right?");
    its `names` are those the corpus knows in it."""
    rest = _BARE.sub(" ", CONNECTIVE.sub("", without_years_moved(question)))
    for name in names:
        rest = re.sub(rf"(?<!\w){re.escape(name)}(?:['’]s)?(?!\w)", " ", rest, flags=re.I)
    # A capitalised word past the question's first is a name the lexicon may not know.
    own = " ".join(
        m.group()
        for m in re.finditer(r"[A-Za-z][\w'’-]*", rest)
        if not (m.group()[0].isupper() and question.find(m.group()) > 0)
    )
    return not (QUESTION_WORD.search(own) or content_stems(own))
