"""Background jobs of the admin API: reloads, builds, removals.

A reload warms the new index before it is served, which takes a minute or more on a
large index under load; a build takes longer. The request that starts one returns at
once with the job's id, and `GET /admin/jobs/{id}` tells how it went. Jobs live in
memory (the last `KEEP` of them): they describe this process's work, not the index.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

JobKind = Literal["reload", "build"]
JobState = Literal["queued", "running", "succeeded", "failed"]
KEEP = 100


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Job:
    id: str
    kind: JobKind
    trigger: str  # what asked for it: "api", "upload", "remove", "sighup", ...
    state: JobState = "queued"
    created_at: str = field(default_factory=_now)
    started_at: str | None = None
    finished_at: str | None = None
    seconds: float | None = None
    result: Mapping[str, object] | None = None
    error: str | None = None
    _done: threading.Event = field(default_factory=threading.Event, repr=False)
    _started: float = 0.0

    def start(self) -> None:
        self.state, self.started_at, self._started = "running", _now(), time.perf_counter()

    def finish(self, result: Mapping[str, object] | None = None, error: str | None = None) -> None:
        self.result, self.error = result, error
        self.state = "failed" if error is not None else "succeeded"
        self.finished_at = _now()
        self.seconds = round(time.perf_counter() - self._started, 2)
        self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished; False on timeout."""
        return self._done.wait(timeout)

    @property
    def finished(self) -> bool:
        return self._done.is_set()


class JobRegistry:
    """The recent jobs by id; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._ids = itertools.count(1)

    def create(self, kind: JobKind, trigger: str) -> Job:
        with self._lock:
            job = Job(id=f"{kind}-{next(self._ids)}-{int(time.time())}", kind=kind, trigger=trigger)
            self._jobs[job.id] = job
            # The oldest finished ones go; a queued or running job stays findable.
            finished = [j for j in self._jobs.values() if j.finished]
            for old in finished[: max(0, len(self._jobs) - KEEP)]:
                del self._jobs[old.id]
            return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def recent(self) -> list[Job]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def run(self, job: Job, work: Callable[[], Mapping[str, object]]) -> None:
        """Run `work` for `job` on a daemon thread; its exception fails the job."""

        def target() -> None:
            job.start()
            try:
                result = work()
            except Exception as exc:  # reported in the job; the caller already returned
                job.finish(error=str(exc) or type(exc).__name__)
            else:
                job.finish(result)

        threading.Thread(target=target, name=f"reportqa-{job.id}", daemon=True).start()
