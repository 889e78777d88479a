"""Section `build`: index build of the bundled corpus, cold and warm, in-process and CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from eval.bench.measure import stamped
from eval.bench.records import REPO, BuildRun, Section


def bench_build(documents: Path, work: Path, models_dir: Path) -> tuple[Section, Path]:
    """Cold and warm builds of the bundled corpus; returns the index they made."""
    from index.build import build_index
    from index.embedders.onnx import OnnxEmbedder

    index_dir = work / "index"
    cache_dir = work / "index.cache"
    embedder = OnnxEmbedder(cache_dir=models_dir)
    runs = []
    # The warm build is forced: an unchanged corpus is otherwise not rebuilt at all.
    for label in ("cold: empty embedding cache", "warm: unchanged corpus, forced"):
        summary = build_index(
            documents, index_dir, embedder, progress=False, cache_dir=cache_dir, force=True
        )
        runs.append(
            BuildRun(
                label,
                round(summary.seconds, 2),
                summary.chunks,
                summary.encoded,
                summary.cached,
                round(summary.chunks / summary.seconds, 1),
            )
        )
        print(f"build {label}: {summary.seconds:.2f} s, {summary.encoded} encoded")
    env = {**os.environ, "REPORTQA_ONNX_DIR": str(models_dir), "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "service.cli", "index", "-q", "--force", "--documents",
         str(documents), "--out", str(index_dir)],
        cwd=REPO, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    encoded = _encoded_from_cli(out.stdout)
    runs.append(
        BuildRun("warm, whole `reportqa index` process", round(wall, 2), runs[-1].chunks,
                 encoded, runs[-1].chunks - encoded, round(runs[-1].chunks / wall, 1))
    )  # fmt: skip
    print(f"build warm CLI: {wall:.2f} s wall, {encoded} encoded")
    return stamped(
        runs, ["ONNX backend; the ONNX export itself is cached and not timed"]
    ), index_dir


def _encoded_from_cli(stdout: str) -> int:
    for line in stdout.splitlines():
        if line.startswith("chunks encoded:"):
            return int(line.split(":")[1].split(",")[0])
    return -1
