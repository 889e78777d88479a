"""The settings' choice of backend, for the code that writes builds (CLI, worker, API):
where builds are published, the corpus folder's ingestor, and a build from the settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index.backend import BuildTarget
from index.build import BuildSummary, FilesTarget, build_index
from index.embedders.base import Embedder
from index.embedders.parallel import auto_processes
from index.errors import DatabaseUnavailableError
from service.ops.ingest import DocumentIngestor
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


def corpus_ingestor(
    settings: Settings, documents_dir: Path | None = None, max_bytes: int | None = None
) -> DocumentIngestor:
    """Uploads and removals of the corpus folder; on postgres also recorded in the
    database, where every worker replays them."""
    changes = None
    if settings.backend == "postgres":
        from service.ops.shared_corpus import SharedCorpus  # psycopg only for this backend

        changes = SharedCorpus(database_url(settings))
    return DocumentIngestor(
        Path(documents_dir or settings.documents_dir),
        settings.manifest_path,
        settings.max_upload_bytes if max_bytes is None else max_bytes,
        settings.corpus_config(),
        changes,
    )


def build_from_settings(
    settings: Settings,
    embedder: Embedder,
    *,
    documents_dir: Path | None = None,
    force: bool = False,
    progress: bool = False,
    on_stage: Callable[[str], None] | None = None,
) -> BuildSummary:
    """`reportqa index` or a worker's job: the corpus folder the settings name (with the
    uploads made through any replica replayed into it first, on postgres), built and
    published where the settings say."""
    ingestor = corpus_ingestor(settings, documents_dir)
    if ingestor.changes is not None:
        replayed = ingestor.changes.replay(ingestor)
        if replayed and on_stage is not None:
            on_stage(f"replayed {replayed} uploads and removals made through the API")
    return build_index(
        ingestor.documents_dir,
        Path(settings.index_dir),  # this machine's extraction cache lives beside it
        embedder,
        manifest_path=settings.manifest_path,
        progress=progress,
        on_stage=on_stage,
        cache_dir=embedding_cache_dir(settings),
        corpus_config=settings.corpus_config(),
        force=force,
        target=build_target(settings),
        processes=auto_processes(settings.build_processes),
    )
