"""API contract tests in-process (fake embedder, tiny corpus): validation and errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_ask_returns_answer_and_exact_citations(client: TestClient) -> None:
    response = client.post("/ask", json={"question": "When was the Beta trust launched?"})
    assert response.status_code == 200
    body = response.json()
    assert body["answered"] is True
    assert "March 2016" in body["answer"]
    assert body["index_version"]
    for citation in body["citations"]:
        doc = client.get(f"/documents/{citation['doc_id']}").json()
        assert doc["text"][citation["start"] : citation["end"]] == citation["text"]
    cited = next(c for c in body["citations"] if c["highlight"])
    h = cited["highlight"]
    assert cited["text"][h["start"] : h["end"]] == body["answer"]


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({}, "question: Field required"),
        ({"question": ""}, "question: String should have at least 1 character"),
        ({"question": "   "}, "question: Value error, must contain non-whitespace text"),
        ({"question": "\x1c\ufeff"}, "question: Value error, must contain non-whitespace text"),
        ({"question": "x" * 2001}, "question: String should have at most 2000 characters"),
        ({"question": "ok", "top_k": 0}, "top_k: Input should be greater than or equal to 1"),
        ({"question": "ok", "top_k": 51}, "top_k: Input should be less than or equal to 50"),
        ({"question": "ok", "colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"question": 5}, "question: Input should be a valid string"),
        # JSON booleans are not numbers, nor numbers booleans (found by the schema fuzzer).
        ({"question": "ok", "top_k": True}, "top_k: Value error, must be a number"),
        ({"question": "ok", "fusion": {"dense_weight": False}}, "dense_weight: Value error"),
        ({"question": "ok", "prefer_recent": 0}, "prefer_recent: Input should be a valid boolean"),
        (
            {"question": "ok", "filters": {"date_from": "2020-02-01", "date_to": "2020-01-01"}},
            "date_from 2020-02-01 is after date_to 2020-01-01",
        ),
    ],
)
def test_malformed_ask_is_422_naming_the_problem(
    client: TestClient, payload: dict[str, object], fragment: str
) -> None:
    response = client.post("/ask", json=payload)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_invalid_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/ask", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "JSON" in response.json()["detail"]


def test_unknown_and_malformed_document_ids(client: TestClient) -> None:
    assert client.get("/documents/" + "0" * 16).status_code == 404
    assert "no document" in client.get("/documents/" + "0" * 16).json()["detail"]
    assert client.get("/documents/..%2F..%2Fetc%2Fpasswd").status_code in (404, 422)
    assert client.get("/documents/XYZ").status_code == 422


def test_search_and_documents_and_health(client: TestClient) -> None:
    hits = client.get("/search", params={"q": "adoption", "k": 2}).json()["hits"]
    assert hits and hits[0]["title"] == "Alpha council inspection"
    assert client.get("/search", params={"q": "x", "k": 0}).status_code == 422
    # A date is YYYY-MM-DD text, never a Unix time (found by the schema fuzzer).
    assert client.get("/search", params={"q": "x", "date_to": "0"}).status_code == 422
    assert client.get("/search", params={"q": "x", "date_to": "2020-01-01"}).status_code == 200
    assert client.get("/search", params={"q": "x", "doc_id": "true"}).status_code == 422
    docs = client.get("/documents").json()
    assert {d["title"] for d in docs} == {"Alpha council inspection", "Beta trust news"}
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["documents"] == 2
