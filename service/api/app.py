"""Application factory: middleware, routes and one lifespan that loads the index once.

Middleware, outermost first (each sees what the next one answers):
    CORS -> request id -> metrics + access log -> security headers -> body size -> keys + rate limit
CORS is outermost so its headers reach 401/413/429 answers too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from index.postgres.jobs import JobQueue
from service.api import metrics
from service.api.errors import install_error_handlers
from service.api.keys import KeyRing
from service.api.links import ViewLinks, link_secret
from service.api.middleware.access import AccessMiddleware
from service.api.middleware.limits import BodySizeLimitMiddleware, SecurityHeadersMiddleware
from service.api.middleware.metrics import RequestMetricsMiddleware, install_request_id
from service.api.openapi import install_error_contract
from service.api.ratelimit import RateLimiter, rate_limit_storage
from service.api.routes import (
    admin,
    ask,
    docs,
    documents,
    feedback,
    openai_chat,
    ops,
    search,
    widget,
)
from service.api.state import AppState
from service.ops.backend import corpus_ingestor, database_url
from service.ops.reload import EngineManager, install_sighup
from service.qa.engine import QAEngine
from service.settings import Settings, get_settings

log = logging.getLogger(__name__)


def check_configuration(settings: Settings) -> tuple[KeyRing, RateLimiter | None]:
    """Read the keys and rate limits; raises ConfigurationError naming what is wrong."""
    keyring = KeyRing.from_settings(settings)
    limiter = (
        RateLimiter(settings.rate_limit, rate_limit_storage(settings))
        if settings.rate_limit or keyring.has_rate_limits
        else None
    )
    return keyring, limiter


def create_app(settings: Settings | None = None, engine: QAEngine | None = None) -> FastAPI:
    """Build the app. Pass `engine` to serve an already loaded one (tests, benchmarks)."""
    active = settings or (engine.settings if engine else get_settings())
    keyring, limiter = check_configuration(active)
    manager = EngineManager(active)
    manager.after_swap.append(metrics.observe_index)
    manager.on_reload.append(metrics.count_reload)
    links = ViewLinks(link_secret(active) if keyring.enabled else None)
    state = AppState(settings=active, manager=manager, keyring=keyring, links=links)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        served = engine if engine is not None else QAEngine.load(active)
        if engine is None:
            log.info(
                "index %s loaded: %d documents, %d chunks",
                served.index_version,
                served.manifest.documents,
                served.manifest.chunks,
            )
        manager.engine = served
        metrics.observe_index(served)
        # Uploads go where the served engine's settings say (tests pass their own).
        where = manager.active_settings
        if where.backend == "postgres":
            manager.queue = JobQueue(database_url(where))  # builds run on the workers
        ingestor = corpus_ingestor(where, max_bytes=active.max_upload_bytes)

        def forget_indexed_uploads(fresh: QAEngine) -> None:
            ingestor.forget_indexed(_indexed_path(fresh))

        manager.after_swap.append(forget_indexed_uploads)
        state.ingestor = ingestor
        undo = install_sighup(manager) if active.reload_on_sighup else (lambda: None)
        stop_watching = threading.Event()
        # Every process serves the newest published build on its own: other replicas'
        # builds (postgres), other workers' reloads and uploads, `reportqa index` (files).
        manager.watch_live_build(where.live_build_poll_s, stop_watching)
        try:
            yield
        finally:
            stop_watching.set()
            undo()
            manager.after_swap.remove(forget_indexed_uploads)
            if engine is None and manager.engine is not None:
                manager.engine.close()
            if limiter is not None:
                await limiter.aclose()

    app = FastAPI(
        title="reportqa",
        description="Answers questions from inspection reports with exact citations.",
        version="0.1.0",
        # FastAPI's pages load Swagger UI and ReDoc from a CDN; routes/docs.py serves them.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.reportqa = state
    install_error_handlers(app)
    for router in (ask.router, search.router, documents.router, ops.router, admin.router):
        app.include_router(router)
    app.include_router(widget.router)
    app.include_router(openai_chat.router)
    app.include_router(feedback.router)
    docs.install(app)
    install_error_contract(app)

    # add_middleware wraps what is there, so the innermost is added first.
    app.add_middleware(AccessMiddleware, keyring=keyring, limiter=limiter, links=links)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_body_bytes=active.max_body_bytes,
        max_upload_bytes=active.max_upload_bytes,
    )
    app.add_middleware(
        SecurityHeadersMiddleware, content_security_policy=active.content_security_policy
    )
    app.add_middleware(RequestMetricsMiddleware)
    install_request_id(app)
    add_cors(app, active)
    return app


def _indexed_path(engine: QAEngine) -> Callable[[str], str | None]:
    """doc_id -> the indexed document's path, or None when it is not in `engine`'s index."""

    def indexed(doc_id: str) -> str | None:
        document = engine.stored_document(doc_id)
        return document.path if document else None

    return indexed


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
