"""Fixtures for tests of the `reportqa` commands: the CLI on the tiny index, logging put back."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.build import BuildSummary
from index.embedders.hashing import HashingEmbedder
from service.settings import get_settings


@pytest.fixture()
def cli_on_tiny(
    tiny_index: BuildSummary,
    tiny_documents: Path,
    fake_embedder: HashingEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[None]:
    """The CLI on the tiny corpus and index, with the fast test embedder."""
    monkeypatch.setattr("service.qa.encoder.settings_embedder", lambda settings: fake_embedder)
    monkeypatch.setenv("REPORTQA_INDEX_DIR", str(tiny_index.index_dir))
    monkeypatch.setenv("REPORTQA_DOCUMENTS_DIR", str(tiny_documents))
    monkeypatch.setenv("REPORTQA_EMBEDDING_CACHE_DIR", str(tiny_documents.parent / "cache"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture()
def restore_logging() -> Iterator[None]:
    """`serve` configures the root logger; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
