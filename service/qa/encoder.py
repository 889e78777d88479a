"""What the settings name: the query encoder (torch or ONNX), where its files live, and
where the index is (files or postgres)."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from index.backend import IndexLocation
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


def _secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


def index_location(settings: Settings) -> IndexLocation:
    """Where the settings say the index lives."""
    return IndexLocation(
        backend=settings.backend,
        index_dir=str(settings.index_dir),
        database_url=_secret(settings.database_url),
        read_url=_secret(settings.database_read_url),
    )
