"""The indexed documents: their list, one cleaned text, and a readable view of a citation."""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse

from service.api.deps import EngineDep
from service.errors import BadQueryError
from service.qa.contract import DocumentResponse, DocumentSummary

router = APIRouter()


@router.get("/documents", response_model=list[DocumentSummary], summary="All documents")
def list_documents(engine: EngineDep) -> list[DocumentSummary]:
    return engine.documents()


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentResponse,
    summary="One document's metadata and cleaned text (citation offsets index into it)",
)
def get_document(
    engine: EngineDep,
    doc_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="16 hex digits")],
) -> DocumentResponse:
    return engine.document(doc_id)


_VIEW = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 16px/1.6 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto;
  padding: 0 1rem; color: #1b1f24; }}
pre {{ white-space: pre-wrap; font: inherit; }}
mark {{ background: #ffe58a; padding: 0 .1em; scroll-margin: 40vh; }}
.meta {{ color: #555; }}
</style></head>
<body><h1>{title}</h1><p class="meta">{meta}</p>
<pre>{before}<mark id="cited">{cited}</mark>{after}</pre>
</body></html>"""


@router.get("/documents/{doc_id}/view", response_class=HTMLResponse, include_in_schema=False)
def document_view(
    engine: EngineDep,
    doc_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="16 hex digits")],
    start: Annotated[int, Query(ge=0)] = 0,
    end: Annotated[int | None, Query(ge=0)] = None,
) -> HTMLResponse:
    """The document as a page with characters [start, end) marked: where a citation points.

    Widget cards link here with `#cited`, so the browser scrolls to the mark itself.
    """
    document = engine.document(doc_id)
    text = document.text
    end = len(text) if end is None else end
    if not start <= end <= len(text):
        raise BadQueryError(
            f"start and end must satisfy 0 <= start <= end <= {len(text)} (the document length)"
        )
    meta = " · ".join(
        part for part in (document.kind, document.date or "", document.source) if part
    )
    page = _VIEW.format(
        title=html.escape(document.title),
        meta=html.escape(meta),
        before=html.escape(text[:start]),
        cited=html.escape(text[start:end]),
        after=html.escape(text[end:]),
    )
    return HTMLResponse(page)
