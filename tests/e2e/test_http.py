"""End to end: the real model, a real FAISS index of the bundled corpus, a real uvicorn server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from index.build import BuildSummary
from tests.conftest import REPO

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(bundled_index: BuildSummary) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "REPORTQA_INDEX_DIR": str(bundled_index.index_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                output = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"server exited early:\n{output}")
            try:
                if httpx.get(f"{base}/health", timeout=1).json().get("index_version"):
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("server did not become healthy in 120 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


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
