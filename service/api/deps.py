"""FastAPI dependencies: routes get the typed state, the engine, the ingestor and the feedback
store through these."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.api.state import AppState, app_state
from service.errors import IndexUnavailableError
from service.ops.feedback import FeedbackBackend
from service.ops.ingest import DocumentIngestor
from service.ops.reload import EngineManager
from service.qa.engine import QAEngine

# The dependencies are async: plain attribute reads, so they run on the event loop
# instead of costing a thread-pool hop before every request.


async def get_state(request: Request) -> AppState:
    return app_state(request.app)


async def get_engine(request: Request) -> QAEngine:
    engine = app_state(request.app).engine
    if engine is None:
        raise IndexUnavailableError("the index is not loaded yet")
    return engine


async def get_manager(request: Request) -> EngineManager:
    return app_state(request.app).manager


async def get_ingestor(request: Request) -> DocumentIngestor:
    ingestor = app_state(request.app).ingestor
    if ingestor is None:
        raise IndexUnavailableError("uploads are not open yet: the index is not loaded")
    return ingestor


async def get_feedback(request: Request) -> FeedbackBackend:
    return app_state(request.app).feedback


StateDep = Annotated[AppState, Depends(get_state)]
EngineDep = Annotated[QAEngine, Depends(get_engine)]
ManagerDep = Annotated[EngineManager, Depends(get_manager)]
IngestorDep = Annotated[DocumentIngestor, Depends(get_ingestor)]
FeedbackDep = Annotated[FeedbackBackend, Depends(get_feedback)]
