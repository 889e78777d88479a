"""Fixtures for the performance work: one ONNX export per test session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def onnx_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the ONNX export of the bundled model is cached for the whole session."""
    return tmp_path_factory.mktemp("models")
