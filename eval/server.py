"""Run `reportqa serve` as a real subprocess on a free loopback port, for a `with` block.

Used by the HTTP section of `reportqa bench` and by the end-to-end tests:

    with running_server(index_dir, {"REPORTQA_LOG_LEVEL": "warning"}) as server:
        httpx.post(f"{server.base}/ask", json={"question": "..."})

The server's output goes to a log file (an unread pipe could fill and stall it). The
block starts once a readiness URL answers; a server that exits first, or is not ready
in time, raises RuntimeError with the end of its log. On leaving the block the process
is terminated, and killed if it does not stop.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent

Ready = Callable[[httpx.Response], bool]


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def status_ok(response: httpx.Response) -> bool:
    """Ready when the URL answers 200 (e.g. /ready)."""
    return response.status_code == 200


def index_loaded(response: httpx.Response) -> bool:
    """Ready when /health names an index version, i.e. the index is loaded."""
    try:
        return bool(response.json().get("index_version"))
    except ValueError:
        return False


@dataclass
class RunningServer:
    base: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return self.base

    def log(self) -> str:
        """Everything the server has printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 30) -> None:
        """Terminate the server (kill it if it does not stop in `timeout` s); idempotent."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def running_server(
    index_dir: Path,
    env: Mapping[str, str] | None = None,
    *,
    log_path: Path | None = None,
    ready_path: str = "/health",
    ready: Ready = status_ok,
    timeout: float = 180,
    request_timeout: float = 2,
    log_tail: int = 3000,
) -> Iterator[RunningServer]:
    """Serve the index at `index_dir` until the block ends.

    Args:
        index_dir: a built index (REPORTQA_INDEX_DIR).
        env: extra environment on top of this process's, e.g. REPORTQA_* settings.
        log_path: where the server's stdout and stderr go (default: a temporary file,
            removed afterwards).
        ready_path, ready: the URL polled, and the test of its response.
        timeout: seconds to wait for readiness.
        request_timeout: seconds for each readiness request.
        log_tail: characters of the log quoted when the server fails to start.
    """
    port = free_port()
    full_env = {**os.environ, "REPORTQA_INDEX_DIR": str(index_dir), **(env or {})}
    scratch = None
    if log_path is None:
        handle, name = tempfile.mkstemp(prefix="reportqa-serve-", suffix=".log")
        os.close(handle)
        log_path = scratch = Path(name)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=REPO, env=full_env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = RunningServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_until_ready(server, ready_path, ready, timeout, request_timeout, log_tail)
        yield server
    finally:
        server.stop()
        if scratch is not None:
            scratch.unlink(missing_ok=True)


def _wait_until_ready(
    server: RunningServer,
    path: str,
    ready: Ready,
    timeout: float,
    request_timeout: float,
    log_tail: int,
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        code = server.process.poll()
        if code is not None:
            raise RuntimeError(
                f"server exited early (exit code {code}):\n{server.log()[-log_tail:]}"
            )
        try:
            if ready(httpx.get(f"{server.base}{path}", timeout=request_timeout)):
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"server not ready ({path}) in {timeout:.0f} s:\n{server.log()[-log_tail:]}"
            )
        time.sleep(0.3)
