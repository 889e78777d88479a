"""Swap the served index without a restart: reload, SIGHUP, background rebuilds.

Reloads and builds started over the API run as jobs (`service.ops.jobs`): the
request returns at once, and the new index is warmed before it is swapped in.

Routes take the engine from the manager once per request, so replacing that
reference is the whole swap: requests already running finish on the engine they
started with, new ones get the new engine, and the old engine is freed (its
SQLite connection closed) by the garbage collector once the last of them ends.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from index.build import build_index
from index.postgres.jobs import JobQueue
from service.ops.backend import build_target
from service.ops.jobs import Job, JobRegistry
from service.qa.engine import QAEngine
from service.settings import Settings

log = logging.getLogger(__name__)

# A replaced engine is closed (its store or connection pool released) this long after
# the swap, when every request that started on it has long finished.
RETIRE_AFTER_S = 60.0
# A published build that failed to open is tried again this often (a fix may follow).
RETRY_FAILED_BUILD_S = 60.0
QUEUE_POLL_S = 0.5


@dataclass(frozen=True)
class ReloadOutcome:
    changed: bool
    index_version: str
    previous_version: str | None
    documents: int
    chunks: int

    @classmethod
    def of(cls, serving: QAEngine, previous: str | None, changed: bool) -> ReloadOutcome:
        manifest = serving.manifest
        return cls(changed, serving.index_version, previous, manifest.documents, manifest.chunks)


@dataclass(frozen=True)
class BuildReport:
    ok: bool
    finished_at: str
    seconds: float
    index_version: str | None
    error: str | None


class EngineManager:
    """Owns the served engine: loads a fresh one and swaps the reference."""

    def __init__(self, settings: Settings, engine: QAEngine | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self._reload_lock = threading.Lock()
        self._build_state = threading.Lock()
        self._queued_build: Job | None = None  # the build that will pick up new changes
        self._builder: threading.Thread | None = None
        self.last_build: BuildReport | None = None
        self.jobs = JobRegistry()
        # Called with the new engine after each swap (e.g. to forget indexed uploads).
        self.after_swap: list[Callable[[QAEngine], None]] = []
        # Called with (outcome, trigger) after each reload: "swapped", "unchanged", "failed".
        self.on_reload: list[Callable[[str, str], None]] = []
        # postgres backend: builds are queued for workers instead of run in this process.
        self.queue: JobQueue | None = None

    @property
    def active_settings(self) -> Settings:
        """The settings the served engine was loaded with (tests may pass their own)."""
        engine = self.engine
        return engine.settings if engine is not None else self.settings

    @property
    def building(self) -> bool:
        with self._build_state:
            return self._builder is not None

    def reload(self, trigger: str = "api") -> ReloadOutcome:
        """Open the index the index directory now points to and serve it.

        Raises the index's own error (naming the file) if the new index cannot be
        opened; the engine being served is then left in place.
        """
        with self._reload_lock:
            current = self.engine
            try:
                fresh = QAEngine.load(
                    self.active_settings, embedder=current.embedder if current else None
                )
            except Exception:
                self._reloaded("failed", trigger)
                raise
            previous = current.index_version if current else None
            unchanged = current is not None and fresh.index_location == current.index_location
            if unchanged:
                fresh.close()
                serving = current
            else:
                self.engine = fresh
                serving = fresh
                if current is not None:
                    retire = threading.Timer(RETIRE_AFTER_S, current.close)
                    retire.daemon = True
                    retire.start()
                for callback in self.after_swap:
                    # The swap has happened: a failing hook (metrics, upload book-keeping)
                    # is logged, never reported as a failed reload of a served index.
                    try:
                        callback(fresh)
                    except Exception:
                        log.exception("after-swap hook %r failed", callback)
            assert serving is not None
            self._reloaded("unchanged" if unchanged else "swapped", trigger)
            log.info("index reload (%s): %s -> %s", trigger, previous, serving.index_version)
            return ReloadOutcome.of(serving, previous, changed=not unchanged)

    def _reloaded(self, outcome: str, trigger: str) -> None:
        for callback in self.on_reload:
            callback(outcome, trigger)

    def watch_live_build(self, interval_s: float, stop: threading.Event) -> threading.Thread:
        """Reload whenever another process publishes a build: every replica (postgres) or
        worker (files) serves a new build within `interval_s` plus its warm-up.

        A build that cannot be opened is reported once and tried again only every
        `RETRY_FAILED_BUILD_S`; the engine being served stays.
        """

        def watch() -> None:
            unreachable = False
            failed: str | None = None
            retry_at = 0.0
            while not stop.wait(interval_s):
                engine = self.engine
                if engine is None or time.monotonic() < retry_at:
                    continue
                try:
                    current = engine.index.is_current()
                except Exception as exc:  # the database is down: requests say 503 meanwhile
                    if not unreachable:
                        log.warning("cannot check for a new build: %s", exc)
                    unreachable = True
                    continue
                unreachable = False
                if current:
                    failed = None
                    continue
                try:
                    self.reload("published")
                    failed = None
                except Exception as exc:
                    if str(exc) != failed:
                        log.error("a newly published build cannot be served: %s", exc)
                    failed = str(exc)
                    retry_at = time.monotonic() + RETRY_FAILED_BUILD_S

        thread = threading.Thread(target=watch, name="reportqa-live-build", daemon=True)
        thread.start()
        return thread

    def reload_logged(self, trigger: str) -> None:
        """Reload, logging instead of raising (for signal handlers and threads)."""
        try:
            self.reload(trigger)
        except Exception as exc:
            log.error("index reload (%s) failed, still serving the old index: %s", trigger, exc)

    def start_reload(self, trigger: str = "api") -> Job:
        """Reload in the background (warming the new index first); returns its job."""
        job = self.jobs.create("reload", trigger)
        self.jobs.run(job, lambda: asdict(self.reload(trigger)))
        return job

    def request_build(self, trigger: str = "upload") -> Job:
        """Rebuild the index from the documents folder in a background thread, then swap.

        Changes arriving during a build (uploads, removals) join the one queued build
        after it, so every change ends up indexed without running builds in parallel;
        the job returned is the build that will include this change. On the postgres
        backend the build is queued for a worker, and the job follows it.
        """
        if self.queue is not None:
            return self._request_queued_build(self.queue, trigger)
        with self._build_state:
            if self._queued_build is not None:
                return self._queued_build
            job = self._queued_build = self.jobs.create("build", trigger)
            if self._builder is None:
                self._builder = threading.Thread(
                    target=self._build_loop, name="reportqa-index-build", daemon=True
                )
                self._builder.start()
            return job

    def _request_queued_build(self, queue: JobQueue, trigger: str) -> Job:
        queued = queue.enqueue("build", {"trigger": trigger})
        job = self.jobs.create("build", trigger)

        def follow() -> dict[str, object]:
            while True:
                state = queue.get(queued.job_id)
                if state is None or state.state in ("done", "failed"):
                    break
                time.sleep(QUEUE_POLL_S)
            if state is None or state.state == "failed":
                raise RuntimeError(
                    f"build job {queued.job_id} failed: {state.error if state else 'lost'}"
                )
            engine = self.engine
            if engine is not None and engine.index.is_current():
                # The live-build watcher has swapped already (or nothing was published):
                # no second load and warm-up of the same build.
                outcome = ReloadOutcome.of(engine, engine.index_version, changed=False)
            else:  # serve it here at once; the other replicas swap on their next poll
                outcome = self.reload("published")
            return {"database_job": queued.job_id, **(state.result or {}), **asdict(outcome)}

        self.jobs.run(job, follow)
        return job

    def wait_for_build(self, timeout: float) -> bool:
        """Block until no build is running or queued (tests, orderly shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.building:
                return True
            time.sleep(0.05)
        return False

    def _build_loop(self) -> None:
        while True:
            with self._build_state:
                job = self._queued_build
                if job is None:
                    self._builder = None
                    return
                self._queued_build = None
            self._build_once(job)

    def _build_once(self, job: Job) -> None:
        job.start()
        started = time.perf_counter()
        settings = self.active_settings
        engine = self.engine
        outcome = None
        error = None
        try:
            if engine is None:
                raise RuntimeError("no engine loaded to build with")
            summary = build_index(
                Path(settings.documents_dir),
                Path(settings.index_dir),
                engine.embedder,
                manifest_path=settings.manifest_path,
                progress=False,
                corpus_config=settings.corpus_config(),
                target=build_target(settings),
            )
            outcome = self.reload("build")
            log.info("background build finished: index %s", summary.manifest.index_version)
        except Exception as exc:  # the old index keeps serving; the status says why
            error = str(exc) or type(exc).__name__
            log.error("background index build failed, old index still served: %s", error)
        self.last_build = BuildReport(
            ok=error is None,
            finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
            seconds=round(time.perf_counter() - started, 2),
            index_version=outcome.index_version if outcome else None,
            error=error,
        )
        job.finish(asdict(outcome) if outcome else None, error)


def install_sighup(manager: EngineManager) -> Callable[[], None]:
    """Reload on SIGHUP (main thread of a running loop only); returns the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()

    def on_hangup() -> None:
        log.info("SIGHUP received: reloading the index")
        loop.run_in_executor(None, manager.reload_logged, "sighup")

    try:
        loop.add_signal_handler(signal.SIGHUP, on_hangup)
    except (NotImplementedError, RuntimeError, ValueError):  # no signals on this platform
        return lambda: None

    def undo() -> None:
        loop.remove_signal_handler(signal.SIGHUP)

    return undo
