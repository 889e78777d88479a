"""Questions asking what something is called ("What is the name of the trust's
whole-family programme?", "What is the improvement plan called?"): the answer's
sentence must give a name the question does not."""

from __future__ import annotations

import re

from service.qa.entities import entity_key, names_in

# "Which [early help] scheme", not "What did the programme achieve?" (no verb between).
_NOT_VERB = r"(?!(?:did|does|do|is|was|were|are|has|have|had|will|would|can|could)\b)"
_ASKS_NAME = re.compile(
    r"\bname\s+of\b|\bcalled\s*\??\s*$|\b(?:what|which)\s+"
    rf"(?:{_NOT_VERB}[\w'’-]+\s+){{0,2}}?"
    r"(?:scheme|programme|program|initiative|project|forum|campaign|strategy)s?\b",
    re.IGNORECASE,
)


def asks_name(question: str) -> bool:
    """Whether `question` asks what something is called (not who someone is)."""
    return bool(_ASKS_NAME.search(question))


def gives_name(sentence: str, question: str) -> bool:
    """Whether `sentence` names something `question` does not name."""
    asked = f" {entity_key(question)} "
    return any(f" {key} " not in asked for key in names_in(sentence))
