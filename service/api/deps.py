"""FastAPI dependencies: routes get the loaded engine and settings through these aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.errors import IndexUnavailableError
from service.qa.engine import QAEngine
from service.settings import Settings, get_settings


async def get_engine(request: Request) -> QAEngine:
    # async: a plain attribute read, so it runs on the event loop instead of costing
    # a thread-pool hop before every request.
    engine: QAEngine | None = getattr(request.app.state, "engine", None)
    if engine is None:
        raise IndexUnavailableError("the index is not loaded yet")
    return engine


EngineDep = Annotated[QAEngine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
