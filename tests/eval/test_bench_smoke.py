"""`reportqa bench` end to end with tiny sizes (the real run is not for CI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval.bench import END, START, render_markdown, write_markdown
from eval.bench.records import DEFAULT_SCIFACT
from tests.conftest import REPO

pytestmark = pytest.mark.integration


def test_bench_runs_every_section_small_and_writes_json_and_markdown(
    tmp_path: Path, onnx_dir: Path
) -> None:
    out_json = tmp_path / "bench.json"
    out_md = tmp_path / "benchmarks.md"
    out_md.write_text("# Benchmarks\n\n<!-- eval:start -->\naccuracy table\n<!-- eval:end -->\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [
        sys.executable, "-m", "service.cli", "bench",
        "--sections", "encode,build,bulk,ask,http,scale", "--bulk-chunks", "12",
        "--runs", "3", "--concurrency", "1,4", "--http-requests", "8",
        "--scale-sizes", "300,1500", "--real-vectors", "400",
        "--models", str(onnx_dir), "--work", str(tmp_path / "work"),
        "--json", str(out_json), "--markdown", str(out_md),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]

    results = json.loads(out_json.read_text())
    assert results["machine"]["cores"] >= 1
    sections = results["sections"]
    assert set(sections) >= {"encode", "build", "ask", "http", "scale"}
    assert [r["backend"] for r in sections["encode"]["data"]][0].startswith("torch")
    assert all(r["min_cosine_vs_torch"] >= 0.999 for r in sections["encode"]["data"])
    cold, warm, cli = sections["build"]["data"]
    assert cold["encoded"] > 0 and warm["encoded"] == 0 and cli["encoded"] == 0
    assert [level["concurrency"] for level in sections["http"]["data"]] == [1, 1, 4]
    assert sections["http"]["data"][0]["client"] == "http.client"
    assert all(level["server_p50_ms"] > 0 for level in sections["http"]["data"])
    assert all(level["errors"] == 0 for level in sections["http"]["data"])
    assert [row["size"] for row in sections["scale"]["data"]] == [300, 1500]
    if (DEFAULT_SCIFACT / "corpus.jsonl").exists():  # the bulk section encodes its abstracts
        single, parallel = sections["bulk"]["data"]
        assert single["processes"] == 1 and parallel["processes"] >= 1
        assert parallel["min_cosine"] >= 0.9999 and parallel["chunks"] == 12
    assert all(0 <= row["recall_at_10"] <= 1 for row in sections["scale"]["data"])

    text = out_md.read_text()
    assert "accuracy table" in text  # another section of the file is left alone
    assert text.count(START) == 1 and text.count(END) == 1
    assert "/ask over HTTP" in text and "Scale: flat versus HNSW" in text


def test_markdown_block_is_replaced_in_place(tmp_path: Path) -> None:
    path = tmp_path / "b.md"
    path.write_text(f"intro\n\n{START}\nold\n{END}\n\ntail\n")
    write_markdown(path, render_markdown({"sections": {}}))
    text = path.read_text()
    assert text.startswith("intro") and text.rstrip().endswith("tail") and "old" not in text
