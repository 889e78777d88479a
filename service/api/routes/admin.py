"""Admin routes (admin scope): reload the index, upload, replace or remove a document, jobs.

Reloads and the builds that uploads and removals start run in the background: the
request answers `202` with a job at once, and `GET /admin/jobs/{id}` follows it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from corpus.load import DocumentMetadata
from corpus.models import Document
from service.api.deps import EngineDep, IngestorDep, ManagerDep
from service.errors import DocumentNotFoundError, IndexUnavailableError
from service.ops.jobs import Job, JobKind, JobState
from service.ops.reload import EngineManager
from service.qa.contract import IsoDate

router = APIRouter()


class ReloadFailedError(IndexUnavailableError):
    """The new index could not be opened; the old one is still served."""


class JobResponse(BaseModel):
    id: str
    kind: JobKind
    trigger: str = Field(..., description='What started it: "api", "upload", "remove", ...')
    state: JobState
    created_at: str
    started_at: str | None
    finished_at: str | None
    seconds: float | None
    result: dict[str, object] | None = Field(
        ...,
        description="When succeeded: the index now served (index_version, previous_version, "
        "changed, documents, chunks).",
    )
    error: str | None = Field(..., description="When failed: why; the old index still serves.")

    @classmethod
    def of(cls, job: Job) -> JobResponse:
        return cls(
            id=job.id,
            kind=job.kind,
            trigger=job.trigger,
            state=job.state,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            seconds=job.seconds,
            result=dict(job.result) if job.result is not None else None,
            error=job.error,
        )


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
    replaced: str | None = Field(None, description="The document this one replaces.")
    job: JobResponse | None = Field(None, description="The build that will index it.")


class RemoveResponse(BaseModel):
    status: Literal["removed"]
    doc_id: str
    paths: list[str] = Field(..., description="The files the document was read from.")
    message: str
    job: JobResponse = Field(..., description="The build that takes it out of the index.")


DocId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$", description="16 hex digits")]


def _stored(engine: EngineDep, doc_id: str) -> Document:
    document = engine.stored_document(doc_id)
    if document is None:
        raise DocumentNotFoundError(f"no document with id {doc_id}")
    return document


async def _finished(manager: EngineManager, job: Job) -> Job:
    """Wait for `job`; a failed reload is the 503 it always was."""
    await run_in_threadpool(job.wait)
    if job.error is not None:
        serving = manager.engine.index_version if manager.engine else "none"
        raise ReloadFailedError(f"reload failed, still serving index {serving}: {job.error}")
    return job


@router.post(
    "/admin/reload",
    response_model=JobResponse,
    status_code=202,
    summary="Serve the index the index directory now points to, warmed first (a job)",
    responses={
        200: {"model": JobResponse, "description": "With wait=true: the finished job"},
        503: {"description": "With wait=true: the new index could not be opened"},
    },
    tags=["admin"],
)
async def reload_index(
    manager: ManagerDep,
    response: Response,
    wait: Annotated[
        bool, Query(description="Answer when the reload has finished (200 or 503)")
    ] = False,
) -> JobResponse:
    job = manager.start_reload("api")
    if wait:
        response.status_code = 200
        job = await _finished(manager, job)
    return JobResponse.of(job)


@router.get("/admin/jobs", response_model=list[JobResponse], summary="Recent jobs", tags=["admin"])
def list_jobs(manager: ManagerDep) -> list[JobResponse]:
    return [JobResponse.of(job) for job in manager.jobs.recent()]


@router.get("/admin/jobs/{job_id}", response_model=JobResponse, summary="One job", tags=["admin"])
def get_job(
    manager: ManagerDep,
    job_id: Annotated[str, PathParam(pattern=r"^[a-z]+-\d+-\d+$", description="As returned")],
) -> JobResponse:
    job = manager.jobs.get(job_id)
    if job is None:
        raise DocumentNotFoundError(f"no job {job_id!r} (jobs are kept in memory, the last 100)")
    return JobResponse.of(job)


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
        404: {"description": "`replaces` names no document of the served index"},
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
    replaces: Annotated[
        str | None,
        Form(pattern=r"^[0-9a-f]{16}$", description="Id of the document this file replaces"),
    ] = None,
) -> UploadResponse:
    # One byte over the limit is enough to know it is too large.
    data = file.file.read(ingestor.max_bytes + 1)
    engine = manager.engine
    old = None
    if replaces is not None:
        if engine is None:
            raise IndexUnavailableError("the index is not loaded yet")
        old = _stored(engine, replaces)

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
    replacing = old is not None and old.doc_id != stored.doc_id
    if replacing and old is not None:
        # Also when the new text is already indexed: the old document still goes.
        ingestor.remove(old)
    if stored.duplicate:
        response.status_code = 200
        return UploadResponse(
            status="duplicate",
            doc_id=stored.doc_id,
            path=stored.path,
            message="the same text is already indexed or waiting to be; nothing stored",
            replaced=old.doc_id if replacing and old is not None else None,
            job=JobResponse.of(manager.request_build("replace")) if replacing else None,
        )
    job = manager.request_build("replace" if old is not None else "upload")
    return UploadResponse(
        status="accepted",
        doc_id=stored.doc_id,
        path=stored.path,
        message="stored; the index is being rebuilt in the background (see the job)",
        replaced=old.doc_id if old is not None else None,
        job=JobResponse.of(job),
    )


@router.delete(
    "/documents/{doc_id}",
    response_model=RemoveResponse,
    status_code=202,
    summary="Remove a document; a background rebuild takes it out of the index",
    responses={404: {"description": "No such document in the served index"}},
    tags=["admin"],
)
def remove_document(
    manager: ManagerDep, engine: EngineDep, ingestor: IngestorDep, doc_id: DocId
) -> RemoveResponse:
    removed = ingestor.remove(_stored(engine, doc_id))
    job = manager.request_build("remove")
    return RemoveResponse(
        status="removed",
        doc_id=removed.doc_id,
        paths=list(removed.paths),
        message="recorded as removed; it leaves /ask and /search when the job has finished",
        job=JobResponse.of(job),
    )
