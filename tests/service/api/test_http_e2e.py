"""End to end: the real model, a real FAISS index of the bundled corpus, a real uvicorn server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from index.build import BuildSummary
from tests.support.serving import running_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(bundled_index: BuildSummary) -> Iterator[str]:
    with running_server(bundled_index.index_dir) as running:
        yield running.base


def test_launch_question_is_answered_with_an_exact_citation(server: str) -> None:
    question = "When did Doncaster Children's Services Trust launch?"
    response = httpx.post(f"{server}/ask", json={"question": question}, timeout=60)
    assert response.status_code == 200
    body = response.json()
    assert body["answered"] is True
    assert "October 2014" in body["answer"]
    cited = next(c for c in body["citations"] if c["highlight"])
    document = httpx.get(f"{server}/documents/{cited['doc_id']}", timeout=10).json()
    assert document["title"].startswith("Ofsted upgrades Doncaster")
    assert document["text"][cited["start"] : cited["end"]] == cited["text"]
    h = cited["highlight"]
    assert cited["text"][h["start"] : h["end"]] == body["answer"]
    for citation in body["citations"]:
        doc = httpx.get(f"{server}/documents/{citation['doc_id']}", timeout=10).json()
        assert doc["text"][citation["start"] : citation["end"]] == citation["text"]


def test_placement_moves_figure(server: str) -> None:
    body = httpx.post(
        f"{server}/ask",
        json={"question": "How many children had three or more placement moves?"},
        timeout=60,
    ).json()
    assert "39" in body["answer"] and "57" in body["answer"]


def test_off_topic_question_abstains_but_returns_related_passages(server: str) -> None:
    body = httpx.post(
        f"{server}/ask", json={"question": "What is the boiling point of tungsten?"}, timeout=60
    ).json()
    assert body["answered"] is False
    assert body["answer"] is None
    assert body["citations"]


def test_malformed_request_is_422_over_http(server: str) -> None:
    response = httpx.post(f"{server}/ask", json={"question": "ok", "top_k": 500}, timeout=10)
    assert response.status_code == 422
    assert "top_k" in response.json()["detail"]
