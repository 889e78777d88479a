"""One contract for every index backend: files (FAISS + bm25s + SQLite) and postgres
(pgvector), each built from the bundled corpus and read through `open_index`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index.backend import BuildTarget, IndexLocation, IndexReader, open_index
from index.build import BuildSummary, FilesTarget, build_index
from index.embedders.hashing import HashingEmbedder
from index.errors import IndexNotFoundError, ManifestMismatchError
from index.lexical import LexicalIndex
from tests.conftest import BUNDLED_DOCUMENTS

QUERIES = [
    "placement moves of children in care",
    "inspection judged the service inadequate",
    "social worker caseloads and turnover",
    "monitoring visit letter",
]


class Backend:
    """A backend under test: where it publishes and how to open what it published."""

    def __init__(self, name: str, index_dir: Path, url: str | None) -> None:
        self.name = name
        self.index_dir = index_dir
        self.url = url

    def target(self) -> BuildTarget:
        if self.name == "postgres":
            from index.postgres.writer import PostgresTarget

            assert self.url is not None
            return PostgresTarget(self.url)
        return FilesTarget(self.index_dir, cache_dir=False)

    def location(self) -> IndexLocation:
        return IndexLocation(self.name, str(self.index_dir), self.url)  # type: ignore[arg-type]

    def build(
        self, embedder: HashingEmbedder, documents: Path = BUNDLED_DOCUMENTS, force: bool = False
    ) -> BuildSummary:
        return build_index(
            documents, self.index_dir, embedder, progress=False, target=self.target(), force=force
        )

    def open(self, embedder: HashingEmbedder) -> IndexReader:
        return open_index(self.location(), embedder)


@pytest.fixture(params=["files", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    url = request.getfixturevalue("database_url") if request.param == "postgres" else None
    yield Backend(request.param, tmp_path / "index", url)


@pytest.fixture()
def opened(backend: Backend, fake_embedder: HashingEmbedder) -> Iterator[IndexReader]:
    backend.build(fake_embedder)
    index = backend.open(fake_embedder)
    yield index
    index.close()


def test_open_before_any_build_says_how_to_build(
    backend: Backend, fake_embedder: HashingEmbedder
) -> None:
    with pytest.raises(IndexNotFoundError, match="reportqa index"):
        backend.open(fake_embedder)


def test_manifest_documents_and_chunks_describe_the_build(opened: IndexReader) -> None:
    documents = opened.documents()
    assert len(documents) == opened.manifest.documents == 5
    assert [d.path for d in documents] == sorted(d.path for d in documents)
    assert len(opened) == opened.manifest.chunks > 20
    first = documents[0]
    assert opened.document(first.doc_id) == first
    assert opened.document("0" * 16) is None
    chunks = opened.chunks_by_row(range(len(opened)))
    assert sorted(chunks) == list(range(len(opened)))
    for chunk in chunks.values():
        document = opened.document(chunk.doc_id)
        assert document is not None
        assert document.text[chunk.start : chunk.end] == chunk.text  # exact offsets
    assert opened.chunks_by_row([]) == {}
    assert opened.chunk_texts(3) == [chunks[row].text for row in range(3)]
    assert opened.stored_bytes() > 0
    assert opened.is_current()


def test_dense_search_ranks_by_inner_product_and_filters_inside(
    opened: IndexReader, fake_embedder: HashingEmbedder
) -> None:
    chunks = opened.chunks_by_row(range(len(opened)))
    for query in QUERIES:
        vector = fake_embedder.encode([query])[0]
        hits = opened.dense_search(vector, 5)
        assert len(hits) == 5
        exact = sorted(
            ((row, float(np.dot(fake_embedder.encode([c.text])[0], vector))) for row, c in
             chunks.items()),
            key=lambda pair: -pair[1],
        )[:5]  # fmt: skip
        assert [row for row, _ in hits] == [row for row, _ in exact]
        assert [s for _, s in hits] == pytest.approx([s for _, s in exact], abs=1e-5)
    # A filter restricts the scan: a small document still fills k with its own rows.
    smallest = min(opened.documents(), key=lambda d: len(d.text))
    own = [row for row, c in chunks.items() if c.doc_id == smallest.doc_id]
    hits = opened.dense_search(fake_embedder.encode([QUERIES[0]])[0], 50, [smallest.doc_id])
    assert sorted(row for row, _ in hits) == sorted(own)
    assert opened.dense_search(fake_embedder.encode([QUERIES[0]])[0], 5, []) == []


def test_lexical_search_gives_bm25s_scores_and_filters_inside(opened: IndexReader) -> None:
    chunks = opened.chunks_by_row(range(len(opened)))
    bm25 = LexicalIndex.build([chunks[row].text for row in range(len(opened))])
    for query in [*QUERIES, "Ofsted Ofsted inadequate", "zzzz-not-a-word"]:
        expected = bm25.search(query, 10)
        hits = opened.lexical_search(query, 10)
        assert [row for row, _ in hits] == [row for row, _ in expected]
        assert [s for _, s in hits] == pytest.approx([s for _, s in expected], abs=1e-5)
    some = sorted({c.doc_id for c in chunks.values()})[:2]
    mask = np.array([chunks[row].doc_id in some for row in range(len(opened))])
    assert [r for r, _ in opened.lexical_search(QUERIES[1], 10, some)] == [
        r for r, _ in bm25.search(QUERIES[1], 10, allowed=mask)
    ]
    assert opened.lexical_search(QUERIES[1], 10, []) == []
    assert opened.document_frequency("inadequ") == sum(
        "inadequ" in LexicalIndex.build([c.text]).term_weights()[1] for c in chunks.values()
    )
    assert opened.document_frequency("zzzz") == 0


def test_unchanged_inputs_publish_nothing_and_force_publishes(
    backend: Backend, fake_embedder: HashingEmbedder
) -> None:
    first = backend.build(fake_embedder)
    again = backend.build(fake_embedder)
    assert again.unchanged and again.location == first.location
    forced = backend.build(fake_embedder, force=True)
    assert not forced.unchanged and forced.location != first.location


def test_a_new_publication_replaces_the_live_build(
    backend: Backend, fake_embedder: HashingEmbedder, tmp_path: Path
) -> None:
    import shutil

    documents = tmp_path / "corpus" / "documents"
    shutil.copytree(BUNDLED_DOCUMENTS, documents)
    shutil.copy(BUNDLED_DOCUMENTS.parent / "manifest.json", documents.parent / "manifest.json")
    backend.build(fake_embedder, documents)
    old = backend.open(fake_embedder)
    (documents / "extra.txt").write_text(
        "Northmoor Council letter.\n\nInspectors found 12 children waited too long.\n"
    )
    backend.build(fake_embedder, documents)
    new = backend.open(fake_embedder)
    try:
        assert new.manifest.documents == old.manifest.documents + 1
        assert new.manifest.index_version != old.manifest.index_version
        if backend.name == "postgres":
            assert not old.is_current()  # replicas poll this to swap on their own
        assert new.is_current()
        assert any(d.path == "extra.txt" for d in new.documents())
    finally:
        old.close()
        new.close()


def test_a_failed_publication_leaves_the_live_build_serving(
    backend: Backend, fake_embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend.build(fake_embedder)
    before = backend.open(fake_embedder)
    version = before.manifest.index_version
    before.close()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    if backend.name == "postgres":
        monkeypatch.setattr("index.postgres.writer._publish", broken)
    else:
        monkeypatch.setattr("index.build.activate", broken)
    with pytest.raises(OSError, match="disk full"):
        backend.build(fake_embedder, force=True)
    after = backend.open(fake_embedder)
    try:
        assert after.manifest.index_version == version
        assert after.dense_search(fake_embedder.encode([QUERIES[0]])[0], 3)
    finally:
        after.close()


def test_an_index_of_another_model_is_refused(
    backend: Backend, fake_embedder: HashingEmbedder
) -> None:
    backend.build(fake_embedder)
    with pytest.raises(ManifestMismatchError, match="other-model"):
        backend.open(HashingEmbedder(dimension=64, name="other-model"))
