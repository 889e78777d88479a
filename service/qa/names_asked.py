"""Questions asking what something is called ("What is the name of the trust's
whole-family programme?", "What is the improvement plan called?"): the answer's
sentence must give a name the question does not."""

from __future__ import annotations

import re

from service.qa.facts import MONTHS_LOWER
from service.qa.names import NAME_WORD, entity_key, mentions, names_in

# "What is the name of ...", "What is it called?": a name asked for in so many words
# ("Which strategy ...?" may be answered by "the sufficiency strategy"; "Why were the
# police called?" asks nothing of the kind).
_ASKS_NAME = re.compile(
    r"\bname\s+of\b|^\s*what\s+(?:is|was|are|were)\b.*\bcalled\s*\??\s*$",
    re.IGNORECASE,
)
_FIRST_WORD = re.compile(r"^\W*([A-Z][\w'’-]*)")


def asks_name(question: str) -> bool:
    """Whether `question` asks what something is called (not who someone is)."""
    return bool(_ASKS_NAME.search(question))


def gives_name(sentence: str, question: str, common_words: frozenset[str]) -> bool:
    """Whether `sentence` names something `question` does not: a capitalised name, or a
    first word the reports never write in lower case ("Compass is the early help
    scheme"; `common_words` are those they do)."""
    found = list(names_in(sentence))
    first = _FIRST_WORD.match(sentence)
    if first and first.group(1).lower() not in common_words:
        found.append(entity_key(first.group(1)))
    return any(not mentions(question, key) for key in found)


# A name of several words, joined by small words ("Getting to Good", "Voices of Care").
_NAME_RUN = re.compile(
    rf"\b{NAME_WORD}(?:[ \t]+(?:of[ \t]+|for[ \t]+|and[ \t]+|to[ \t]+)?{NAME_WORD})*"
)
_WORD_IN_RUN = re.compile(r"\S+")
_POSSESSIVE = re.compile(r"['’]s?$")


def name_given(
    sentence: str, question: str, common_words: frozenset[str]
) -> tuple[int, int] | None:
    """Where `sentence` gives the name asked for: its first capitalised run naming
    something the question does not, from after its owner ("the Trust's Open Doors
    programme": "Open Doors"; "members of Westfold Voices": "Westfold Voices"), a
    sentence's first word left out when the reports write it in lower case; None when
    it gives none."""
    opening = _FIRST_WORD.match(sentence)
    opening_at = opening.start(1) if opening else -1
    for run in _NAME_RUN.finditer(sentence):
        words = list(_WORD_IN_RUN.finditer(run.group()))
        owners = [i for i, w in enumerate(words) if _POSSESSIVE.search(w.group())]
        words = words[owners[-1] + 1 :] if owners else words
        opens = bool(words) and run.start() + words[0].start() == opening_at
        if opens and entity_key(words[0].group()) in common_words:
            words = words[1:]
        # A joiner left leading ("of Westfold Voices"), or the month of "June 2023".
        while words and (
            not words[0].group()[0].isupper() or entity_key(words[0].group()) in MONTHS_LOWER
        ):
            words = words[1:]
        if words and not all(mentions(question, entity_key(w.group())) for w in words):
            return run.start() + words[0].start(), run.end()
    return None
