"""Admin routes (admin scope): reload the index, upload a document, build status."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from corpus.load import DocumentMetadata
from index.errors import ReportIndexError
from service.api.deps import IngestorDep, ManagerDep
from service.errors import IndexUnavailableError
from service.qa.contract import IsoDate

router = APIRouter()


class ReloadFailedError(IndexUnavailableError):
    """The new index could not be opened; the old one is still served."""


class ReloadResponse(BaseModel):
    reloaded: bool = Field(..., description="False when the index directory was unchanged.")
    index_version: str = Field(..., description="The version now served.")
    previous_version: str | None
    documents: int
    chunks: int


class BuildStatus(BaseModel):
    ok: bool
    finished_at: str
    seconds: float
    index_version: str | None
    error: str | None


class AdminStatus(BaseModel):
    index_version: str | None
    building: bool
    uploads_waiting: int = Field(..., description="Stored uploads not yet in the served index.")
    last_build: BuildStatus | None


class UploadResponse(BaseModel):
    status: Literal["accepted", "duplicate"]
    doc_id: str
    path: str = Field(..., description="Where the document is stored, under the documents folder.")
    message: str


@router.post(
    "/admin/reload",
    response_model=ReloadResponse,
    summary="Serve the index the index directory now points to (in-flight requests finish first)",
    tags=["admin"],
)
async def reload_index(manager: ManagerDep) -> ReloadResponse:
    try:
        outcome = await run_in_threadpool(manager.reload, "api")
    except ReportIndexError as exc:
        serving = manager.engine.index_version if manager.engine else "none"
        raise ReloadFailedError(f"reload failed, still serving index {serving}: {exc}") from exc
    return ReloadResponse(
        reloaded=outcome.changed,
        index_version=outcome.index_version,
        previous_version=outcome.previous_version,
        documents=outcome.documents,
        chunks=outcome.chunks,
    )


@router.get(
    "/admin/status", response_model=AdminStatus, summary="Served index and builds", tags=["admin"]
)
def admin_status(manager: ManagerDep, ingestor: IngestorDep) -> AdminStatus:
    last = manager.last_build
    return AdminStatus(
        index_version=manager.engine.index_version if manager.engine else None,
        building=manager.building,
        uploads_waiting=ingestor.waiting,
        last_build=BuildStatus(**last.__dict__) if last else None,
    )


@router.post(
    "/documents",
    response_model=UploadResponse,
    status_code=202,
    summary="Upload a document (.txt .md .html .pdf .docx); a background rebuild indexes it",
    responses={
        200: {"model": UploadResponse, "description": "Already indexed or waiting: not stored"},
        413: {"description": "File too large"},
        415: {"description": "Not a readable document of a supported type"},
    },
    tags=["admin"],
)
def upload_document(
    manager: ManagerDep,
    ingestor: IngestorDep,
    response: Response,
    file: Annotated[UploadFile, File(description="A .txt, .md, .html, .pdf or .docx file")],
    title: Annotated[str | None, Form(max_length=300)] = None,
    date: Annotated[IsoDate | None, Form(description="Publication date, YYYY-MM-DD")] = None,
    kind: Annotated[str | None, Form(min_length=1, max_length=60)] = None,
    source: Annotated[str | None, Form(min_length=1, max_length=200)] = None,
) -> UploadResponse:
    # One byte over the limit is enough to know it is too large.
    data = file.file.read(ingestor.max_bytes + 1)
    engine = manager.engine

    def indexed(doc_id: str) -> str | None:
        document = engine.stored_document(doc_id) if engine else None
        return document.path if document else None

    stored = ingestor.store(
        file.filename or "",
        data,
        DocumentMetadata(
            title=title, date=date.isoformat() if date else None, kind=kind, source=source
        ),
        indexed,
    )
    if stored.duplicate:
        response.status_code = 200
        return UploadResponse(
            status="duplicate",
            doc_id=stored.doc_id,
            path=stored.path,
            message="the same text is already indexed or waiting to be; nothing stored",
        )
    manager.request_build()
    return UploadResponse(
        status="accepted",
        doc_id=stored.doc_id,
        path=stored.path,
        message="stored; the index is being rebuilt in the background (see /admin/status)",
    )
