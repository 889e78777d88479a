"""The settings' choice of backend, for the code that writes builds (CLI, worker, API)."""

from __future__ import annotations

from pathlib import Path

from index.backend import BuildTarget
from index.build import FilesTarget
from index.errors import DatabaseUnavailableError
from service.qa.encoder import embedding_cache_dir
from service.settings import Settings


def database_url(settings: Settings) -> str:
    """The primary's URL; the postgres backend cannot run without it."""
    if settings.database_url is None:
        raise DatabaseUnavailableError(
            "the postgres backend needs REPORTQA_DATABASE_URL (postgresql://user@host/db)"
        )
    return settings.database_url.get_secret_value()


def build_target(settings: Settings) -> BuildTarget:
    """Where `reportqa index`, a worker or an upload's rebuild publishes."""
    if settings.backend == "postgres":
        from index.postgres.writer import PostgresTarget  # psycopg only for this backend

        return PostgresTarget(database_url(settings))
    return FilesTarget(Path(settings.index_dir), embedding_cache_dir(settings))
