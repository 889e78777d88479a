from __future__ import annotations

import json
from collections.abc import Callable, Sequence, Sized
from pathlib import Path

import numpy as np
import pytest

from index.build import BuildSummary, build_index
from index.dense import DenseIndex
from index.embedders.hashing import HashingEmbedder
from index.errors import IndexCorruptError, IndexNotFoundError, ManifestMismatchError
from index.files import FilesIndex
from index.layout import FORMAT_VERSION
from index.lexical import LexicalIndex


def test_build_writes_manifest_store_and_vectors(tiny_index: BuildSummary) -> None:
    live = tiny_index.index_dir
    assert live.is_symlink()
    manifest = json.loads((live / "manifest.json").read_text())
    assert manifest["model"] == "hashing-test-embedder"
    assert manifest["dimension"] == 64
    assert manifest["documents"] == 2
    assert manifest["chunks"] == tiny_index.chunks > 0
    assert manifest["format_version"] == FORMAT_VERSION == 2
    for key in ("corpus_hash", "built_at", "index_version", "normalized"):
        assert manifest[key]


def test_save_load_round_trip_gives_identical_results(
    tiny_documents: Path, tmp_path: Path, fake_embedder: HashingEmbedder
) -> None:
    summary = build_index(tiny_documents, tmp_path / "idx", fake_embedder, progress=False)
    loaded = FilesIndex.open(summary.index_dir, fake_embedder)
    query = fake_embedder.encode(["inspection judged inadequate"])[0]
    reopened = FilesIndex.open(summary.index_dir, fake_embedder)

    def dense(index: FilesIndex) -> list[tuple[str, float]]:
        hits = index.dense.search(query, 5)
        chunks = index.store.chunks_by_row([row for row, _ in hits])
        return [(chunks[row].chunk_id, round(score, 6)) for row, score in hits]

    def lexical(index: FilesIndex) -> list[str]:
        hits = index.lexical.search("adoption", 3)
        chunks = index.store.chunks_by_row([row for row, _ in hits])
        return [chunks[row].chunk_id for row, _ in hits]

    assert dense(loaded) and dense(loaded) == dense(reopened)
    assert lexical(loaded) and lexical(loaded) == lexical(reopened)


def test_rebuild_of_same_corpus_is_idempotent(
    tiny_documents: Path, tmp_path: Path, fake_embedder: HashingEmbedder
) -> None:
    a = build_index(tiny_documents, tmp_path / "idx", fake_embedder, progress=False)
    b = build_index(tiny_documents, tmp_path / "idx", fake_embedder, progress=False)
    assert a.manifest.index_version == b.manifest.index_version
    assert a.manifest.corpus_hash == b.manifest.corpus_hash
    first = FilesIndex.open(a.build_dir, fake_embedder).store.chunks_by_row(range(a.chunks))
    second = FilesIndex.open(b.build_dir, fake_embedder).store.chunks_by_row(range(b.chunks))
    assert first == second


def test_mismatched_model_is_refused(tiny_index: BuildSummary) -> None:
    with pytest.raises(ManifestMismatchError, match="built with model"):
        FilesIndex.open(tiny_index.index_dir, HashingEmbedder(dimension=64, name="other-model"))


def test_mismatched_dimension_is_refused(tiny_index: BuildSummary) -> None:
    with pytest.raises(ManifestMismatchError, match="dimension"):
        FilesIndex.open(
            tiny_index.index_dir, HashingEmbedder(dimension=32, name="hashing-test-embedder")
        )


def test_missing_index_says_how_to_build_one(
    tmp_path: Path, fake_embedder: HashingEmbedder
) -> None:
    with pytest.raises(IndexNotFoundError, match="reportqa index"):
        FilesIndex.open(tmp_path / "none", fake_embedder)


def test_truncated_faiss_file_is_named_in_the_error(
    tiny_index: BuildSummary, fake_embedder: HashingEmbedder
) -> None:
    faiss_file = tiny_index.build_dir / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:40])
    with pytest.raises(IndexCorruptError, match="dense.faiss"):
        FilesIndex.open(tiny_index.index_dir, fake_embedder)


def test_failed_build_leaves_previous_index_live(
    tiny_index: BuildSummary, fake_embedder: HashingEmbedder, tmp_path: Path
) -> None:
    class ExplodingEmbedder(HashingEmbedder):
        # Another model name, so the embedding cache of the first build cannot serve it.
        def __init__(self) -> None:
            super().__init__(name="exploding-embedder")

        def encode(self, texts: Sequence[str]) -> np.ndarray:
            raise RuntimeError("boom")

    docs = tmp_path / "tiny" / "documents"
    with pytest.raises(RuntimeError):
        build_index(docs, tiny_index.index_dir, ExplodingEmbedder(), progress=False)
    reopened = FilesIndex.open(tiny_index.index_dir, fake_embedder)
    assert reopened.manifest.index_version == tiny_index.manifest.index_version


# One conformance test for both search backends: same contract, same guarantees.
TEXTS = ["the cat sat on the mat", "dogs run in the park", "a cat and a dog", "stock markets fell"]


Search = Callable[[str, int], list[tuple[int, float]]]


def _dense(embedder: HashingEmbedder) -> tuple[Sized, Search]:
    index = DenseIndex.build(embedder.encode(TEXTS), np.arange(len(TEXTS)))
    return index, lambda q, k: index.search(embedder.encode([q])[0], k)


def _lexical(embedder: HashingEmbedder) -> tuple[Sized, Search]:
    index = LexicalIndex.build(TEXTS)
    return index, lambda q, k: index.search(q, k)


@pytest.mark.parametrize("make", [_dense, _lexical], ids=["dense", "lexical"])
def test_backend_conformance(make: Callable[[HashingEmbedder], tuple[Sized, Search]]) -> None:
    index, search = make(HashingEmbedder(dimension=1024))
    assert len(index) == len(TEXTS)
    hits = search("cat", 2)
    assert 1 <= len(hits) <= 2
    assert hits[0][0] in (0, 2)
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    assert search("cat", 0) == []
    assert all(0 <= row < len(TEXTS) for row, _ in search("markets", 10))
