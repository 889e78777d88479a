"""The model run by sentence-transformers on torch: the reference encoder, used for builds."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embedders.base import EmbedderSpec, bundled_model_path, model_name


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
        self.spec = EmbedderSpec("torch", str(path))
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
