"""GET /search filters and fusion parameters, and /ask request extensions (tiny corpus)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

QUERY = "When was the Beta trust launched?"


def test_search_filters_by_kind_and_date(client: TestClient) -> None:
    letters = client.get("/search", params={"q": QUERY, "kind": "inspection letter"}).json()
    assert letters["hits"] and all(h["kind"] == "inspection letter" for h in letters["hits"])
    newer = client.get("/search", params={"q": QUERY, "date_from": "2019-01-01"}).json()
    assert newer["hits"] and all(h["date"] >= "2019-01-01" for h in newer["hits"])
    older = client.get("/search", params={"q": QUERY, "date_to": "2016-01-01"}).json()
    assert older["hits"] and all(h["date"] <= "2016-01-01" for h in older["hits"])


def test_search_filters_by_document(client: TestClient) -> None:
    beta = next(d for d in client.get("/documents").json() if d["title"] == "Beta trust news")
    hits = client.get("/search", params={"q": QUERY, "doc_id": beta["doc_id"]}).json()["hits"]
    assert hits and {h["doc_id"] for h in hits} == {beta["doc_id"]}
    assert all(h["evidence_date"] == beta["date"] for h in hits)


def test_search_fusion_weights_select_one_list(client: TestClient) -> None:
    dense = client.get("/search", params={"q": QUERY, "mode": "dense", "k": 3}).json()
    weighted = client.get("/search", params={"q": QUERY, "lexical_weight": 0, "k": 3}).json()
    assert [h["chunk_id"] for h in weighted["hits"]] == [h["chunk_id"] for h in dense["hits"]]
    assert client.get("/search", params={"q": QUERY, "rrf_k": 1}).status_code == 200


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"date_from": "2020-01-01", "date_to": "2019-01-01"}, "is after date_to"),
        ({"date_from": "not-a-date"}, "date_from"),
        ({"rrf_k": 0}, "rrf_k"),
        ({"dense_weight": -1}, "dense_weight"),
    ],
)
def test_search_rejects_bad_parameters_with_422(
    client: TestClient, params: dict[str, str | int], fragment: str
) -> None:
    response = client.get("/search", params={"q": QUERY, **params})
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_ask_accepts_fusion_history_and_recency(client: TestClient) -> None:
    body = client.post(
        "/ask",
        json={
            "question": "And when was that?",
            "history": [{"role": "user", "content": "Was the Beta trust launched?"}],
            "fusion": {"k": 10, "dense_weight": 0.5, "lexical_weight": 2},
            "prefer_recent": True,
        },
    ).json()
    assert body["prefer_recent"] is True
    assert body["retrieval_query"].startswith("Was the Beta trust launched?")
    assert all("evidence_date" in c for c in body["citations"])
    bad = client.post("/ask", json={"question": "x", "fusion": {"k": 0}})
    assert bad.status_code == 422 and "fusion.k" in bad.json()["detail"]
