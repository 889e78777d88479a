"""Resolve follow-up questions against the conversation history.

A follow-up such as "And when was that?" or "Who led it?" names no topic of its
own: the topic is in the earlier turns. The rule is general: a question is a
follow-up when there is an earlier user turn and it either opens with a connective
("and", "what about", ...) or refers back with a pronoun while carrying few content
words of its own. Its topic is then the earlier question (followed back through
earlier follow-ups) and the earlier answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.qa.contract import Turn
from service.qa.text import content_stems

# Words that open a follow-up; several may ("and what about ...").
CONNECTIVE = re.compile(
    r"^\s*(?:(?:and|but|so|also|then|what about|how about|what of)\b\s*)+", re.IGNORECASE
)
_ANAPHOR = re.compile(
    r"\b(?:that|this|it|its|they|them|their|those|these|there|then|he|she|him|her|his|"
    r"the same|such)\b",
    re.IGNORECASE,
)
# A question with more content words than this stands on its own even with a pronoun.
_MAX_OWN_TERMS = 3
# Earlier user turns followed back when they were follow-ups themselves.
_MAX_CHAIN = 3
# Characters of an earlier answer kept for retrieval (answers are single sentences).
_ANSWER_CHARS = 400


@dataclass(frozen=True)
class ResolvedQuestion:
    """A question made self-contained for retrieval and answer scoring."""

    question: str  # as asked; its type ("when", "how many") still decides the answer
    retrieval_query: str  # what to search: earlier topic + earlier answer + question
    scoring_question: str  # what candidate sentences are compared with
    is_followup: bool
    last_answer: str | None = None  # the answer a follow-up's "him" or "it" may mean


def is_followup(question: str, history: Sequence[Turn]) -> bool:
    """True when `question` depends on earlier user turns for its topic."""
    if not any(turn.role == "user" for turn in history):
        return False
    if CONNECTIVE.search(question):
        return True
    return bool(_ANAPHOR.search(question)) and len(content_stems(question)) <= _MAX_OWN_TERMS


def resolve(question: str, history: Sequence[Turn]) -> ResolvedQuestion:
    """Make `question` self-contained using `history` (oldest turn first)."""
    if not is_followup(question, history):
        return ResolvedQuestion(question, question, question, is_followup=False)
    topic: list[str] = []  # earlier user questions, newest first
    last_answer: str | None = None
    turns = list(history)
    for position in range(len(turns) - 1, -1, -1):
        turn = turns[position]
        if turn.role == "assistant":
            if last_answer is None and not topic:
                last_answer = turn.content[:_ANSWER_CHARS]
            continue
        topic.append(turn.content)
        if len(topic) >= _MAX_CHAIN or not is_followup(turn.content, turns[:position]):
            break
    earlier = " ".join(reversed(topic))
    retrieval = " ".join(part for part in (earlier, last_answer, question) if part)
    return ResolvedQuestion(
        question=question,
        retrieval_query=retrieval,
        scoring_question=f"{earlier} {question}",
        is_followup=True,
        last_answer=last_answer,
    )


_POSSESSIVE = re.compile(r"['’]s$")


def topic_of(scoring: str, question: str) -> str | None:
    """The earlier questions a follow-up's `scoring` form joins to `question`, or None
    when `scoring` is not `question` after them."""
    topic = scoring.removesuffix(question)
    return topic.strip() if topic != scoring else None


def asked_instead(scoring: str, question: str, old: str, new: str) -> str:
    """The self-contained `scoring` question with the topic's council `old` replaced by
    the follow-up's `new` one: "Who is Pendleford's director? And Eastmoor's?" is
    compared with sentences as "Who is Eastmoor's director? And Eastmoor's?"."""
    topic = topic_of(scoring, question)
    if topic is None:
        return scoring
    pattern = rf"(?<!\w){re.escape(_POSSESSIVE.sub('', old))}(?!\w)"
    swapped = re.sub(pattern, _POSSESSIVE.sub("", new), topic, flags=re.IGNORECASE)
    return f"{swapped} {question}"
