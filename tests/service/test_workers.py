"""Several uvicorn workers serve one index: a build published by any process (here
`reportqa index`) reaches every worker on its own, with the real model and server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from eval.server import running_server
from tests.conftest import REPO, TINY_CORPUS

pytestmark = pytest.mark.integration

NEW_LETTER = (
    "Kestrelford Borough Council was inspected in March 2024. Inspectors judged its "
    "fostering service outstanding and praised the new family hubs.\n"
)


def _index(documents: Path, out: Path, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "index", "--documents", str(documents),
         "--out", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]


def _versions(base: str, n: int) -> set[str]:
    """The index versions `n` fresh connections are answered with (any worker)."""
    seen = set()
    for _ in range(n):
        with httpx.Client(base_url=base, timeout=5) as client:  # a new connection each time
            seen.add(client.get("/health").json()["index_version"])
    return seen


def test_every_worker_serves_a_build_published_by_another_process(
    tmp_path: Path, onnx_dir: Path
) -> None:
    documents = tmp_path / "corpus"
    shutil.copytree(TINY_CORPUS / "documents", documents)
    index_dir = tmp_path / "var" / "index"
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "REPORTQA_ONNX_DIR": str(onnx_dir),
        "REPORTQA_DOCUMENTS_DIR": str(documents),
    }
    _index(documents, index_dir, env)
    first = index_dir.resolve().name
    serving = {"REPORTQA_WORKERS": "2", "REPORTQA_LIVE_BUILD_POLL_S": "0.5"}
    with running_server(index_dir, {**env, **serving}) as server:
        before = _versions(server.base, 20)
        assert len(before) == 1
        (documents / "kestrelford.txt").write_text(NEW_LETTER, encoding="utf-8")
        _index(documents, index_dir, env)
        assert index_dir.resolve().name != first
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            after = _versions(server.base, 20)
            if len(after) == 1 and after != before:
                break
            time.sleep(0.5)
        # Twenty fresh connections in a row, spread over both workers, all on the new build.
        assert len(after) == 1 and after != before, (before, after)
        # Metrics are each worker's own: every worker reports the build it now serves and
        # the swap it made itself ("published").
        (version,) = after
        for _ in range(10):
            with httpx.Client(base_url=server.base, timeout=5) as client:
                metrics = client.get("/metrics").text
            assert f'index_version="{version}"' in metrics
            assert 'reportqa_index_reloads_total{outcome="swapped",trigger="published"} 1.0' in (
                metrics
            )
        with httpx.Client(base_url=server.base, timeout=30) as client:
            answer = client.post("/ask", json={"question": "Which service was outstanding?"})
        assert answer.status_code == 200
        assert "fostering" in (answer.json()["answer"] or "")
