"""Reads from a hot standby (REPORTQA_DATABASE_READ_URL): searches are served there,
writes are refused there, and a build published on the primary reaches it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from index.build import build_index
from index.embedders.hashing import HashingEmbedder
from index.postgres.reader import PostgresIndex
from index.postgres.writer import PostgresTarget
from tests.conftest import BUNDLED_DOCUMENTS
from tests.support import postgres


@pytest.fixture()
def standby_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A standby of the test server, pointed at the test's database."""
    url, pid = postgres.start_standby(database_url, tmp_path / "standby" / "data")
    try:
        name = str(psycopg.conninfo.conninfo_to_dict(database_url)["dbname"])
        yield postgres.with_database(url, name)
    finally:
        postgres.stop(pid)


def test_reads_go_to_the_standby_and_see_new_builds(
    database_url: str, standby_url: str, fake_embedder: HashingEmbedder, tmp_path: Path
) -> None:
    target = PostgresTarget(database_url)
    build_index(BUNDLED_DOCUMENTS, tmp_path / "index", fake_embedder, progress=False, target=target)
    deadline = time.monotonic() + 10
    while True:  # the standby replays the primary's WAL within milliseconds
        try:
            on_standby = PostgresIndex.open(database_url, fake_embedder, read_url=standby_url)
            break
        except Exception:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    on_primary = PostgresIndex.open(database_url, fake_embedder)
    try:
        vector = fake_embedder.encode(["placement moves"])[0]
        assert on_standby.dense_search(vector, 5) == on_primary.dense_search(vector, 5)
        assert on_standby.lexical_search("Ofsted inadequate", 5) == on_primary.lexical_search(
            "Ofsted inadequate", 5
        )
        with psycopg.connect(standby_url) as conn:
            assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                conn.execute("DELETE FROM jobs")

        build_index(
            BUNDLED_DOCUMENTS,
            tmp_path / "index",
            fake_embedder,
            progress=False,
            target=target,
            force=True,
        )
        deadline = time.monotonic() + 5
        while on_standby.is_current():
            assert time.monotonic() < deadline, "the standby never saw the new build"
            time.sleep(0.05)
    finally:
        on_standby.close()
        on_primary.close()
