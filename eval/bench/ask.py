"""Section `ask`: /ask in-process, per backend, with and without the sentence warm-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval.bench.measure import stamped, timed
from eval.bench.records import QUESTIONS, AskResult, Latency, Section


def _bench_settings(index_dir: Path, models_dir: Path, **changes: Any) -> Any:
    from service.settings import Settings

    return Settings(
        index_dir=index_dir,
        onnx_dir=models_dir,
        ask_cache_size=0,
        cache_query_texts=False,
        **changes,
    )


def ask_latency(engine: Any, runs: int) -> Latency:
    from service.qa import AskRequest

    counter = iter(range(10**9))
    return timed(
        lambda: engine.ask(AskRequest(question=QUESTIONS[next(counter) % len(QUESTIONS)])), runs
    )


def bench_ask(index_dir: Path, models_dir: Path, runs: int) -> Section:
    from service.qa import QAEngine

    variants: list[tuple[str, dict[str, Any]]] = [
        ("onnx, warm sentence cache (default)", {"encoder_backend": "onnx"}),
        ("onnx, no sentence warm-up", {"encoder_backend": "onnx", "warm_sentences": 0}),
        ("torch, warm sentence cache", {"encoder_backend": "torch"}),
        ("torch, no sentence warm-up (the first version)",
         {"encoder_backend": "torch", "warm_sentences": 0}),
    ]  # fmt: skip
    import torch

    default_threads = torch.get_num_threads()
    torch.set_num_threads(1)  # see bench_encode: the faster setting on shared cores
    results = []
    for label, changes in variants:
        engine = QAEngine.load(_bench_settings(index_dir, models_dir, **changes))
        try:
            latency = ask_latency(engine, runs)
        finally:
            engine.close()
        results.append(AskResult(label, latency))
        print(f"ask in-process {label}: p50 {latency.p50_ms} ms p95 {latency.p95_ms} ms")
    torch.set_num_threads(default_threads)
    return stamped(
        results, [f"{runs} questions per variant, answer LRU off; torch variants on 1 thread"]
    )
