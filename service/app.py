"""Application factory: the index and model load once, in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from service import api, hardening
from service.engine import QAEngine
from service.errors import install_error_handlers
from service.settings import Settings, get_settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, engine: QAEngine | None = None) -> FastAPI:
    """Build the app. Pass `engine` to reuse an already loaded one (tests, benchmarks)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if engine is not None:
            app.state.engine = engine
            yield
            return
        active = settings or get_settings()
        loaded = QAEngine.load(active)
        log.info(
            "index %s loaded: %d documents, %d chunks",
            loaded.index_version,
            loaded.index.manifest.documents,
            loaded.index.manifest.chunks,
        )
        app.state.engine = loaded
        try:
            yield
        finally:
            loaded.close()

    app = FastAPI(
        title="reportqa",
        description="Answers questions from inspection reports with exact citations.",
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(api.router)
    hardening.install(app, settings or get_settings())
    return app
