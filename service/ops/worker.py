"""`reportqa worker`: builds queued in the database, run on any machine.

Replicas and `reportqa index --enqueue` queue builds (index/postgres/jobs.py); a
worker claims one, cuts, embeds (reusing every vector in the shared embedding
cache) and publishes. Replicas notice the new live build on their next poll and
swap to it themselves; nothing is reloaded by hand.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from index.embedders.base import Embedder
from index.postgres.jobs import JobQueue, QueuedJob
from service.ops.backend import build_from_settings, database_url
from service.qa import encoder
from service.settings import Settings

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_job(job: QueuedJob, settings: Settings, embedder: Embedder) -> dict[str, object]:
    """Run one claimed job; returns its result (raises on failure)."""
    if job.kind != "build":
        raise ValueError(f"unknown job kind {job.kind!r}")
    summary = build_from_settings(settings, embedder, force=bool(job.payload.get("force", False)))
    return {
        "location": summary.location,
        "index_version": summary.manifest.index_version,
        "documents": summary.documents,
        "chunks": summary.chunks,
        "encoded": summary.encoded,
        "cached": summary.cached,
        "unchanged": summary.unchanged,
        "seconds": round(summary.seconds, 2),
    }


def run_worker(
    settings: Settings,
    *,
    once: bool = False,
    poll_s: float = 5.0,
    stop: threading.Event | None = None,
) -> int:
    """Claim and run jobs until stopped (or, with `once`, until the queue is empty).

    Returns the number of jobs that failed.
    """
    queue = JobQueue(database_url(settings))
    embedder = encoder.settings_embedder(settings)
    name = worker_name()
    stop = stop or threading.Event()
    failed = 0
    log.info("worker %s waiting for jobs", name)
    while not stop.is_set():
        job = queue.claim(name)
        if job is None:
            if once:
                break
            queue.wait_for_work(poll_s)
            continue
        log.info("job %s (%s) claimed", job.job_id, job.kind)
        try:
            result = run_job(job, settings, embedder)
        except Exception as exc:  # recorded on the job; the worker goes on
            failed += 1
            log.error("job %s failed: %s", job.job_id, exc)
            queue.finish(job, error=str(exc) or type(exc).__name__)
        else:
            log.info("job %s done: %s", job.job_id, result)
            queue.finish(job, result=result)
    return failed
