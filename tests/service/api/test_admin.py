"""Reload and upload over HTTP (in-process, fake embedder, tiny corpus)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index.build import BuildSummary, activate, build_index
from index.embedders.hashing import HashingEmbedder
from index.layout import DENSE_FILE, MANIFEST_FILE
from service.api.state import app_state
from service.ops.reload import EngineManager
from tests.corpus.test_sandbox import make_docx_bomb
from tests.service.api.conftest import ADMIN_KEY, KEYS, QUERY_KEY, ClientFactory, auth

ADMIN = auth(ADMIN_KEY)
NEW_TEXT = (
    "Gamma borough inspection\n\nInspectors found that the Gamma borough fostering panel "
    "met quarterly and reviewed every placement of a zephyrine kind."
)


def _manager(client: TestClient) -> EngineManager:
    manager: EngineManager = app_state(client.app).manager  # type: ignore[arg-type]
    return manager


def test_reload_without_a_new_build_changes_nothing(
    make_client: ClientFactory, tiny_index: BuildSummary
) -> None:
    client = make_client(api_keys=KEYS)
    body = client.post("/admin/reload?wait=true", headers=ADMIN).json()
    version = tiny_index.manifest.index_version
    assert body["state"] == "succeeded"
    assert body["result"] == {
        "changed": False,
        "index_version": version,
        "previous_version": version,
        "documents": tiny_index.documents,
        "chunks": tiny_index.chunks,
    }


def test_reload_serves_a_new_build(
    make_client: ClientFactory,
    tiny_index: BuildSummary,
    tiny_documents: Path,
    fake_embedder: HashingEmbedder,
) -> None:
    client = make_client(api_keys=KEYS)
    (tiny_documents / "gamma.txt").write_text(NEW_TEXT)
    rebuilt = build_index(tiny_documents, tiny_index.index_dir, fake_embedder, progress=False)
    assert rebuilt.manifest.index_version != tiny_index.manifest.index_version
    # Until reloaded, the old index is served.
    assert client.get("/health").json()["index_version"] == tiny_index.manifest.index_version

    body = client.post("/admin/reload?wait=true", headers=ADMIN).json()["result"]
    assert body["changed"] is True
    assert body["index_version"] == rebuilt.manifest.index_version
    assert body["previous_version"] == tiny_index.manifest.index_version
    assert body["documents"] == tiny_index.documents + 1
    assert client.get("/health").json()["index_version"] == rebuilt.manifest.index_version
    hits = client.get("/search", params={"q": "zephyrine"}, headers=auth(QUERY_KEY)).json()["hits"]
    assert hits[0]["title"] == "Gamma borough inspection"


def test_reload_of_a_corrupt_build_keeps_the_old_index(
    make_client: ClientFactory, tiny_index: BuildSummary, tmp_path: Path
) -> None:
    client = make_client(api_keys=KEYS)
    broken = tiny_index.build_dir.with_name("broken-build")
    shutil.copytree(tiny_index.build_dir, broken)
    faiss_file = broken / DENSE_FILE
    faiss_file.write_bytes(faiss_file.read_bytes()[:40])
    activate(tiny_index.index_dir, broken)

    response = client.post("/admin/reload?wait=true", headers=ADMIN)
    assert response.status_code == 503
    detail = response.json()["detail"]
    assert detail.startswith(
        f"reload failed, still serving index {tiny_index.manifest.index_version}:"
    )
    assert str(faiss_file) in detail
    assert client.post("/ask", json={"question": "Beta trust"}, headers=ADMIN).status_code == 200


@pytest.mark.parametrize(
    "damage",
    [
        {"documents": "five"},
        {"chunks": "5"},
        {"normalized": "yes"},
        b'{"model": "\xff\xfe"}',
    ],
    ids=["documents-a-word", "chunks-a-string", "normalized-a-string", "invalid-utf8"],
)
def test_reload_of_a_damaged_manifest_swaps_nothing(
    make_client: ClientFactory, tiny_index: BuildSummary, damage: dict[str, object] | bytes
) -> None:
    client = make_client(api_keys=KEYS)
    version = tiny_index.manifest.index_version
    broken = tiny_index.build_dir.with_name("broken-manifest")
    shutil.copytree(tiny_index.build_dir, broken)
    manifest = broken / MANIFEST_FILE
    if isinstance(damage, bytes):
        manifest.write_bytes(damage)
    else:
        manifest.write_text(json.dumps({**json.loads(manifest.read_text()), **damage}))
    activate(tiny_index.index_dir, broken)

    response = client.post("/admin/reload?wait=true", headers=ADMIN)
    assert response.status_code == 503
    assert str(manifest) in response.json()["detail"]
    health = client.get("/health")
    assert health.status_code == 200 and health.json()["index_version"] == version
    assert client.post("/ask", json={"question": "Beta trust"}, headers=ADMIN).status_code == 200


def _upload(
    client: TestClient, name: str, data: bytes, **fields: str
) -> tuple[int, dict[str, object]]:
    response = client.post(
        "/documents", files={"file": (name, data, "text/plain")}, data=fields, headers=ADMIN
    )
    return response.status_code, response.json()


def test_upload_is_stored_indexed_and_deduplicated(
    make_client: ClientFactory, tiny_documents: Path
) -> None:
    client = make_client(api_keys=KEYS)
    status, body = _upload(
        client, "../../gamma report.txt", NEW_TEXT.encode(), title="Gamma", date="2020-05-01"
    )
    assert status == 202, body
    assert body["status"] == "accepted"
    stored = tiny_documents / str(body["path"])
    assert stored.parent == tiny_documents / "uploads"  # the client's directories are ignored
    assert stored.name.startswith("gamma-report-")
    assert stored.read_bytes() == NEW_TEXT.encode()
    manifest = json.loads((tiny_documents.parent / "manifest.json").read_text())
    assert manifest["documents"][body["path"]]["title"] == "Gamma"
    assert manifest["documents"]["alpha.txt"]["title"] == "Alpha council inspection"  # kept

    # Uploading the same text again before the build finishes stores nothing.
    status, again = _upload(client, "copy.md", NEW_TEXT.encode())
    assert (status, again["status"], again["doc_id"]) == (200, "duplicate", body["doc_id"])

    manager = _manager(client)
    assert manager.wait_for_build(timeout=60)
    assert manager.last_build is not None and manager.last_build.ok
    document = client.get(f"/documents/{body['doc_id']}", headers=ADMIN).json()
    assert document["title"] == "Gamma" and document["date"] == "2020-05-01"
    status_body = client.get("/admin/status", headers=ADMIN).json()
    assert status_body["uploads_waiting"] == 0 and status_body["building"] is False
    assert status_body["index_version"] == manager.last_build.index_version

    # Text that is already indexed (a bundled file under another name) is a duplicate.
    status, dup = _upload(client, "again.txt", (tiny_documents / "alpha.txt").read_bytes())
    assert (status, dup["status"], dup["path"]) == (200, "duplicate", "alpha.txt")


def test_upload_refusals(make_client: ClientFactory, tiny_documents: Path) -> None:
    client = make_client(api_keys=KEYS, max_upload_bytes=2048)
    cases = [
        ("sheet.xlsx", b"PK\x03\x04", 415, "unsupported file type '.xlsx'"),
        ("noext", b"text", 415, "unsupported file type '(none)'"),
        ("report.pdf", b"%PDF-1.7 truncated", 415, "unreadable PDF"),
        ("nul.txt", b"abc\x00def", 415, "binary content"),
        ("blank.txt", b"   \n\n ", 422, "the file is empty"),
        ("big.txt", b"word " * 1000, 413, "limit is 2048"),
    ]
    for name, data, status, fragment in cases:
        got, body = _upload(client, name, data)
        assert (got, name) == (status, name)
        assert fragment in str(body["detail"]), body
    response = client.post(
        "/documents",
        files={"file": ("ok.txt", b"fine text", "text/plain")},
        data={"date": "yesterday"},
        headers=ADMIN,
    )
    assert response.status_code == 422 and "date" in response.json()["detail"]
    assert not (tiny_documents / "uploads").exists()


def test_html_upload_is_read_like_the_corpus(
    make_client: ClientFactory, tiny_documents: Path
) -> None:
    client = make_client(api_keys=KEYS)
    page = (
        "<html><head><title>Epsilon fostering review</title></head><body>"
        "<nav>Home | News | Subscribe to our newsletter</nav><article>"
        "<h1>Epsilon fostering review</h1>"
        "<p>The Epsilon county fostering service recruited forty new carers in 2023, "
        "inspectors said, and placements with quokka-friendly families rose.</p>"
        "<p>Leaders were praised for stable staffing across the service this year.</p>"
        "</article></body></html>"
    )
    status, body = _upload(client, "epsilon.html", page.encode())
    assert status == 202, body
    assert _manager(client).wait_for_build(timeout=60)
    document = client.get(f"/documents/{body['doc_id']}", headers=ADMIN).json()
    assert document["path"] == body["path"] and document["path"].endswith(".html")
    assert "forty new carers" in document["text"]
    assert "<p>" not in document["text"]
    hits = client.get("/search", params={"q": "quokka"}, headers=ADMIN).json()["hits"]
    assert hits and hits[0]["doc_id"] == body["doc_id"]


def test_upload_needs_admin(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    response = client.post(
        "/documents", files={"file": ("a.txt", b"text", "text/plain")}, headers=auth(QUERY_KEY)
    )
    assert response.status_code == 403
    assert make_client().post("/documents", files={"file": ("a.txt", b"x")}).status_code == 403


def test_a_zip_bomb_upload_is_refused_with_the_reason(
    make_client: ClientFactory, tiny_documents: Path, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.docx"
    make_docx_bomb(bomb, unpacked_mb=120)  # under 1 MB on the wire, over the 100 MB limit
    client = make_client(api_keys=KEYS)
    status, body = _upload(client, "report.docx", bomb.read_bytes())
    assert status == 415
    assert "zip bomb" in str(body["detail"]) and "unpacks to" in str(body["detail"])
    assert not (tiny_documents / "uploads").exists()
    # The service goes on answering.
    assert client.post("/ask", json={"question": "Beta trust"}, headers=ADMIN).status_code == 200
