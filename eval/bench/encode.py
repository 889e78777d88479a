"""Section `encode`: query encode p50/p95 per backend, and cosine agreement with torch."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench.measure import bundled_sentences, stamped, timed
from eval.bench.records import QUESTIONS, EncodeResult, Section


def bench_encode(models_dir: Path, runs: int) -> Section:
    import torch

    from index.embedders.onnx import OnnxEmbedder
    from index.embedders.sentence_transformer import SentenceTransformerEmbedder

    torch_embedder = SentenceTransformerEmbedder()
    probe = [*QUESTIONS, *bundled_sentences()[:200]]
    reference = torch_embedder.encode(probe)
    default_threads = torch.get_num_threads()
    results = []

    def measure(label: str, embedder: Any) -> None:
        questions = itertools.cycle(QUESTIONS)
        latency = timed(lambda: embedder.encode([next(questions)]), runs)
        cosine = float(np.min(np.sum(embedder.encode(probe) * reference, axis=1)))
        results.append(EncodeResult(label, latency, round(cosine, 6)))
        print(f"encode {label}: p50 {latency.p50_ms} ms p95 {latency.p95_ms} ms cos {cosine:.6f}")

    # torch's OpenMP threads spin at barriers: on cores shared with other work two
    # threads can be far slower than one, so both are measured.
    for threads in sorted({1, default_threads}):
        torch.set_num_threads(threads)
        measure(f"torch (sentence-transformers), {threads} thread(s)", torch_embedder)
    torch.set_num_threads(default_threads)
    measure("onnx", OnnxEmbedder(cache_dir=models_dir, optimize=False))
    measure("onnx + O2 fusions (default)", OnnxEmbedder(cache_dir=models_dir, optimize=True))
    return stamped(
        results,
        [
            f"one question per call ({len(QUESTIONS)} questions cycled), {runs} calls each; "
            f"cosine over {len(probe)} questions and corpus sentences"
        ],
    )
