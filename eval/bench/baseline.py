"""Section `baseline`: the plain LangChain + FAISS pipeline, and ratios against it."""

from __future__ import annotations

import importlib
import itertools
import time
from pathlib import Path

from eval.bench.measure import stamped, timed
from eval.bench.records import QUESTIONS, BaselineResult, Latency, Section


def bench_baseline(documents: Path, runs: int, results: dict[str, Section]) -> Section:
    """The plain LangChain + FAISS pipeline of eval/baseline.py on the same questions."""
    baseline = importlib.import_module("eval.baseline")  # owned by the evaluation workstream

    started = time.perf_counter()
    pipeline = baseline.LangChainBaseline.from_directory(documents)
    build_seconds = time.perf_counter() - started
    import torch

    # Measured at one and at the default number of torch threads; the faster counts,
    # so the ratios never flatter reportqa through a badly tuned baseline.
    default_threads = torch.get_num_threads()
    by_threads: dict[int, Latency] = {}
    for threads in sorted({1, default_threads}):
        torch.set_num_threads(threads)
        questions = itertools.cycle(QUESTIONS)
        by_threads[threads] = timed(lambda: pipeline.search(next(questions), k=5), runs)  # noqa: B023
    torch.set_num_threads(default_threads)
    best_threads = min(by_threads, key=lambda t: by_threads[t].p50_ms)
    latency = by_threads[best_threads]
    ratios = _ratios(latency, results)
    print(f"baseline: p50 {latency.p50_ms} ms p95 {latency.p95_ms} ms ratios {ratios}")
    return stamped(
        BaselineResult(
            "LangChain: RecursiveCharacterTextSplitter 1000/200, HuggingFaceEmbeddings, "
            "FAISS.similarity_search k=5 (eval/baseline.py)",
            round(build_seconds, 2), latency, ratios,
        ),
        [f"{runs} questions; in-process, same model and corpus; torch threads tried: "
         + ", ".join(f"{t}: p50 {v.p50_ms} ms" for t, v in by_threads.items())
         + f"; the faster ({best_threads}) is the baseline"],
    )  # fmt: skip


def _ratios(latency: Latency, results: dict[str, Section]) -> dict[str, float]:
    """reportqa's p50 (HTTP at 1 client, in-process default) over the baseline's."""
    ratios: dict[str, float] = {}
    http = results.get("http")
    if http is not None:
        for level in http.data:
            if level["concurrency"] == 1:
                ratios["http /ask p50 (1 client) / baseline p50"] = round(
                    level["latency"]["p50_ms"] / latency.p50_ms, 3
                )
    ask = results.get("ask")
    if ask is not None:
        ratios["in-process /ask p50 (default) / baseline p50"] = round(
            ask.data[0]["latency"]["p50_ms"] / latency.p50_ms, 3
        )
    return ratios
