"""Lexical BM25 search with bm25s (sparse scores, saved beside the FAISS file)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import bm25s
import numpy as np
import Stemmer
from scipy import sparse

from index.errors import IndexCorruptError

_STEMMER = Stemmer.Stemmer("english")
# bm25s logs every index build at DEBUG through its own handler; keep it quiet.
logging.getLogger("bm25s").setLevel(logging.WARNING)
_STOPWORDS = "en"


# BM25 sums float32 weights, and the order of the sum differs between bm25s and
# PostgreSQL (scores differ by ~1e-7): scores equal to 5 decimals are ties, broken by
# row, so both backends give the same ranking. Fetching a few more than k lets the
# tie at the cut be broken the same way too.
SCORE_DECIMALS = 5
TIE_MARGIN = 16


def ranked(hits: list[tuple[int, float]], k: int) -> list[tuple[int, float]]:
    """The top k of (row, score) pairs, best first, ties broken by the smaller row."""
    return sorted(hits, key=lambda hit: (-round(hit[1], SCORE_DECIMALS), hit[0]))[:k]


def query_tokens(query: str) -> list[str]:
    """The query's tokens as the index stores them (stemmed, stopwords out), repeats kept:
    bm25s counts a repeated query term once per repeat."""
    return _tokens([query])[0]


def _tokens(texts: Sequence[str]) -> list[list[str]]:
    # bm25s is untyped; with return_ids=False it returns one token list per text.
    tokens = bm25s.tokenize(
        list(texts), stopwords=_STOPWORDS, stemmer=_STEMMER, return_ids=False, show_progress=False
    )
    return cast("list[list[str]]", tokens)


class LexicalIndex:
    """BM25 over chunk texts; row ids are the chunks' positions, as in the dense index."""

    def __init__(self, retriever: bm25s.BM25, size: int) -> None:
        self._retriever = retriever
        self._size = size
        self._document_frequencies: np.ndarray | None = None

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        retriever = bm25s.BM25()
        tokens = bm25s.tokenize(
            list(texts), stopwords=_STOPWORDS, stemmer=_STEMMER, show_progress=False
        )
        retriever.index(tokens, show_progress=False)
        return cls(retriever, len(texts))

    def __len__(self) -> int:
        return self._size

    def search(
        self, query: str, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top-k (row id, BM25 score), best first; rows without a query term are dropped.

        `allowed` is an optional boolean mask over rows, applied before the cut to k.
        """
        if self._size == 0 or k <= 0:
            return []
        query_tokens = _tokens([query])
        if not query_tokens[0]:
            return []
        mask = None if allowed is None else allowed.astype(np.float32)
        ids, scores = self._retriever.retrieve(
            query_tokens, k=min(k + TIE_MARGIN, self._size), show_progress=False, weight_mask=mask
        )
        hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]
        return ranked(hits, k)

    def document_frequency(self, term: str) -> int:
        """Rows whose text holds `term`, a token as the index stores it (stemmed, lower case)."""
        token_id = self._retriever.vocab_dict.get(term)
        if token_id is None:
            return 0
        if self._document_frequencies is None:
            # One vocabulary-sized array, computed once: indexing the memory-mapped
            # index pointer element by element costs more than the whole diff.
            self._document_frequencies = np.diff(np.asarray(self._retriever.scores["indptr"]))
        return int(self._document_frequencies[token_id])

    def term_weights(self) -> tuple[sparse.csc_matrix, dict[str, int]]:
        """Each row's BM25 weight per term (idf included: bm25s's precomputed scores), as a
        rows x vocabulary matrix stored by term (a column is a posting list, rows
        ascending), with the vocabulary. A query's score for a row is the sum of its
        terms' weights there, counting repeats: what `search` computes."""
        scores = self._retriever.scores
        by_term = sparse.csc_matrix(
            (
                np.asarray(scores["data"]),
                np.asarray(scores["indices"]),
                np.asarray(scores["indptr"]),
            ),
            shape=(int(scores["num_docs"]), len(scores["indptr"]) - 1),
        )
        return by_term.sorted_indices(), dict(self._retriever.vocab_dict)

    def save(self, directory: Path) -> None:
        self._retriever.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        if not (directory / "params.index.json").is_file():
            raise IndexCorruptError(f"{directory}: BM25 index missing")
        try:
            retriever = bm25s.BM25.load(str(directory), mmap=True, show_progress=False)
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(f"{directory}: BM25 index unreadable ({exc})") from exc
        return cls(retriever, size)
