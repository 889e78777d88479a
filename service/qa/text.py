"""The shared text analyser: content stems and their pairs (overlap, phrases, follow-ups,
short answers), idf weights, one normaliser."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

_STEMMER = Stemmer.Stemmer("english")
_STOP = set(STOPWORDS_EN_PLUS) | {
    "what", "when", "who", "whom", "which", "where", "why", "how", "many", "much",
    "did", "does", "do", "was", "were", "is", "are", "the", "a", "an", "of", "in",
}  # fmt: skip
# Irregular forms of the verbs that say what was done, which the stemmer leaves apart
# from their verb: "Who led the inspection?" is answered by "Inspectors: ... (lead)",
# "How much was spent?" by "... will spend £2m". Light verbs ("said", "took", "made",
# "found") are left out: "What did Ofsted say?" matched every sentence reporting speech.
# So are forms as often a word of another sense ("left", "saw").
_IRREGULAR = {
    "led": "lead", "held": "hold", "wrote": "write", "written": "write", "paid": "pay",
    "chose": "choose", "chosen": "choose", "began": "begin", "begun": "begin",
    "sent": "send", "spent": "spend", "overspent": "overspend", "underspent": "underspend",
    "overpaid": "overpay", "underpaid": "underpay", "rose": "rise", "risen": "rise", "fell": "fall",
    "fallen": "fall", "bought": "buy", "sought": "seek", "won": "win", "sold": "sell",
    "built": "build", "taught": "teach", "withdrew": "withdraw", "withdrawn": "withdraw",
    "oversaw": "oversee", "overseen": "oversee", "undertook": "undertake",
    "undertaken": "undertake",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][a-z]+)?")
_POSSESSIVE = re.compile(r"['\u2019]s$")

# The words that open a question ("what", "how", ...), in any case.
QUESTION_WORD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.I)


@lru_cache(maxsize=65536)
def content_stems(text: str) -> frozenset[str]:
    """Stemmed, lower-case content words of `text` (stop words and possessives dropped).

    Cached: the same corpus sentences are candidates for many questions.
    """
    return frozenset(_stem_sequence(text))


@lru_cache(maxsize=65536)
def content_bigrams(text: str) -> frozenset[tuple[str, str]]:
    """Pairs of consecutive content stems of `text`, stop words skipped: "director of
    practice" gives ("director", "practic"), a phrase a bag of words does not see."""
    stems = _stem_sequence(text)
    return frozenset(zip(stems, stems[1:], strict=False))


@lru_cache(maxsize=65536)
def word_stems(text: str) -> tuple[str, ...]:
    """Every word of `text` stemmed, in order, stop words kept: phrases compared
    whatever their inflection ("requiring improvement" holds "requires improvement")."""
    words = [_POSSESSIVE.sub("", w.lower()) for w in _WORD.findall(text)]
    return tuple(_STEMMER.stemWords([_IRREGULAR.get(w, w) for w in words if w]))


def _stem_sequence(text: str) -> list[str]:
    """The stemmed content words of `text` in order (stop words and possessives dropped)."""
    words = [_POSSESSIVE.sub("", w.lower()) for w in _WORD.findall(text)]
    stems: list[str] = _STEMMER.stemWords(
        [_IRREGULAR.get(w, w) for w in words if w and w not in _STOP]
    )
    return stems


def normalised(text: str) -> str:
    """Lower-case words joined by single spaces: text compared without case or punctuation."""
    return " ".join(_WORD.findall(text.lower()))


_TOKEN = re.compile(r"[A-Za-z0-9]+")


def question_word_positions(sentence: str, stems: frozenset[str]) -> list[float]:
    """Midpoints of the words of `sentence` that share a content stem with the question."""
    return [
        (m.start() + m.end()) / 2
        for m in _TOKEN.finditer(sentence)
        if content_stems(m.group()) & stems
    ]


def distance_to_words(start: int, end: int, positions: list[float]) -> float:
    """Characters from the span's edges to the nearest of `positions` outside it (inf: none)."""
    outside = [a for a in positions if not start <= a < end]
    if not outside:
        return float("inf")
    return min(min(abs(a - start), abs(a - end)) for a in outside)


class TermStatistics(Protocol):
    """Document frequencies of index terms (the lexical index provides them)."""

    def __len__(self) -> int: ...

    def document_frequency(self, term: str) -> int: ...


def idf_weights(statistics: TermStatistics | None) -> Callable[[str], float]:
    """BM25-style inverse document frequency per stem; uniform without statistics."""
    if statistics is None or len(statistics) == 0:
        return lambda term: 1.0
    total = len(statistics)

    # Per index (the statistics never change under one engine); bounded because
    # questions bring terms the corpus does not have.
    @lru_cache(maxsize=65536)
    def idf(term: str) -> float:
        df = statistics.document_frequency(term)
        return math.log(1 + (total - df + 0.5) / (df + 0.5))

    return idf
