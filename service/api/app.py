"""Application factory: the index and model load once, in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from service.api import wiring
from service.api.routes import query as api
from service.api.routes import stream, widget
from service.errors import install_error_handlers
from service.qa.engine import QAEngine
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
    app.include_router(stream.router)
    app.include_router(widget.router)
    active = settings or (engine.settings if engine else get_settings())
    wiring.install(app, active)
    # Added last, so it wraps the hardening middleware: refusals get CORS headers too.
    add_cors(app, active)
    return app


def add_cors(app: FastAPI, settings: Settings) -> None:
    """Let pages on `settings.cors_origins` call the API (the embedded widget); off when empty."""
    if not settings.cors_origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        # X-API-Key: the optional key an embedding page passes to the widget.
        allow_headers=["Content-Type", "Accept", "X-API-Key"],
        # Let the page read the request id (to quote it) and when to retry after a 429.
        expose_headers=["X-Request-ID", "Retry-After"],
        max_age=600,
    )
