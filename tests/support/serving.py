"""A real uvicorn server of the service on a free loopback port, for end-to-end tests."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from eval.server import RunningServer, free_port, index_loaded
from eval.server import running_server as launch

__all__ = ["Server", "free_port", "running_server"]

# `.base` (the URL), `.process`, `.stop()` and `.log()`.
Server = RunningServer


def running_server(
    index_dir: Path, env: dict[str, str] | None = None, startup_timeout: float = 120
) -> AbstractContextManager[Server]:
    """Run `reportqa serve` on the index at `index_dir` until the block ends.

    Args:
        index_dir: a built index.
        env: extra environment, e.g. `{"REPORTQA_CORS_ORIGINS": "http://127.0.0.1:8001"}`.
        startup_timeout: seconds to wait for /health to report the index.

    Raises:
        RuntimeError: with the end of the server's log, if it exits or is not ready in time.
    """
    return launch(index_dir, env, ready=index_loaded, timeout=startup_timeout, request_timeout=1)
