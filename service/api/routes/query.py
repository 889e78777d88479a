"""HTTP routes of the question-answering API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from service.api.deps import EngineDep
from service.api.observability import record_timings
from service.qa.contract import (
    AskRequest,
    AskResponse,
    DocId,
    DocumentResponse,
    DocumentSummary,
    Filters,
    Fusion,
    HealthResponse,
    IsoDate,
    SearchResponse,
)
from service.settings import SearchMode

router = APIRouter()

# Routes are plain `def`: answering is CPU-bound (encoding), so FastAPI runs them in
# its thread pool and the event loop stays free for other requests.


def _json(model: BaseModel) -> Response:
    """`model` as a JSON response, serialised once by pydantic.

    The engine already builds validated response models; handing FastAPI a finished
    Response skips its re-validation of the model, which for a sync route costs a
    second thread-pool hop per request (about 1-2 ms of a /ask on these machines).
    `response_model` on the route still documents the schema.
    """
    return Response(content=model.model_dump_json(), media_type="application/json")


@router.post("/ask", response_model=AskResponse, summary="Answer a question with citations")
def ask(request: AskRequest, engine: EngineDep) -> Response:
    response = engine.ask(request)
    record_timings("ask", response.timing_ms)
    return _json(response)


@router.get("/search", response_model=SearchResponse, summary="Ranked passages, no answer")
def search(
    engine: EngineDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="Search text")],
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    mode: SearchMode | None = None,
    doc_id: Annotated[
        list[DocId] | None,
        Query(max_length=100, description="Only these documents (repeatable; 16 hex digits)."),
    ] = None,
    kind: Annotated[
        list[str] | None, Query(max_length=20, description="Only these kinds (repeatable).")
    ] = None,
    date_from: Annotated[IsoDate | None, Query(description="Published on or after.")] = None,
    date_to: Annotated[
        IsoDate | None, Query(description="Published on or before; not before date_from.")
    ] = None,
    rrf_k: Annotated[int | None, Query(ge=1, le=10000, description="RRF constant.")] = None,
    dense_weight: Annotated[float | None, Query(ge=0, le=100)] = None,
    lexical_weight: Annotated[float | None, Query(ge=0, le=100)] = None,
    prefer_recent: Annotated[
        bool, Query(description="Re-rank on relevance plus evidence date.")
    ] = False,
) -> Response:
    try:
        filters = Filters(doc_ids=doc_id, kinds=kind, date_from=date_from, date_to=date_to)
    except ValidationError as exc:  # e.g. date_from after date_to: a 422 like any bad query
        raise RequestValidationError(exc.errors()) from exc
    fusion = Fusion(k=rrf_k, dense_weight=dense_weight, lexical_weight=lexical_weight)
    response = engine.search(
        q, k, mode=mode, filters=filters, fusion=fusion, prefer_recent=prefer_recent
    )
    record_timings("search", response.timing_ms)
    return _json(response)


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
