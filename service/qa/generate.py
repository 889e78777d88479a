"""Optional generated answers from an OpenAI-compatible chat-completions endpoint.

Off unless REPORTQA_LLM_URL is set. The model sees the top passages numbered [1],
[2], ... and must cite them; every sentence it writes is then checked against the
passage it cites (content words and every figure must occur there) and dropped if
unsupported. Any error, timeout or empty result returns None, and the service
keeps its extractive answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from corpus.sentences import sentence_spans
from service.qa.retrieve import Passage
from service.qa.text import content_stems
from service.settings import Settings

log = logging.getLogger(__name__)

_MARKER = re.compile(r"\[(\d{1,2})\]")
_FIGURE = re.compile(r"\d[\d,.]*\d|\d")
NOT_FOUND = "NOT FOUND"

SYSTEM_PROMPT = (
    "You answer questions about children's services reports using only the numbered "
    "passages given. Write at most three short sentences. End every sentence with the "
    "marker of the passage that supports it, e.g. [1]. Do not add anything the passages "
    f"do not say. If the passages do not answer the question, reply exactly {NOT_FOUND}."
)


@dataclass(frozen=True)
class GeneratedAnswer:
    text: str  # supported sentences only, each with its [n] marker
    kept: int
    dropped: int


def supported(claim: str, passage_text: str, min_share: float) -> bool:
    """True when `claim` is backed by `passage_text`.

    Every figure of the claim must occur in the passage, and at least `min_share` of
    its content words (stemmed) must too.
    """
    for figure in _FIGURE.findall(claim):
        if figure not in passage_text:
            return False
    stems = content_stems(claim)
    if not stems:
        return False
    return len(stems & content_stems(passage_text)) / len(stems) >= min_share


def keep_supported(
    text: str, passages: Sequence[Passage], min_share: float
) -> tuple[list[str], int]:
    """The sentences of `text` whose [n] markers point at a passage that supports them."""
    kept: list[str] = []
    dropped = 0
    for start, end in sentence_spans(text):
        sentence = text[start:end].strip()
        numbers = [int(n) for n in _MARKER.findall(sentence)]
        claim = _MARKER.sub("", sentence).strip()
        cited = [passages[n - 1].chunk.text for n in numbers if 1 <= n <= len(passages)]
        if claim and any(supported(claim, passage, min_share) for passage in cited):
            kept.append(sentence)
        elif claim or numbers:
            dropped += 1
    return kept, dropped


class Generator:
    """Client of one chat-completions endpoint."""

    def __init__(
        self,
        url: str,
        model: str = "default",
        timeout_s: float = 10.0,
        api_key: str | None = None,
        passages: int = 3,
        support_min: float = 0.6,
    ) -> None:
        self.url = url
        self.model = model
        self.timeout_s = timeout_s
        self.api_key = api_key
        self.passages = passages
        self.support_min = support_min

    @classmethod
    def from_settings(cls, settings: Settings) -> Generator | None:
        """A generator when `settings.llm_url` is set, else None (the default)."""
        if not settings.llm_url:
            return None
        return cls(
            settings.llm_url,
            model=settings.llm_model,
            timeout_s=settings.llm_timeout_s,
            api_key=settings.llm_api_key,
            passages=settings.llm_passages,
            support_min=settings.llm_support_min,
        )

    def messages(self, question: str, passages: Sequence[Passage]) -> list[dict[str, str]]:
        numbered = "\n\n".join(
            f"[{n}] {p.document.title} ({p.document.date or 'undated'})\n{p.chunk.text}"
            for n, p in enumerate(passages, start=1)
        )
        return [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Passages:\n\n{numbered}\n\nQuestion: {question}"},
        ]

    def compose(self, question: str, passages: Sequence[Passage]) -> GeneratedAnswer | None:
        """A short cited answer, or None on any failure or when nothing is supported."""
        top = list(passages[: self.passages])
        if not top:
            return None
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        payload = {
            "model": self.model,
            "messages": self.messages(question, top),
            "temperature": 0,
            "max_tokens": 300,
        }
        try:
            response = httpx.post(self.url, json=payload, headers=headers, timeout=self.timeout_s)
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("generator failed, keeping the extractive answer: %s", exc)
            return None
        if not isinstance(content, str) or content.strip().upper().startswith(NOT_FOUND):
            return None
        kept, dropped = keep_supported(content.strip(), top, self.support_min)
        if not kept:
            return None
        return GeneratedAnswer(text=" ".join(kept), kept=len(kept), dropped=dropped)
