"""The query encoder the settings name (torch or ONNX), and where its files live."""

from __future__ import annotations

from pathlib import Path

from index.embedders.base import Embedder, load_embedder
from index.embedders.caching import default_cache_dir
from service.settings import Settings


def onnx_dir(settings: Settings) -> Path:
    return Path(settings.onnx_dir or Path(settings.index_dir).parent / "models")


def embedding_cache_dir(settings: Settings) -> Path:
    return Path(settings.embedding_cache_dir or default_cache_dir(Path(settings.index_dir)))


def settings_embedder(settings: Settings) -> Embedder:
    """The encoder named by the settings (torch or ONNX), not yet cached or warmed."""
    return load_embedder(
        settings.encoder_backend,
        settings.model_path,
        onnx_dir=onnx_dir(settings),
        onnx_optimize=settings.onnx_optimize,
        threads=settings.encoder_threads,
    )
