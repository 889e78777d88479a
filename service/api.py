"""HTTP routes of the question-answering API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from service.deps import EngineDep
from service.observability import record_timings
from service.schemas import (
    AskRequest,
    AskResponse,
    DocumentResponse,
    DocumentSummary,
    HealthResponse,
    SearchResponse,
)
from service.settings import SearchMode

router = APIRouter()

# Routes are plain `def`: answering is CPU-bound (encoding), so FastAPI runs them in
# its thread pool and the event loop stays free for other requests.


@router.post("/ask", response_model=AskResponse, summary="Answer a question with citations")
def ask(request: AskRequest, engine: EngineDep) -> AskResponse:
    response = engine.ask(request)
    record_timings("ask", response.timing_ms)
    return response


@router.get("/search", response_model=SearchResponse, summary="Ranked passages, no answer")
def search(
    engine: EngineDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="Search text")],
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    mode: SearchMode | None = None,
) -> SearchResponse:
    response = engine.search(q, k, mode=mode)
    record_timings("search", response.timing_ms)
    return response


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


@router.get("/health", response_model=HealthResponse, summary="Liveness and index summary")
def health(request: Request) -> HealthResponse:
    engine = getattr(request.app.state, "engine", None)
    manifest = engine.index.manifest if engine else None
    return HealthResponse(
        status="ok",
        index_version=manifest.index_version if manifest else None,
        documents=manifest.documents if manifest else 0,
        chunks=manifest.chunks if manifest else 0,
        model=manifest.model if manifest else None,
    )
