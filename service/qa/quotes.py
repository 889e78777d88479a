"""Phrases a question quotes, which the answer's sentence or its neighbours must hold.

"Who said the trust was 'tremendously proud' of its staff?" asks about those words:
"an incredibly proud moment" from another trust's chief executive is no answer. Only a
phrase of two words or more counts (one quoted word is usually a rating, "rated
'good'"), compared by stems so that "requiring improvement" holds "requires improvement".
"""

from __future__ import annotations

import re
from dataclasses import replace

from service.qa.retrieve import Passage
from service.qa.text import word_stems

# Each opening quote with its own closing one, after a space, bracket or the start and
# before a space, punctuation or the end; an apostrophe inside a word is no closing
# quote ("'the children's lives'"), and "Doncaster's" opens nothing.
_QUOTED = re.compile(
    r"(?:(?<=[\s(])|^)"
    r"(?:'(?P<single>(?:[^']|'(?=[A-Za-z]))+?)'"
    r"|‘(?P<curly>(?:[^’]|’(?=[A-Za-z]))+?)’"
    r"|\"(?P<double>[^\"]+?)\""
    r"|“(?P<curly_double>[^”]+?)”)"
    r"(?=[\s.,;:?!)]|$)"
)


def quoted_phrases(question: str) -> tuple[str, ...]:
    """The phrases of two words or more `question` quotes, as stems."""
    found = (
        " ".join(word_stems(next(g for g in m.groups() if g is not None)))
        for m in _QUOTED.finditer(question)
    )
    return tuple(phrase for phrase in found if " " in phrase)


def holds_quotes(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether `text` holds every one of `phrases` (word stems, in order)."""
    if not phrases:
        return True  # most questions quote nothing: no need to read every candidate
    stems = f" {' '.join(word_stems(text))} "
    return all(f" {phrase} " in stems for phrase in phrases)


def quoted_first(passages: list[Passage], phrases: tuple[str, ...]) -> list[Passage]:
    """`passages` with those holding the quoted `phrases` first, in their order; each
    takes the place, rank and score of the one it moves ahead of. Retrieval ranks on
    words and meaning, not on the exact words a question quotes."""
    if not phrases:
        return passages
    holding = [holds_quotes(p.chunk.text, phrases) for p in passages]
    if not any(holding):
        return passages
    held = [p for p, h in zip(passages, holding, strict=True) if h]
    rest = [p for p, h in zip(passages, holding, strict=True) if not h]
    places = [(p.rank, p.score) for p in passages]
    return [
        replace(p, rank=rank, score=score)
        for p, (rank, score) in zip([*held, *rest], places, strict=True)
    ]


def paragraph_around(passage: str, sentence: str) -> str:
    """The paragraph of `passage` that holds `sentence` ('' if none does): what a wrapped
    paragraph's line says may have been named two lines up ("feedback from the "Tell Us"
    survey of 118 parents / whose children ... plans. 64% said they understood")."""
    at = passage.find(sentence)
    if at < 0:
        return ""
    start = passage.rfind("\n\n", 0, at) + 1
    end = passage.find("\n\n", at + len(sentence))
    return passage[start : end if end >= 0 else len(passage)]
