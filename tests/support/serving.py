"""A real uvicorn server of the service on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@contextmanager
def running_server(
    index_dir: Path, env: dict[str, str] | None = None, startup_timeout: float = 120
) -> Iterator[Server]:
    """Run `reportqa serve` on the index at `index_dir` until the block ends.

    Args:
        index_dir: a built index.
        env: extra environment, e.g. `{"REPORTQA_CORS_ORIGINS": "http://127.0.0.1:8001"}`.
        startup_timeout: seconds to wait for /health to report the index.
    """
    port = free_port()
    full_env = {**os.environ, "REPORTQA_INDEX_DIR": str(index_dir), **(env or {})}
    # A file, not a pipe: an unread pipe fills up and blocks a chatty server.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "service.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=REPO,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = Server(base=f"http://127.0.0.1:{port}", process=process)
        deadline = time.monotonic() + startup_timeout
        try:
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    pytest.fail(f"server exited early:\n{output}")
                try:
                    if httpx.get(f"{server.base}/health", timeout=1).json().get("index_version"):
                        break
                except httpx.HTTPError:
                    time.sleep(0.3)
            else:
                pytest.fail(f"server did not become healthy in {startup_timeout:.0f} s")
            yield server
        finally:
            server.stop()
