"""Documents over their life: uploaded, replaced, removed; reloads that never block."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from index.build import BuildSummary, build_index
from index.embedders.hashing import HashingEmbedder
from service.qa.engine import QAEngine
from tests.service.api.conftest import ADMIN_KEY, KEYS, QUERY_KEY, ClientFactory, auth

ADMIN = auth(ADMIN_KEY)
FIRST = (
    "Gamma borough inspection\n\nInspectors found that the Gamma borough fostering panel "
    "met quarterly and reviewed every placement of a zephyrine kind."
)
SECOND = (
    "Gamma borough inspection (revised)\n\nInspectors found that the Gamma borough fostering "
    "panel met monthly and reviewed every placement of a quintessa kind."
)


def _finished(client: TestClient, job: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current: dict[str, Any] = client.get(f"/admin/jobs/{job['id']}", headers=ADMIN).json()
        if current["state"] in ("succeeded", "failed"):
            return current
        time.sleep(0.05)
    raise AssertionError(f"job {job['id']} did not finish in {timeout} s")


def _upload(client: TestClient, name: str, text: str, **fields: str) -> dict[str, Any]:
    response = client.post(
        "/documents",
        files={"file": (name, text.encode(), "text/plain")},
        data=fields,
        headers=ADMIN,
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    assert body["job"]["kind"] == "build"
    assert _finished(client, body["job"])["state"] == "succeeded"
    return body


def _found(client: TestClient, word: str) -> list[str]:
    hits = client.get("/search", params={"q": word}, headers=auth(QUERY_KEY)).json()["hits"]
    return [hit["doc_id"] for hit in hits if word in hit["text"]]


def _answer_cites(client: TestClient, question: str, doc_id: str) -> bool:
    body = client.post("/ask", json={"question": question}, headers=auth(QUERY_KEY)).json()
    return any(c["doc_id"] == doc_id for c in body["citations"])


def test_a_removed_upload_leaves_search_ask_and_disk(
    make_client: ClientFactory, tiny_documents: Path
) -> None:
    client = make_client(api_keys=KEYS)
    uploaded = _upload(client, "gamma.txt", FIRST)
    doc_id = uploaded["doc_id"]
    assert _found(client, "zephyrine") == [doc_id]
    assert _answer_cites(client, "How often did the Gamma fostering panel meet?", doc_id)

    response = client.delete(f"/documents/{doc_id}", headers=ADMIN)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["paths"] == [uploaded["path"]]
    assert _finished(client, body["job"])["state"] == "succeeded"

    assert _found(client, "zephyrine") == []
    assert not _answer_cites(client, "How often did the Gamma fostering panel meet?", doc_id)
    assert client.get(f"/documents/{doc_id}", headers=ADMIN).status_code == 404
    assert not (tiny_documents / uploaded["path"]).exists()  # an upload's file is deleted
    manifest = json.loads((tiny_documents.parent / "manifest.json").read_text())
    assert manifest["removed"][doc_id]["paths"] == [uploaded["path"]]

    # Uploading it again brings it back.
    again = _upload(client, "gamma.txt", FIRST)
    assert again["doc_id"] == doc_id and _found(client, "zephyrine") == [doc_id]


def test_a_removed_corpus_file_stays_on_disk_and_out_of_the_index(
    make_client: ClientFactory, tiny_documents: Path, tiny_index: BuildSummary
) -> None:
    client = make_client(api_keys=KEYS)
    documents = client.get("/documents", headers=ADMIN).json()
    alpha = next(d for d in documents if d["path"] == "alpha.txt")
    response = client.delete(f"/documents/{alpha['doc_id']}", headers=ADMIN)
    assert _finished(client, response.json()["job"])["state"] == "succeeded"
    paths = [d["path"] for d in client.get("/documents", headers=ADMIN).json()]
    assert "alpha.txt" not in paths and len(paths) == tiny_index.documents - 1
    assert (tiny_documents / "alpha.txt").is_file()  # the operator's file is not deleted


def test_replacing_a_document_swaps_its_text_in_one_build(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    first = _upload(client, "gamma.txt", FIRST)
    second = _upload(client, "gamma-v2.txt", SECOND, replaces=first["doc_id"])
    assert second["replaced"] == first["doc_id"]
    assert _found(client, "zephyrine") == []
    assert _found(client, "quintessa") == [second["doc_id"]]
    assert client.get(f"/documents/{first['doc_id']}", headers=ADMIN).status_code == 404


def test_removal_refusals(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    missing = client.delete("/documents/0123456789abcdef", headers=ADMIN)
    assert missing.status_code == 404 and "0123456789abcdef" in missing.json()["detail"]
    assert client.delete("/documents/not-an-id", headers=ADMIN).status_code == 422
    doc_id = client.get("/documents", headers=ADMIN).json()[0]["doc_id"]
    assert client.delete(f"/documents/{doc_id}", headers=auth(QUERY_KEY)).status_code == 403
    replaced = client.post(
        "/documents",
        files={"file": ("x.txt", FIRST.encode(), "text/plain")},
        data={"replaces": "0123456789abcdef"},
        headers=ADMIN,
    )
    assert replaced.status_code == 404


def test_reload_answers_at_once_and_swaps_only_when_warm(
    make_client: ClientFactory,
    tiny_index: BuildSummary,
    tiny_documents: Path,
    fake_embedder: HashingEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = make_client(api_keys=KEYS)
    old = tiny_index.manifest.index_version
    (tiny_documents / "gamma.txt").write_text(FIRST)
    new = build_index(tiny_documents, tiny_index.index_dir, fake_embedder, progress=False)

    # Loading (and warming) the new index is held until the test lets it finish.
    warmed = threading.Event()
    load = QAEngine.load.__func__  # type: ignore[attr-defined]

    def slow_load(cls: type[QAEngine], *args: Any, **kwargs: Any) -> QAEngine:
        engine: QAEngine = load(cls, *args, **kwargs)
        assert warmed.wait(30)
        return engine

    monkeypatch.setattr(QAEngine, "load", classmethod(slow_load))
    response = client.post("/admin/reload", headers=ADMIN)
    assert response.status_code == 202
    job = response.json()
    assert job["state"] in ("queued", "running") and job["result"] is None
    # Still warming: the old index serves every request.
    assert client.get("/health").json()["index_version"] == old
    assert client.post("/ask", json={"question": "Beta trust"}, headers=ADMIN).status_code == 200
    warmed.set()
    done = _finished(client, job)
    assert done["state"] == "succeeded" and done["result"]["changed"] is True
    assert client.get("/health").json()["index_version"] == new.manifest.index_version
    assert job["id"] in [j["id"] for j in client.get("/admin/jobs", headers=ADMIN).json()]
    assert client.get("/admin/jobs/reload-999-1", headers=ADMIN).status_code == 404
