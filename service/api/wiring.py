"""Wire access control, limits, observability and index management into the app.

`install` is called once by `create_app`; it only adds middleware, routers and a
lifespan wrapper, so it composes with whatever else the factory sets up.

Middleware, outermost first (each sees what the next one answers):
    request id -> metrics + access log -> security headers -> body size -> keys + rate limit
A CORS middleware added after `install` ends up outside all of these, which is
where it belongs: its headers then reach 401/413/429 answers too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from service.api import observability
from service.api.middleware.access import AccessMiddleware, KeyRing
from service.api.middleware.limits import BodySizeLimitMiddleware, SecurityHeadersMiddleware
from service.api.middleware.ratelimit import RateLimiter
from service.api.openapi import install_error_contract
from service.api.routes import admin
from service.ops.ingest import DocumentIngestor
from service.ops.reload import EngineManager, install_sighup
from service.qa.engine import QAEngine
from service.settings import Settings


def check_configuration(settings: Settings) -> tuple[KeyRing, RateLimiter | None]:
    """Read the keys and rate limits; raises ConfigurationError naming what is wrong."""
    keyring = KeyRing.from_settings(settings)
    limiter = (
        RateLimiter(settings.rate_limit, settings.rate_limit_storage)
        if settings.rate_limit or keyring.has_rate_limits
        else None
    )
    return keyring, limiter


def install(app: FastAPI, settings: Settings) -> None:
    """Add the production middleware, the ops/admin routes and the lifespan hooks."""
    keyring, limiter = check_configuration(settings)
    app.state.keyring = keyring

    app.add_middleware(AccessMiddleware, keyring=keyring, limiter=limiter)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    app.add_middleware(
        SecurityHeadersMiddleware, content_security_policy=settings.content_security_policy
    )
    app.add_middleware(observability.RequestMetricsMiddleware)
    observability.install_request_id(app)

    app.include_router(observability.router)
    app.include_router(admin.router)
    install_error_contract(app)

    manager = EngineManager(app, settings)
    app.state.engine_manager = manager

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with inner(app) as state:
            engine: QAEngine | None = getattr(app.state, "engine", None)
            if engine is not None:
                observability.observe_index(engine)
            # Uploads go where the served engine's settings say (tests pass their own).
            active = manager.active_settings
            ingestor = DocumentIngestor(
                Path(active.documents_dir),
                active.manifest_path,
                settings.max_upload_bytes,
                active.corpus_config(),
            )

            def forget_indexed_uploads(fresh: QAEngine) -> None:
                ingestor.forget_indexed(_indexed_in(fresh))

            manager.after_swap.append(forget_indexed_uploads)
            app.state.ingestor = ingestor
            undo = install_sighup(manager) if settings.reload_on_sighup else (lambda: None)
            try:
                yield state
            finally:
                undo()
                manager.after_swap.remove(forget_indexed_uploads)

    app.router.lifespan_context = lifespan


def _indexed_in(engine: QAEngine) -> Callable[[str], str | None]:
    def indexed(doc_id: str) -> str | None:
        document = engine.index.store.document(doc_id)
        return document.path if document else None

    return indexed
