"""GET /search paging (`offset`, `has_more`) and `score_normalised`, on a corpus of 14 reports."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.qa.assemble import normalised_score
from tests.conftest import TINY_CORPUS
from tests.service.api.conftest import ClientFactory

QUERY = "children's services trust inspection"
PLACES = ["Carrow", "Denby", "Elston", "Farley", "Gorton", "Hatfield", "Ilkley", "Jarrow"]
PLACES += ["Keswick", "Lydney", "Morley", "Nelson"]
# Each report says something else, so near-duplicate removal keeps them all.
FINDINGS = [
    "caseloads fell after new social workers were recruited",
    "adoption waits were the shortest in the region",
    "leaders did not know how many children were missing from care",
    "care leavers praised the support with housing and jobs",
    "the front door service made decisions within a day",
    "foster carers said training had improved",
    "child protection plans lacked clear timescales",
    "independent reviewing officers challenged drift",
    "the council spent less on agency staff than before",
    "young people helped to choose the new director",
    "health assessments for looked-after children were late",
    "the virtual school raised attendance",
]


@pytest.fixture()
def tiny_documents(tmp_path: Path) -> Path:
    """The tiny corpus plus twelve short reports, so that a query has several pages."""
    target = tmp_path / "tiny"
    shutil.copytree(TINY_CORPUS, target)
    documents = target / "documents"
    for n, (place, finding) in enumerate(zip(PLACES, FINDINGS, strict=True)):
        (documents / f"report-{n:02d}.txt").write_text(
            f"{place} children's services\n\n"
            f"The {place} trust inspection took place in {2010 + n}. Inspectors found that "
            f"{finding}.\n",
            encoding="utf-8",
        )
    return documents


@pytest.fixture()
def client(make_client: ClientFactory) -> TestClient:
    return make_client()


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/search", params={"q": QUERY, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


MODES = ["hybrid", "lexical", "dense"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("prefer_recent", [False, True])
def test_page_two_continues_page_one(client: TestClient, mode: str, prefer_recent: bool) -> None:
    params = {"mode": mode, "prefer_recent": prefer_recent, "k": 4}
    whole = search(client, **{**params, "k": 12})
    first = search(client, **params)
    second = search(client, **params, offset=4)
    assert len(whole["hits"]) == 12 and whole["has_more"] is True
    assert first["offset"] == 0 and second["offset"] == 4
    assert [h["rank"] for h in first["hits"]] == [1, 2, 3, 4]
    assert [h["rank"] for h in second["hits"]] == [5, 6, 7, 8]
    ids = [h["chunk_id"] for h in first["hits"] + second["hits"]]
    assert len(set(ids)) == 8  # no overlap
    assert ids == [h["chunk_id"] for h in whole["hits"][:8]]  # and no gap: one ranking
    # Normalised scores are relative to rank 1 on every page, so pages compare.
    assert [h["score_normalised"] for h in first["hits"] + second["hits"]] == [
        h["score_normalised"] for h in whole["hits"][:8]
    ]
    assert first["has_more"] is True and second["has_more"] is True


@pytest.mark.parametrize("mode", MODES)
def test_has_more_turns_false_on_the_last_page(client: TestClient, mode: str) -> None:
    everything = search(client, mode=mode, k=50)
    total = len(everything["hits"])
    assert total >= 3 and everything["has_more"] is False
    last = search(client, mode=mode, k=2, offset=total - 2)
    assert last["has_more"] is False
    assert [h["rank"] for h in last["hits"]] == [total - 1, total]
    assert search(client, mode=mode, k=2, offset=total - 3)["has_more"] is True
    beyond = search(client, mode=mode, k=5, offset=total)
    assert beyond["hits"] == [] and beyond["has_more"] is False


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("prefer_recent", [False, True])
def test_normalised_scores_are_a_share_of_the_top_score(
    client: TestClient, mode: str, prefer_recent: bool
) -> None:
    hits = search(client, mode=mode, prefer_recent=prefer_recent, k=20)["hits"]
    assert hits[0]["score_normalised"] == 1.0
    normalised = [h["score_normalised"] for h in hits]
    assert all(0.0 <= s <= 1.0 for s in normalised)
    assert normalised == sorted(normalised, reverse=True)
    top = hits[0]["score"]
    for hit in hits:
        # Both are rounded to 6 decimals, an RRF score to 4 significant digits.
        assert hit["score_normalised"] == pytest.approx(max(hit["score"], 0) / top, rel=1e-4)


def test_scores_differ_in_scale_by_mode(client: TestClient) -> None:
    """What the score field's description says of each mode."""
    hybrid = search(client, mode="hybrid")["hits"]
    assert hybrid[0]["score"] <= 2 / 61 + 1e-6  # RRF: (1 + 1) / (rrf_k + 1) at most
    dense = search(client, mode="dense")["hits"]
    assert all(-1.0 <= h["score"] <= 1.0 + 1e-6 for h in dense)  # cosine
    recent = search(client, mode="lexical", prefer_recent=True)["hits"]
    assert all(0 <= h["score"] <= 1.15 + 1e-6 for h in recent)  # share of best + recency


@pytest.mark.parametrize("offset", ["-1", "501", "x", "1.5"])
def test_an_invalid_offset_is_422(client: TestClient, offset: str) -> None:
    response = client.get("/search", params={"q": QUERY, "offset": offset})
    assert response.status_code == 422
    assert "offset" in response.json()["detail"]


def test_the_largest_offset_is_accepted(client: TestClient) -> None:
    body = search(client, offset=500, k=50)
    assert body["hits"] == [] and body["offset"] == 500 and body["has_more"] is False


def test_normalising_without_a_positive_best_score_keeps_the_order() -> None:
    # Only a cosine can be 0 or below; dividing by a negative best would flip the order.
    assert normalised_score(-0.2, -0.2) == 1.0 and normalised_score(-0.3, -0.2) == 0.0
    assert normalised_score(-0.1, 0.5) == 0.0 and normalised_score(0.25, 0.5) == 0.5
