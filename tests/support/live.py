"""Start `reportqa serve` as a real subprocess on a free loopback port (test helper)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from eval.server import RunningServer, free_port, running_server

__all__ = ["LiveServer", "free_port", "live_server", "thread_server"]

# `.url`, `.process`, `.log_path` and `.log()` (everything the server printed).
LiveServer = RunningServer


def live_server(
    index_dir: Path, log_path: Path, env: dict[str, str] | None = None, timeout: float = 180
) -> AbstractContextManager[LiveServer]:
    """Run the real CLI server until /ready answers; its output (the JSON logs) goes to
    `log_path`. Raises RuntimeError with the log's end if it exits or is not ready in time."""
    offline = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return running_server(
        index_dir,
        {**offline, **(env or {})},
        log_path=log_path,
        ready_path="/ready",
        timeout=timeout,
    )


@contextmanager
def thread_server(app: object, **options: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn in a thread on a free loopback port (fast tests).

    `options` are more `uvicorn.Config` arguments (e.g. `serve`'s connection limits).
    """
    import threading

    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", **options)  # type: ignore[arg-type]
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the in-thread server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
