"""Bulk encoding in several processes: one copy of the model per core, one thread each.

One process running the model on two threads leaves part of the second core idle
(the threads wait on each other between operators); two processes of one thread
each keep both busy. The vectors are the same model's (cosine >= 0.9999 with the
single-process ones, tested). Starting the children costs a few seconds (each loads
the model), so builds only use them for many chunks (`PARALLEL_MIN_TEXTS`).
Measured in docs/benchmarks.md ("Bulk embedding").
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from index.embedders.base import Embedder, EmbedderSpec, load_embedder

# Below this many texts to encode, starting the children costs more than they save.
PARALLEL_MIN_TEXTS = 1000
# Texts per model call in a child: short batches pad less, and one thread gains
# nothing from wide ones (SciFact chunks, 2 processes: batch 4 1.26x, 8 1.22x the
# chunks/s of one process of two threads at batch 32).
CHILD_BATCH_SIZE = 4


def auto_processes(processes: int) -> int:
    """`processes`, or one per core when 0."""
    return processes or (os.cpu_count() or 1)


_child: Embedder | None = None


def _load_child(spec: EmbedderSpec) -> None:
    global _child
    if spec.backend == "torch":
        import torch

        torch.set_num_threads(1)
    _child = load_embedder(
        spec.backend,
        spec.model_path,
        onnx_dir=Path(spec.onnx_dir),
        onnx_optimize=spec.onnx_optimize,
        threads=1,
    )
    if hasattr(_child, "batch_size"):
        _child.batch_size = CHILD_BATCH_SIZE


def _encode_in_child(texts: list[str]) -> np.ndarray:
    assert _child is not None, "the pool initialiser loads the model"
    return _child.encode(texts)


class ProcessPoolEmbedder:
    """An `Embedder` that splits each `encode` call across `processes` child processes."""

    def __init__(self, like: Embedder, spec: EmbedderSpec, processes: int) -> None:
        self.name = like.name
        self.dimension = like.dimension
        self.max_tokens = like.max_tokens
        self._like = like
        self.processes = processes
        # spawn, not fork: the parent may hold threads (ONNX Runtime, tqdm) a fork would copy.
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            processes, mp_context=context, initializer=_load_child, initargs=(spec,)
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Every n-th text to each child: texts come sorted by length, so each child gets
        # a like share of long ones and none waits for the other.
        n = self.processes
        for i, vectors in enumerate(
            self._pool.map(_encode_in_child, [texts[i::n] for i in range(n)])
        ):
            out[i::n] = vectors
        return out

    def count_tokens(self, text: str) -> int:
        return self._like.count_tokens(text)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


@contextmanager
def process_pool_embedder(
    like: Embedder, spec: EmbedderSpec, processes: int
) -> Iterator[ProcessPoolEmbedder]:
    """A `ProcessPoolEmbedder`, shut down on leaving (also on an error or Ctrl-C)."""
    embedder = ProcessPoolEmbedder(like, spec, processes)
    try:
        yield embedder
    finally:
        embedder.close()
