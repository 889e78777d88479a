"""The postgres commands: `db init/migrate/status`, `index` into the database, a removal
recorded for workers, and `index --enqueue` run by `worker --once`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from index.build import BuildSummary
from index.embedders.hashing import HashingEmbedder
from index.postgres.reader import live_documents
from index.postgres.schema import SCHEMA_VERSION
from service import cli
from service.settings import get_settings
from tests.support import postgres


@pytest.fixture()
def empty_database(postgres_server: str) -> Iterator[str]:
    with postgres.fresh_database(postgres_server) as url:
        yield url


@pytest.fixture()
def cli_on_postgres(
    cli_on_tiny: None, empty_database: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    monkeypatch.setenv("REPORTQA_BACKEND", "postgres")
    monkeypatch.setenv("REPORTQA_DATABASE_URL", empty_database)
    get_settings.cache_clear()
    yield empty_database
    get_settings.cache_clear()


def test_the_database_lifecycle_from_the_command_line(
    cli_on_postgres: str,
    tiny_index: BuildSummary,
    tiny_documents: Path,
    fake_embedder: HashingEmbedder,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = cli_on_postgres
    assert cli.main(["index", "-q"]) == 2
    assert "reportqa db init" in capsys.readouterr().err

    assert cli.main(["db", "init"]) == 0
    assert f"from version 0 to {SCHEMA_VERSION}" in capsys.readouterr().out
    assert cli.main(["db", "migrate"]) == 0
    assert f"up to date (version {SCHEMA_VERSION})" in capsys.readouterr().out
    assert cli.main(["db", "status"]) == 0
    assert "no published build" in capsys.readouterr().out

    assert cli.main(["index", "-q"]) == 0
    assert "#build-1" in capsys.readouterr().out
    indexed = live_documents(url)
    assert sorted(d.path for d in indexed.values()) == ["alpha.txt", "beta.md"]
    assert cli.main(["index", "-q"]) == 0
    assert capsys.readouterr().out.startswith("index is up to date")

    alpha = next(d for d in indexed.values() if d.path == "alpha.txt")
    assert cli.main(["remove", alpha.doc_id, "-q"]) == 0
    assert [d.path for d in live_documents(url).values()] == ["beta.md"]
    with psycopg.connect(url) as conn:  # recorded for the workers of other machines
        assert conn.execute("SELECT action, doc_id FROM corpus_changes").fetchall() == [
            ("remove", alpha.doc_id)
        ]

    assert cli.main(["index", "--enqueue", "--force"]) == 0
    assert "queued build job 1" in capsys.readouterr().out
    assert cli.main(["worker", "--once"]) == 0
    assert cli.main(["db", "status"]) == 0
    status = capsys.readouterr().out
    assert "live build: postgres://" in status and "#build-3" in status
    assert "job 1 build done" in status


def test_enqueue_needs_the_postgres_backend(
    cli_on_tiny: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["index", "--enqueue"]) == 2
    assert "--enqueue needs the postgres backend" in capsys.readouterr().err
