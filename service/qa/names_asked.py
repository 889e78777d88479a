"""Questions asking what something is called ("What is the name of the trust's
whole-family programme?", "What is the improvement plan called?"): the answer's
sentence must give a name the question does not."""

from __future__ import annotations

import re

from service.qa.entities import entity_key, mentions, names_in

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
