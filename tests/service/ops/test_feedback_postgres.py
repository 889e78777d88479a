"""Answer feedback on the postgres backend: one table that every replica writes and reads.

Each store below stands for one replica; they share only the database.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path
from typing import cast

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.api.state import app_state
from service.cli import main
from service.errors import StorageFullError
from service.ops.feedback import (
    CitedSpan,
    Feedback,
    FeedbackBackend,
    FeedbackStore,
    FeedbackStoreError,
    HistoryTurn,
    open_feedback_store,
)
from service.ops.feedback_postgres import PostgresFeedbackStore
from service.settings import Settings, get_settings
from tests.service.api.conftest import (  # noqa: F401  (make_client: a fixture)
    ADMIN_KEY,
    KEYS,
    QUERY_KEY,
    ClientFactory,
    auth,
    make_client,
)

CORRECTED = Feedback(
    question="And its chief executive?",
    answer="Someone else.",
    helpful=False,
    correction="Paul Moffat",
    citations=(CitedSpan("0123456789abcdef", 10, 42),),
    history=(HistoryTurn("user", "Tell me about the trust."),),
    api_key_name="staff",
    index_version="v1",
    confidence=0.3,
)
HELPFUL = Feedback(question="When did it launch?", answer="In October 2014.", helpful=True)


def test_the_postgres_backend_keeps_feedback_in_the_database(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(backend="postgres", database_url=database_url, feedback_max_rows=7)
    store = open_feedback_store(settings)
    assert isinstance(store, PostgresFeedbackStore) and store.max_rows == 7
    assert isinstance(open_feedback_store(Settings(index_dir=tmp_path / "index")), FeedbackStore)


def test_feedback_written_by_one_replica_is_read_by_another(database_url: str) -> None:
    a, b = PostgresFeedbackStore(database_url), PostgresFeedbackStore(database_url)
    written = [a.add(CORRECTED), b.add(HELPFUL)]

    assert b.count() == 2 and a.count(helpful=True) == 1 and a.count(helpful=False) == 1
    assert b.recent() == written[::-1]
    assert a.oldest_first() == written
    assert b.recent(limit=1, offset=1, helpful=None) == written[:1]
    assert a.oldest_first(helpful=False) == written[:1]
    # Everything comes back as it was sent, in the SQLite store's forms.
    stored = b.recent(helpful=False)[0]
    assert {k: v for k, v in stored.__dict__.items() if k not in ("id", "created_at")} == (
        CORRECTED.__dict__
    )
    assert stored.created_at.endswith("+00:00") and "." not in stored.created_at
    datetime.fromisoformat(stored.created_at)


def test_a_nul_character_is_kept_as_a_replacement_character(database_url: str) -> None:
    # PostgreSQL's text cannot hold NUL; the feedback is kept rather than refused.
    store = PostgresFeedbackStore(database_url)
    record = store.add(
        Feedback(
            question="a\x00b",
            answer="",
            helpful=False,
            history=(HistoryTurn("user", "c\x00"),),
        )
    )
    assert record.question == "a\ufffdb" and record.history[0].content == "c\ufffd"


def test_the_row_bound_is_shared_and_gives_storage_full(database_url: str) -> None:
    a = PostgresFeedbackStore(database_url, max_rows=2)
    b = PostgresFeedbackStore(database_url, max_rows=2)
    a.add(HELPFUL)
    b.add(HELPFUL)
    for store in (a, b):
        with pytest.raises(StorageFullError, match="REPORTQA_FEEDBACK_MAX_ROWS"):
            store.add(HELPFUL)
    assert a.count() == 2


def test_replicas_adding_at_once_never_pass_the_bound(database_url: str) -> None:
    bound, threads = 10, 6
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def replica() -> None:
        store = PostgresFeedbackStore(database_url, max_rows=bound)
        start.wait()
        for _ in range(4):
            try:
                store.add(HELPFUL)
                outcome = "added"
            except StorageFullError:
                outcome = "full"
            with lock:
                outcomes.append(outcome)

    workers = [threading.Thread(target=replica) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert outcomes.count("added") == bound and outcomes.count("full") == 4 * threads - bound
    assert PostgresFeedbackStore(database_url).count() == bound


def test_an_unreachable_database_is_a_feedback_store_error(tmp_path: Path) -> None:
    store = PostgresFeedbackStore(f"postgresql://postgres@/postgres?host={tmp_path}")
    with pytest.raises(FeedbackStoreError, match="feedback store"):
        store.add(HELPFUL)
    with pytest.raises(FeedbackStoreError, match="feedback store"):
        store.count()


def test_export_reads_what_replicas_wrote(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    PostgresFeedbackStore(database_url).add(HELPFUL)
    PostgresFeedbackStore(database_url).add(CORRECTED)
    monkeypatch.setenv("REPORTQA_BACKEND", "postgres")
    monkeypatch.setenv("REPORTQA_DATABASE_URL", database_url)
    monkeypatch.setenv("REPORTQA_INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    out = tmp_path / "candidates.jsonl"
    try:
        assert main(["feedback", "export", "--out", str(out)]) == 0
    finally:
        get_settings.cache_clear()
    assert "wrote 2 gold candidates: 1 corrected, 1 helpful, 0 to answer" in (
        capsys.readouterr().out
    )
    lines = [json.loads(line) for line in out.read_text().splitlines() if line.startswith("{")]
    assert [(line["id"], line["answers"]) for line in lines] == [
        ("feedback-1", ["In October 2014."]),
        ("feedback-2", ["Paul Moffat"]),
    ]
    assert not (tmp_path / "index.feedback.sqlite3").exists()  # no SQLite file was made


def test_export_from_a_database_without_the_table_says_so(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP TABLE feedback")
    monkeypatch.setenv("REPORTQA_BACKEND", "postgres")
    monkeypatch.setenv("REPORTQA_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert main(["feedback", "export"]) == 2
    finally:
        get_settings.cache_clear()
    assert "reportqa db migrate" in capsys.readouterr().err


def use_store(client: TestClient, store: FeedbackBackend) -> None:
    app_state(cast(FastAPI, client.app)).feedback = store


def test_the_routes_answer_the_same_over_the_database(
    make_client: ClientFactory,  # noqa: F811
    database_url: str,
    tmp_path: Path,
) -> None:
    a, b = make_client(api_keys=KEYS), make_client(api_keys=KEYS)
    # Each app's store as on a replica of the postgres backend (the index stays on files).
    for client in (a, b):
        use_store(client, PostgresFeedbackStore(database_url, max_rows=1))
    sent = {"question": "When did the trust launch?", "answer": "In 2014.", "helpful": True}
    created = a.post("/feedback", json=sent, headers=auth(QUERY_KEY))
    assert created.status_code == 201, created.text

    listed = b.get("/admin/feedback", headers=auth(ADMIN_KEY))
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert page["total"] == 1
    [item] = page["items"]
    assert item["id"] == created.json()["id"] and item["created_at"] == created.json()["created_at"]
    assert item["api_key_name"] == "env-1"  # the query key's name

    full = b.post("/feedback", json=sent, headers=auth(QUERY_KEY))
    assert full.status_code == 507 and "REPORTQA_FEEDBACK_MAX_ROWS" in full.json()["detail"]

    nowhere = PostgresFeedbackStore(f"postgresql://postgres@/postgres?host={tmp_path}")
    use_store(a, nowhere)
    down = a.post("/feedback", json=sent, headers=auth(QUERY_KEY))
    assert down.status_code == 503 and "feedback store" in down.json()["detail"]
