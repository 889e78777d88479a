"""A test embedder that records what it is asked to encode."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.embedders.hashing import HashingEmbedder


class CountingEmbedder(HashingEmbedder):
    """Hashing embedder that records every text it is asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().encode(texts)
