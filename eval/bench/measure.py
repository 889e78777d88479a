"""Shared measuring helpers of the benchmark sections: timing, machine, stamping."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.bench.records import REPO, Latency, Section


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def stamped(data: Any, notes: list[str] | None = None) -> Section:
    """A section's results with the time and the machine load they were measured under."""
    return Section(now(), [round(x, 2) for x in os.getloadavg()], data, notes or [])


def timed(fn: Callable[[], object], runs: int, warmup: int = 3) -> Latency:
    """Latency of `runs` calls of `fn`, after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return Latency.of(samples)


def rss_mib() -> float:
    """Resident memory of this process, MiB (0 where /proc is missing)."""
    statm = Path("/proc/self/statm")
    if not statm.is_file():
        return 0.0
    pages = int(statm.read_text().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def bundled_sentences() -> list[str]:
    """Every sentence of the bundled corpus."""
    from corpus.load import load_documents
    from corpus.sentences import sentence_spans

    documents = load_documents(REPO / "corpus" / "documents")
    return [d.text[s:e] for d in documents for s, e in sentence_spans(d.text)]


def machine() -> dict[str, Any]:
    """CPU, cores, memory and library versions of this run."""
    import faiss
    import onnxruntime
    import torch

    cpu = platform.processor() or "unknown"
    flags: set[str] = set()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    memory = 0.0
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = int(line.split()[1]) / 1024 / 1024
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "simd": sorted(f for f in flags if f in {"avx2", "fma", "avx512f", "avx512_vnni"}),
        "memory_gib": round(memory, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "onnxruntime": onnxruntime.__version__,
        "faiss": faiss.__version__,
        "torch_threads": torch.get_num_threads(),
    }
