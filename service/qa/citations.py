"""What a response says of a passage or document: citations pinned to the answer's
offsets, search hits' fields, document summaries.

Kept apart from the engine, which decides what to cite; this only says it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from corpus.models import Chunk, Document
from service.qa.answer import Answer
from service.qa.contract import AlsoIn, Citation, DocumentSummary, Highlight
from service.qa.dates import evidence_date
from service.qa.retrieve import Passage

# The engine's lookup of a stored document by id (None when the index lacks it).
DocumentLookup = Callable[[str], Document | None]


def summary(doc: Document) -> DocumentSummary:
    return DocumentSummary(
        doc_id=doc.doc_id,
        title=doc.title,
        date=doc.date,
        kind=doc.kind,
        source=doc.source,
        path=doc.path,
        chars=len(doc.text),
        extra=doc.extra,
    )


def citations(
    passages: list[Passage], answer: Answer, stored_document: DocumentLookup
) -> list[Citation]:
    """The passages as numbered citations, the answer's own highlighted at its offsets."""
    cited = []
    for n, p in enumerate(passages, start=1):
        highlight = None
        best = answer.best
        if best and best.passage.chunk.chunk_id == p.chunk.chunk_id:
            p = best.passage  # cited up to the answer's end (a list it announces)
            offset = p.chunk.start
            highlight = Highlight(start=best.start - offset, end=best.end - offset)
        cited.append(Citation(n=n, highlight=highlight, **passage_fields(p, stored_document)))
    return cited


def passage_fields(p: Passage, stored_document: DocumentLookup) -> dict[str, Any]:
    """What a citation and a search hit both say of a passage."""
    when = evidence_date(p.document)
    return {
        "doc_id": p.document.doc_id,
        "title": p.document.title,
        "date": p.document.date,
        "kind": p.document.kind,
        "chunk_id": p.chunk.chunk_id,
        "text": p.chunk.text,
        "start": p.chunk.start,
        "end": p.chunk.end,
        "score": round(p.score, 6),
        "also_in": _also_in(p.chunk, stored_document),
        "page": p.document.page_at(p.chunk.start),
        "evidence_date": when.value if when else None,
        "evidence_date_inferred": bool(when and when.inferred),
    }


def _also_in(chunk: Chunk, stored_document: DocumentLookup) -> list[AlsoIn]:
    """Where else the passage occurs (near-duplicates that were not embedded)."""
    found = []
    for where in chunk.also_in:
        doc = stored_document(where.doc_id)
        title = doc.title if doc is not None else where.doc_id
        found.append(AlsoIn(doc_id=where.doc_id, title=title, start=where.start, end=where.end))
    return found
