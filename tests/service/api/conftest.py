"""Fixtures for the hardening tests: an app factory over the tiny index, and keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from index.build import BuildSummary
from index.embedders.hashing import HashingEmbedder
from service.api.app import create_app
from service.qa.engine import QAEngine
from service.settings import Settings

QUERY_KEY = "query-key-0123456789abcdef"
ADMIN_KEY = "admin-key-0123456789abcdef"
METRICS_KEY = "metrics-key-0123456789abcdef"
KEYS = f"{QUERY_KEY},{ADMIN_KEY}:admin,{METRICS_KEY}:metrics"

ClientFactory = Callable[..., TestClient]


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture()
def make_client(
    tiny_index: BuildSummary, tiny_documents: Path, fake_embedder: HashingEmbedder
) -> Iterator[ClientFactory]:
    """Build an app on the tiny index with extra settings; the lifespan runs."""
    opened: list[TestClient] = []

    def make(raise_server_exceptions: bool = True, **overrides: Any) -> TestClient:
        settings = Settings(
            index_dir=tiny_index.index_dir,
            documents_dir=tiny_documents,
            abstain_below=0.0,
            **overrides,
        )
        engine = QAEngine.load(settings, embedder=fake_embedder)
        client = TestClient(
            create_app(settings, engine=engine), raise_server_exceptions=raise_server_exceptions
        )
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture()
def client(make_client: ClientFactory) -> TestClient:
    """A client of the app over the tiny index (abstention off), lifespan running."""
    return make_client()
