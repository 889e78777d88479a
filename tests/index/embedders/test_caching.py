"""Embedding cache: re-indexing encodes only new text; the query LRU serves warm sentences."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from index.build import build_index
from index.embedders.caching import CachingEmbedder, EmbeddingCache, encode_cached, pinned
from index.embedders.hashing import HashingEmbedder
from index.files import FilesIndex
from tests.support.embedders import CountingEmbedder


def test_cache_round_trips_vectors_per_model(tmp_path: Path) -> None:
    path = tmp_path / "emb.sqlite3"
    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)
    cache = EmbeddingCache(path, "model-a", 4)
    cache.put_many(["x", "y", "z"], vectors)
    cache.close()
    reopened = EmbeddingCache(path, "model-a", 4)
    found = reopened.get_many(["z", "nope", "x", "x"])
    assert set(found) == {0, 2, 3}
    np.testing.assert_array_equal(found[0], vectors[2])
    np.testing.assert_array_equal(found[3], vectors[0])
    assert len(reopened) == 3
    assert EmbeddingCache(path, "model-b", 4).get_many(["x"]) == {}
    assert EmbeddingCache(path, "model-a", 8).get_many(["x"]) == {}  # other dimension


def test_encode_cached_encodes_each_new_text_once(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    cache = EmbeddingCache(tmp_path / "emb.sqlite3", embedder.name, embedder.dimension)
    first, report = encode_cached(embedder, ["a b", "c d", "a b"], cache)
    assert sorted(embedder.seen) == ["a b", "c d"]
    assert (report.total, report.encoded, report.cached) == (3, 2, 0)
    np.testing.assert_array_equal(first[0], first[2])
    embedder.seen.clear()
    second, report = encode_cached(embedder, ["c d", "e f", "a b"], cache)
    assert embedder.seen == ["e f"]
    assert (report.encoded, report.cached) == (1, 2)
    np.testing.assert_allclose(second[0], first[1])
    np.testing.assert_allclose(second[1], HashingEmbedder().encode(["e f"])[0])


def test_reindex_unchanged_corpus_encodes_nothing_and_a_new_document_only_its_chunks(
    tiny_documents: Path, tmp_path: Path
) -> None:
    embedder = CountingEmbedder()
    index_dir = tmp_path / "var" / "index"
    first = build_index(tiny_documents, index_dir, embedder, progress=False)
    assert first.encoded > 0 and first.cached == 0
    assert (index_dir.parent / "index.cache" / "embeddings.sqlite3").is_file()

    embedder.seen.clear()
    unchanged = build_index(tiny_documents, index_dir, embedder, progress=False)
    assert unchanged.unchanged and unchanged.build_dir == first.build_dir
    # Forced, every vector comes from the cache.
    again = build_index(tiny_documents, index_dir, embedder, progress=False, force=True)
    assert embedder.seen == []
    assert (again.encoded, again.cached) == (0, again.chunks)
    assert again.manifest.index_version == first.manifest.index_version
    assert again.build_dir != first.build_dir

    shutil.copy(tiny_documents / "beta.md", tiny_documents / "gamma.md")
    (tiny_documents / "gamma.md").write_text(
        "# Gamma\n\nA wholly new report about fostering panels and their quarterly reviews.\n"
    )
    embedder.seen.clear()
    grown = build_index(tiny_documents, index_dir, embedder, progress=False)
    opened = FilesIndex.open(index_dir, embedder)
    new_chunks = [
        c for c in opened.store.chunks_by_row(list(range(grown.chunks))).values()
        if "fostering panels" in c.text
    ]  # fmt: skip
    assert new_chunks and sorted(embedder.seen) == sorted({c.text for c in new_chunks})
    assert grown.encoded == len(embedder.seen)
    opened.close()


def test_build_without_cache_encodes_everything(tiny_documents: Path, tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    index_dir = tmp_path / "index"
    build_index(tiny_documents, index_dir, embedder, progress=False, cache_dir=False)
    summary = build_index(
        tiny_documents, index_dir, embedder, progress=False, cache_dir=False, force=True
    )
    assert summary.encoded > 0 and summary.cached == 0
    assert not (tmp_path / "index.cache").exists()


def test_lru_serves_warm_texts_and_encodes_only_misses(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    lru = CachingEmbedder(inner, size=10)
    report = lru.warm(["one fish", "two fish", "one fish"])
    assert (report.total, report.encoded) == (2, 2) and len(lru) == 2
    inner.seen.clear()
    out = lru.encode(["two fish", "red fish", "one fish"])
    assert inner.seen == ["red fish"]
    np.testing.assert_allclose(out, HashingEmbedder().encode(["two fish", "red fish", "one fish"]))
    lru.encode(["red fish"])
    assert inner.seen == ["red fish"]  # learned
    assert (lru.hits, lru.misses) == (3, 1)


def test_lru_that_does_not_learn_keeps_only_warm_texts_and_pins_per_request() -> None:
    inner = CountingEmbedder()
    lru = CachingEmbedder(inner, size=10, learn=False)
    lru.warm(["kept"])
    inner.seen.clear()
    lru.encode(["question"])
    lru.encode(["question", "kept"])
    assert inner.seen == ["question", "question"]
    vector = HashingEmbedder().encode(["question"])[0]
    with pinned(lru, {"question": vector}):
        lru.encode(["question"])
    assert inner.seen == ["question", "question"]
    lru.encode(["question"])
    assert inner.seen == ["question"] * 3
    with pinned(HashingEmbedder(), {"x": vector}):  # a plain embedder: no-op
        pass


def test_lru_evicts_the_least_recently_used() -> None:
    inner = CountingEmbedder()
    lru = CachingEmbedder(inner, size=2)
    lru.encode(["a"])
    lru.encode(["b"])
    lru.encode(["a"])
    lru.encode(["c"])  # evicts b
    inner.seen.clear()
    lru.encode(["a", "b"])
    assert inner.seen == ["b"]
