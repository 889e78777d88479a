"""Extractive answers: pick the sentence of the top passages that best answers the question.

A candidate sentence is scored on three signals, each in [0, 1]:
  - semantic similarity to the question (cosine of the embeddings),
  - term overlap (share of the question's content stems found in the sentence),
  - passage rank (earlier passages are more trustworthy),
plus a bonus when the sentence holds what the question type asks for (a date for
"when", a number for "how many", a name for "who").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

from corpus.sentences import sentence_spans
from index.embedder import Embedder
from service.retrieve import Passage

_STEMMER = Stemmer.Stemmer("english")
_STOP = set(STOPWORDS_EN_PLUS) | {
    "what", "when", "who", "whom", "which", "where", "why", "how", "many", "much",
    "did", "does", "do", "was", "were", "is", "are", "the", "a", "an", "of", "in",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][a-z]+)?")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(?:(?:19|20)\d\d|{_MONTHS}|Spring|Summer|Autumn|Winter)\b")
_NUMBER = re.compile(
    r"\b\d[\d,.]*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
    r"twenty|hundred|thousand|quarter|half)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")

WEIGHTS = {"semantic": 0.55, "overlap": 0.30, "rank": 0.15}
TYPE_BONUS = 0.08


def content_stems(text: str) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    return set(_STEMMER.stemWords([w for w in words if w not in _STOP]))


def question_type(question: str) -> str | None:
    q = question.lower()
    if re.search(r"\bhow (?:many|much)\b|\bwhat (?:percentage|proportion|number)\b", q):
        return "number"
    if re.search(r"\bwhen\b|\bwhat (?:year|date|month)\b", q):
        return "date"
    if re.search(r"\bwho\b|\bwhose\b", q):
        return "person"
    return None


def _has_type(sentence: str, wanted: str | None) -> bool:
    if wanted == "date":
        return bool(_DATE.search(sentence))
    if wanted == "number":
        return bool(_NUMBER.search(sentence))
    if wanted == "person":
        return bool(_NAME.search(sentence))
    return False


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    start: int  # offsets inside the document
    end: int
    text: str
    score: float
    semantic: float
    overlap: float


@dataclass(frozen=True)
class Answer:
    best: Candidate | None
    confidence: float
    answered: bool


def confidence_from(candidate: Candidate) -> float:
    """Map evidence strength to [0, 1]: mostly meaning, partly shared terms.

    The line is steep around the similarities seen for off-topic versus on-topic
    questions with all-MiniLM-L6-v2 (about 0.1-0.3 versus 0.5-0.8).
    """
    evidence = 0.7 * candidate.semantic + 0.3 * candidate.overlap
    return float(np.clip((evidence - 0.15) / 0.5, 0.0, 1.0))


class Answerer:
    def __init__(
        self, embedder: Embedder, passages_considered: int = 3, abstain_below: float = 0.35
    ):
        self.embedder = embedder
        self.passages_considered = passages_considered
        self.abstain_below = abstain_below

    def candidates(self, question: str, passages: list[Passage]) -> list[Candidate]:
        """Every sentence of the top passages, scored; best first."""
        spans: list[tuple[Passage, int, int]] = []
        for passage in passages[: self.passages_considered]:
            for start, end in sentence_spans(passage.chunk.text, offset=passage.chunk.start):
                spans.append((passage, start, end))
        if not spans:
            return []
        texts = [p.document.text[s:e] for p, s, e in spans]
        vectors = self.embedder.encode([question, *texts])
        semantic = np.clip(vectors[1:] @ vectors[0], 0.0, 1.0)
        stems = content_stems(question)
        wanted = question_type(question)
        scored = []
        for (passage, start, end), text, sim in zip(spans, texts, semantic, strict=True):
            overlap = len(stems & content_stems(text)) / len(stems) if stems else 0.0
            rank_prior = 1.0 / passage.rank
            score = (
                WEIGHTS["semantic"] * float(sim)
                + WEIGHTS["overlap"] * overlap
                + WEIGHTS["rank"] * rank_prior
                + (TYPE_BONUS if _has_type(text, wanted) else 0.0)
            )
            scored.append(Candidate(passage, start, end, text, score, float(sim), overlap))
        return sorted(scored, key=lambda c: -c.score)

    def answer(self, question: str, passages: list[Passage]) -> Answer:
        ranked = self.candidates(question, passages)
        if not ranked:
            return Answer(best=None, confidence=0.0, answered=False)
        best = ranked[0]
        confidence = confidence_from(best)
        answered = confidence >= self.abstain_below
        return Answer(best=best if answered else None, confidence=confidence, answered=answered)
