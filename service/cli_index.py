"""The commands that write the index: `index`, `remove`, `db` and `worker`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from corpus.models import Document
from service.settings import Settings

SettingsOf = Callable[[argparse.Namespace], Settings]


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    if args.enqueue:
        from index.postgres.jobs import JobQueue
        from service.ops.backend import database_url

        if settings.backend != "postgres":
            print("reportqa: --enqueue needs the postgres backend", file=sys.stderr)
            return 2
        job = JobQueue(database_url(settings)).enqueue("build", {"force": args.force})
        print(f"queued build job {job.job_id}: a `reportqa worker` runs it")
        return 0
    return build(settings, Path(args.documents or settings.documents_dir), args)


def build(settings: Settings, documents_dir: Path, args: argparse.Namespace) -> int:
    from service.ops.backend import build_from_settings
    from service.qa.encoder import settings_embedder

    summary = build_from_settings(
        settings,
        settings_embedder(settings),
        documents_dir=documents_dir,
        force=args.force,
        progress=not args.quiet,
        on_stage=lambda message: print(message, file=sys.stderr),
    )
    if summary.unchanged:
        print(
            f"index is up to date: nothing changed since version "
            f"{summary.manifest.index_version} ({summary.documents} documents, "
            f"{summary.chunks} chunks); --force rebuilds it anyway"
        )
        return 0
    print(
        f"indexed {summary.documents} documents, {summary.chunks} chunks in "
        f"{summary.seconds:.1f} s -> {summary.location} "
        f"(version {summary.manifest.index_version})"
    )
    print(f"chunks encoded: {summary.encoded}, from the embedding cache: {summary.cached}")
    print("\n".join(summary.report.summary_lines()))
    if args.explain:
        print("\nremovals and near-duplicates:")
        print("\n".join(summary.report.explain_lines()) or "  (none)")
    return 0


def _indexed_documents(settings: Settings) -> dict[str, Document]:
    """The live build's documents, read without loading the model."""
    if settings.backend == "postgres":
        from index.postgres.reader import live_documents
        from service.ops.backend import database_url

        return live_documents(database_url(settings))
    from index.layout import STORE_FILE
    from index.manifest import Manifest
    from index.store import Store

    index_dir = Path(settings.index_dir)
    manifest = Manifest.read(index_dir)
    store = Store(index_dir.resolve() / manifest.files.get("store", STORE_FILE))
    try:
        return {d.doc_id: d for d in store.documents()}
    finally:
        store.close()


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    indexed = _indexed_documents(settings)
    missing = [doc_id for doc_id in args.doc_ids if doc_id not in indexed]
    if missing:
        where = settings.backend if settings.backend == "postgres" else settings.index_dir
        print(f"reportqa: no document {', '.join(missing)} in {where}", file=sys.stderr)
        return 2
    from service.ops.backend import corpus_ingestor

    documents_dir = Path(settings.documents_dir)
    ingestor = corpus_ingestor(settings, documents_dir)
    for doc_id in args.doc_ids:
        document = indexed[doc_id]
        removed = ingestor.remove(document)
        print(f"removed {removed.doc_id} ({document.title}): {', '.join(removed.paths)}")
    if args.no_build:
        print("not rebuilt (--no-build): the next `reportqa index` leaves them out")
        return 0
    code = build(settings, documents_dir, args)
    if settings.backend == "files":
        print("a running server serves the new index after POST /admin/reload or SIGHUP")
    return code


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from index.postgres.jobs import JobQueue
    from index.postgres.schema import (
        SCHEMA_VERSION,
        connect,
        describe,
        live_build,
        migrate,
        schema_version,
    )
    from service.ops.backend import database_url

    url = database_url(settings)
    if args.db_command in ("init", "migrate"):
        before, after = migrate(url)
        if before == after:
            print(f"database schema is up to date (version {after})")
        else:
            print(f"database schema migrated from version {before} to {after}")
        return 0
    with connect(url) as conn:
        version = schema_version(conn)
        live = live_build(conn) if version else None
    print(f"schema version {version} (this program: {SCHEMA_VERSION})")
    if live is None:
        print("no published build")
    else:
        build_no, manifest = live
        print(
            f"live build: {describe(url, build_no)}, version {manifest.index_version}, "
            f"{manifest.documents} documents, {manifest.chunks} chunks, built {manifest.built_at}"
        )
    if version:
        for job in JobQueue(url).recent(10):
            detail = job.error or job.result or ""
            print(f"job {job.job_id} {job.kind} {job.state} {job.worker or ''} {detail}")
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from service.ops.worker import run_worker

    failed = run_worker(settings, once=args.once, poll_s=args.poll)
    return 1 if failed else 0


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    settings_of: SettingsOf,
) -> None:
    """Register the commands; each handler gets the parsed args and the settings."""

    def run(handler: Callable[[argparse.Namespace, Settings], int]) -> Callable[..., int]:
        return lambda args: handler(args, settings_of(args))

    p = sub.add_parser("index", help="build the index from the corpus")
    p.add_argument("--documents", type=Path, help="documents folder (default corpus/documents)")
    p.add_argument("--out", dest="index_dir", type=Path, help="index location (default var/index)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--explain", action="store_true", help="list every removal and near-duplicate, with why"
    )
    p.add_argument(
        "--force", action="store_true", help="rebuild even when nothing changed since the last"
    )
    p.add_argument("--enqueue", action="store_true", help="postgres: queue the build for a worker")
    p.set_defaults(func=run(cmd_index))

    p = sub.add_parser(
        "remove", help="take documents out of the corpus (recorded in its manifest), then rebuild"
    )
    p.add_argument("doc_ids", nargs="+", metavar="DOC_ID", help="16 hex digits, as in citations")
    p.add_argument("--index", dest="index_dir", type=Path, help="index location")
    p.add_argument("--no-build", action="store_true", help="record the removal only")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run(cmd_remove), force=False, explain=False)

    p = sub.add_parser("db", help="postgres backend: create, migrate or inspect the database")
    p.add_argument(
        "db_command",
        choices=["init", "migrate", "status"],
        help="init/migrate: bring the schema to this version; status: schema, build, jobs",
    )
    p.set_defaults(func=run(cmd_db))

    p = sub.add_parser("worker", help="postgres backend: run queued builds")
    p.add_argument("--once", action="store_true", help="stop when the queue is empty")
    p.add_argument(
        "--poll", type=float, default=5.0, help="seconds between queue checks (default 5)"
    )
    p.set_defaults(func=run(cmd_worker))
