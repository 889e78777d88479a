"""The postgres backend end to end, with the real model and a real PostgreSQL:
the same answers as the files backend, two `reportqa serve` replicas on one database
serving a worker's build without a reload, and a database restart survived."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from eval.datasets import read_gold
from index.build import BuildSummary, build_index
from index.embedders.sentence_transformer import SentenceTransformerEmbedder
from index.postgres.reader import PostgresIndex
from index.postgres.schema import connect, live_build, migrate
from index.postgres.writer import PostgresTarget
from service.ops.worker import run_worker
from service.qa.contract import AskRequest, AskResponse
from service.qa.engine import QAEngine
from service.settings import Settings
from tests.conftest import BUNDLED_DOCUMENTS, REPO
from tests.support import postgres
from tests.support.serving import running_server

pytestmark = pytest.mark.integration

UPLOAD = (
    "Northmoor Borough Council fostering update\n\n"
    "Published 3 March 2024.\n\n"
    "Northmoor Borough Council said its fostering panel approved 17 new foster families "
    "in the year to March 2024, the highest number since the council's service was "
    "judged good by Ofsted.\n"
)
KEY = "pg-admin-key-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {KEY}"}
UPLOAD_QUESTION = "How many new foster families did Northmoor's fostering panel approve?"


def corpus_copy(root: Path) -> Path:
    """A writable copy of the bundled corpus (documents/ and manifest.json)."""
    shutil.copytree(BUNDLED_DOCUMENTS.parent, root, ignore=shutil.ignore_patterns("*.py"))
    return root / "documents"


@pytest.fixture(scope="module")
def shared_database(postgres_server: str) -> Iterator[str]:
    with postgres.fresh_database(postgres_server) as url:
        migrate(url)
        yield url


@pytest.fixture(scope="module")
def postgres_bundled(
    shared_database: str,
    real_embedder: SentenceTransformerEmbedder,
    tmp_path_factory: pytest.TempPathFactory,
) -> BuildSummary:
    """The bundled corpus published into the database with the real model."""
    return build_index(
        BUNDLED_DOCUMENTS,
        tmp_path_factory.mktemp("pg-bundled") / "index",
        real_embedder,
        progress=False,
        target=PostgresTarget(shared_database),
    )


def _key(response: AskResponse) -> tuple[object, ...]:
    return (
        response.answered,
        response.answer,
        response.short_answer,
        [(c.doc_id, c.start, c.end) for c in response.citations],
    )


def test_gold_answers_are_identical_on_both_backends(
    bundled_engine: QAEngine,
    postgres_bundled: BuildSummary,
    shared_database: str,
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    engine = QAEngine(
        PostgresIndex.open(shared_database, real_embedder),
        real_embedder,
        bundled_engine.settings.model_copy(update={"backend": "postgres"}),
    )
    questions = [
        q
        for name in ("bundled.jsonl", "heldout.jsonl")
        for q in read_gold(REPO / "eval" / "gold" / name)
        if not q.history
    ]
    try:
        differ = []
        for q in questions:
            on_files = bundled_engine.ask(AskRequest(question=q.question))
            on_postgres = engine.ask(AskRequest(question=q.question))
            if _key(on_files) != _key(on_postgres) or on_files.confidence != pytest.approx(
                on_postgres.confidence, abs=1e-4
            ):
                differ.append(q.id)
        assert not differ, f"{len(differ)} of {len(questions)} answers differ: {differ}"
    finally:
        engine.close()


def _serve_env(url: str, documents: Path, onnx_dir: Path) -> dict[str, str]:
    return {
        "REPORTQA_BACKEND": "postgres",
        "REPORTQA_DATABASE_URL": url,
        "REPORTQA_DOCUMENTS_DIR": str(documents),
        "REPORTQA_MANIFEST_PATH": str(documents.parent / "manifest.json"),
        "REPORTQA_LIVE_BUILD_POLL_S": "0.5",
        "REPORTQA_ONNX_DIR": str(onnx_dir),
        "REPORTQA_API_KEYS": f"{KEY}:admin+query",
    }


def _cites(base: str, doc_id: str) -> bool:
    body = httpx.post(
        f"{base}/ask", json={"question": UPLOAD_QUESTION}, headers=AUTH, timeout=30
    ).json()
    return body["answered"] and any(c["doc_id"] == doc_id for c in body["citations"][:1])


def test_an_upload_to_one_replica_is_served_by_the_other_after_a_worker_publishes(
    postgres_bundled: BuildSummary, shared_database: str, tmp_path: Path, onnx_dir: Path
) -> None:
    url = shared_database
    a_docs, b_docs, worker_docs = (corpus_copy(tmp_path / name) for name in "abw")
    with (
        running_server(tmp_path / "a" / "index", _serve_env(url, a_docs, onnx_dir)) as a,
        running_server(tmp_path / "b" / "index", _serve_env(url, b_docs, onnx_dir)) as b,
    ):
        upload = httpx.post(
            f"{a.base}/documents",
            files={"file": ("northmoor-fostering.txt", UPLOAD.encode(), "text/plain")},
            headers=AUTH,
            timeout=30,
        )
        assert upload.status_code == 202, upload.text
        path, doc_id = upload.json()["path"], upload.json()["doc_id"]
        assert not _cites(b.base, doc_id)

        # A worker on a third "machine": its own corpus folder, the shared database.
        worker = Settings(
            backend="postgres",
            database_url=url,
            documents_dir=worker_docs,
            manifest_path=worker_docs.parent / "manifest.json",
            index_dir=tmp_path / "w" / "index",
            onnx_dir=onnx_dir,
        )
        assert run_worker(worker, once=True) == 0
        published = time.monotonic()
        assert (worker_docs / path).is_file()  # the upload was replayed there

        while not _cites(b.base, doc_id):
            assert time.monotonic() - published < 5, "replica B did not serve the new build"
            time.sleep(0.2)
        job = upload.json()["job"]["id"]
        deadline = time.monotonic() + 10
        while (state := httpx.get(f"{a.base}/admin/jobs/{job}", headers=AUTH).json())[
            "state"
        ] != "succeeded":
            assert time.monotonic() < deadline, f"replica A's upload job did not finish: {state}"
            time.sleep(0.2)
        assert _cites(a.base, doc_id)


def test_a_database_restart_under_load_fails_fast_and_recovers(
    real_embedder: SentenceTransformerEmbedder, tmp_path: Path, onnx_dir: Path
) -> None:
    # A server of its own: stopping the shared one would fail the other tests.
    server_url, pid = postgres.start(tmp_path / "pgdata", stop_at_exit=True)
    migrate(server_url)
    build_index(
        BUNDLED_DOCUMENTS,
        tmp_path / "build" / "index",
        real_embedder,
        progress=False,
        target=PostgresTarget(server_url),
    )
    with connect(server_url) as conn:
        published = live_build(conn)
    documents = corpus_copy(tmp_path / "corpus")
    env = _serve_env(server_url, documents, onnx_dir)
    # (seconds since start, status, seconds taken) of every request of four clients
    outcomes: list[tuple[float, int, float]] = []
    stop = threading.Event()
    begun = time.monotonic()

    def client(number: int) -> None:
        with httpx.Client(base_url=served.base, headers=AUTH, timeout=30) as http:
            asked = 0
            while not stop.is_set():
                asked += 1  # a new question each time: the answer cache must not hide it
                question = f"When did the trust launch? ({number}.{asked})"
                started = time.monotonic()
                try:
                    status = http.post("/ask", json={"question": question}).status_code
                except httpx.HTTPError:
                    status = 0  # a dropped connection: never acceptable
                outcomes.append((started - begun, status, time.monotonic() - started))

    with running_server(tmp_path / "serve" / "index", env) as served:
        clients = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for thread in clients:
            thread.start()
        try:
            time.sleep(2)
            stopped = time.monotonic() - begun
            postgres.stop(pid)
            time.sleep(4)
            server_url, pid = postgres.start(tmp_path / "pgdata", stop_at_exit=True)
            restarted = time.monotonic() - begun
            deadline = time.monotonic() + 20
            while not any(at > restarted and code == 200 for at, code, _ in outcomes):
                assert time.monotonic() < deadline, "no recovery after the restart"
                time.sleep(0.2)
            time.sleep(2)
        finally:
            stop.set()
            for thread in clients:
                thread.join(timeout=60)
    try:
        statuses = {code for _, code, _ in outcomes}
        assert statuses <= {200, 503}, statuses  # no 500, no dropped connection
        failures = [(at, took) for at, code, took in outcomes if code == 503]
        assert failures and all(stopped - 1 < at < restarted + 20 for at, _ in failures)
        took = sorted(t for _, t in failures)
        print(f"{len(failures)} 503s during the outage, median {took[len(took) // 2]:.3f} s, "
              f"slowest {took[-1]:.3f} s; {len(outcomes)} requests in all")  # fmt: skip
        assert took[-1] < 3  # fast, not a hung request
        recovered = min(at for at, code, _ in outcomes if code == 200 and at > restarted)
        assert all(code == 200 for at, code, _ in outcomes if at > recovered + 1)
        assert any(code == 200 for at, code, _ in outcomes if at < stopped)
        with connect(server_url) as conn:
            assert live_build(conn) == published  # nothing published was lost
    finally:
        postgres.stop(pid)
