"""Faults against a real `reportqa serve` process (real model, real FAISS, loopback HTTP).

A killed index build, a reload while clients keep asking, SIGHUP, and the JSON
logs with request ids. One server for the module; the tests run in file order.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from index.build import build_index
from index.embedders.sentence_transformer import SentenceTransformerEmbedder
from index.files import FilesIndex
from tests.conftest import BUNDLED_DOCUMENTS, REPO, TINY_CORPUS
from tests.service.api.conftest import ADMIN_KEY, KEYS, QUERY_KEY, auth
from tests.support.live import LiveServer, live_server

pytestmark = pytest.mark.integration

QUESTION = {"question": "When was the Beta trust launched?"}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("live")
    shutil.copytree(TINY_CORPUS, root / "tiny")
    return root


@pytest.fixture(scope="module")
def index_dir(workdir: Path, real_embedder: SentenceTransformerEmbedder) -> Path:
    out = workdir / "var" / "index"
    build_index(workdir / "tiny" / "documents", out, real_embedder, progress=False)
    return out


@pytest.fixture(scope="module")
def server(workdir: Path, index_dir: Path) -> Iterator[LiveServer]:
    env = {
        "REPORTQA_API_KEYS": KEYS,
        "REPORTQA_DOCUMENTS_DIR": str(workdir / "tiny" / "documents"),
        "REPORTQA_LOG_FORMAT": "json",
        # Only the reloads these tests ask for: the published-build watcher (tested in
        # test_workers) would otherwise race them to each new build.
        "REPORTQA_LIVE_BUILD_POLL_S": "3600",
    }
    with live_server(index_dir, workdir / "server.log", env) as running:
        yield running


def _version(server: LiveServer) -> str:
    return str(httpx.get(f"{server.url}/health", timeout=10).json()["index_version"])


def _rebuild_with(
    workdir: Path, index_dir: Path, embedder: SentenceTransformerEmbedder, name: str, text: str
) -> str:
    (workdir / "tiny" / "documents" / name).write_text(text)
    summary = build_index(workdir / "tiny" / "documents", index_dir, embedder, progress=False)
    return summary.manifest.index_version


def test_json_logs_carry_the_request_id_and_never_a_key(server: LiveServer) -> None:
    response = httpx.post(
        f"{server.url}/ask",
        json=QUESTION,
        headers={**auth(QUERY_KEY), "X-Request-ID": "live-trace-1"},
        timeout=60,
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "live-trace-1"
    refused = httpx.post(
        f"{server.url}/ask", json=QUESTION, headers=auth("wrong-key-but-long-enough"), timeout=10
    )
    assert refused.status_code == 401
    time.sleep(0.5)  # let the log line reach the file
    records = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    access = [r for r in records if r.get("logger") == "reportqa.access"]
    mine = [r for r in access if r.get("request_id") == "live-trace-1"]
    assert len(mine) == 1
    assert mine[0]["route"] == "/ask" and mine[0]["status"] == 200
    assert mine[0]["api_key_name"] == "env-1"
    assert {"time", "level", "message", "duration_ms"} <= set(mine[0])
    assert any(r["status"] == 401 and r["request_id"] != "-" for r in access)
    log = server.log()
    for secret in (QUERY_KEY, ADMIN_KEY, "wrong-key-but-long-enough"):
        assert secret not in log


def test_killed_build_leaves_the_old_index_serving(
    server: LiveServer, workdir: Path, index_dir: Path, real_embedder: SentenceTransformerEmbedder
) -> None:
    before = _version(server)
    live_target = index_dir.resolve()
    # The bundled corpus and 30 reports of random words: several seconds of embedding
    # even with the ONNX encoder, long enough to be killed midway.
    corpus = workdir / "corpus"
    shutil.copytree(BUNDLED_DOCUMENTS.parent, corpus, ignore=shutil.ignore_patterns("*.py"))
    words = (corpus / "documents" / "000_ca562bd637e8cb9e.txt").read_text().split()
    rng = random.Random(7)
    for n in range(30):
        text = " ".join(rng.choice(words) for _ in range(2000))
        (corpus / "documents" / f"filler-{n:02d}.txt").write_text(f"Filler {n}\n\n{text}.")
    build = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli",
            "index",
            "--documents",
            str(corpus / "documents"),
            "--out",
            str(index_dir),
        ],
        cwd=REPO,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
        stderr=subprocess.PIPE,
        text=True,
    )
    assert build.stderr is not None
    seen = []
    try:
        for line in build.stderr:  # "cut N chunks" is printed just before embedding starts
            seen.append(line)
            if line.startswith("cut "):
                break
        else:
            pytest.fail(f"build ended before embedding:\n{''.join(seen)}")
        time.sleep(1.0)
        assert build.poll() is None, "the build finished before it could be killed"
        build.send_signal(signal.SIGKILL)
    finally:
        build.kill()
        build.wait(timeout=30)
    assert build.returncode == -signal.SIGKILL

    # The live link is untouched, the old build still opens, the server still answers.
    assert index_dir.resolve() == live_target
    reopened = FilesIndex.open(index_dir, real_embedder)
    assert reopened.manifest.index_version == before
    reopened.close()
    response = httpx.post(f"{server.url}/ask", json=QUESTION, headers=auth(QUERY_KEY), timeout=60)
    assert response.status_code == 200 and response.json()["index_version"] == before
    reload = httpx.post(f"{server.url}/admin/reload?wait=true", headers=auth(ADMIN_KEY), timeout=60)
    assert reload.json()["result"]["changed"] is False


def test_reload_under_load_drops_no_request(
    server: LiveServer, workdir: Path, index_dir: Path, real_embedder: SentenceTransformerEmbedder
) -> None:
    old = _version(server)
    outcomes: list[tuple[float, int, str | None]] = []
    stop = threading.Event()

    def ask_repeatedly() -> None:
        with httpx.Client(base_url=server.url, headers=auth(QUERY_KEY), timeout=60) as client:
            while not stop.is_set():
                sent = time.monotonic()
                try:
                    response = client.post("/ask", json=QUESTION)
                    version = response.json().get("index_version")
                    outcomes.append((sent, response.status_code, version))
                except httpx.HTTPError as exc:
                    outcomes.append((sent, 0, type(exc).__name__))

    clients = [threading.Thread(target=ask_repeatedly) for _ in range(4)]
    for thread in clients:
        thread.start()
    try:
        time.sleep(1.5)
        new = _rebuild_with(
            workdir,
            index_dir,
            real_embedder,
            "gamma.txt",
            "Gamma borough news\n\nThe Gamma borough trust opened a new family centre in 2021.",
        )
        reload = httpx.post(
            f"{server.url}/admin/reload?wait=true", headers=auth(ADMIN_KEY), timeout=60
        )
        reloaded_at = time.monotonic()
        time.sleep(1.5)
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=60)

    assert reload.status_code == 200
    assert reload.json()["result"]["changed"] is True
    result = reload.json()["result"]
    assert (result["previous_version"], result["index_version"]) == (old, new)
    failures = [o for o in outcomes if o[1] != 200]
    assert not failures, failures[:5]
    assert {version for _, _, version in outcomes} == {old, new}
    assert all(version == new for sent, _, version in outcomes if sent > reloaded_at)


def test_sighup_reloads_the_index(
    server: LiveServer, workdir: Path, index_dir: Path, real_embedder: SentenceTransformerEmbedder
) -> None:
    new = _rebuild_with(
        workdir,
        index_dir,
        real_embedder,
        "delta.txt",
        "Delta council letter\n\nThe Delta council adoption service was judged good in 2022.",
    )
    assert _version(server) != new
    server.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while _version(server) != new:
        assert time.monotonic() < deadline, "SIGHUP did not reload the index"
        time.sleep(0.2)
    assert server.process.poll() is None  # still running
    # The reload is logged once the swap and its hooks are done, just after /health
    # shows the new version.
    while "index reload (sighup)" not in server.log():
        assert time.monotonic() < deadline, "the SIGHUP reload was not logged"
        time.sleep(0.2)
