"""Plain records handed from the corpus stage to the index stage."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import dataclass, field

# Document metadata values: plain strings, lists of names, or small records such as
# the addressees of a letter ({"name": ..., "address": ...}).
MetadataValue = str | list[str] | list[dict[str, str]]


def content_hash(text: str, length: int = 16) -> str:
    """Short, stable hex digest of a text; the basis of every id in reportqa."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


@dataclass(frozen=True)
class Document:
    """One source document after cleaning.

    `text` is the canonical cleaned text: every citation offset indexes into it.
    `doc_id` is derived from that text, so the same text always gets the same id.
    """

    doc_id: str
    text: str
    title: str
    date: str | None  # ISO date (YYYY-MM-DD) or None when the source gives none
    kind: str  # "news article", "inspection letter", ...
    source: str  # publisher or issuing body
    path: str  # file name inside the corpus directory
    extra: dict[str, MetadataValue] = field(default_factory=dict)
    # Paged sources (PDF): `page_starts[i]` is the offset in `text` where page i + 1
    # begins. Empty for unpaged formats.
    page_starts: tuple[int, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """1-based page holding `offset`, or None for documents without pages."""
        if not self.page_starts:
            return None
        return max(1, bisect_right(self.page_starts, offset))


@dataclass(frozen=True)
class Location:
    """A passage of a document: `document.text[start:end]`."""

    doc_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, pinned to exact character offsets.

    Invariant: `document.text[start:end] == text`.
    """

    chunk_id: str
    doc_id: str
    ordinal: int
    start: int
    end: int
    text: str
    # Other places the same passage occurs (near-duplicate chunks that were not embedded).
    also_in: tuple[Location, ...] = ()

    @staticmethod
    def make_id(doc_id: str, start: int, text: str) -> str:
        """Id from the document, position and content: re-chunking the same text is idempotent."""
        return content_hash(f"{doc_id}:{start}:{text}")
