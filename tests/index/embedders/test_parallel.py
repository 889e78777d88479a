"""Bulk encoding in child processes: the real model in each, the same vectors in order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

import index.build as build_module
from index.embedders.caching import encode_cached
from index.embedders.hashing import HashingEmbedder
from index.embedders.onnx import OnnxEmbedder
from index.embedders.parallel import auto_processes, process_pool_embedder
from index.files import FilesIndex

TEXTS = [
    "Ofsted rated the service inadequate in November 2015.",
    "A re-inspection found the service good.",
    "The trust was set up in 2014 to run children's services.",
    "Caseloads fell from 29 to 22.",
    "Her Majesty's Inspectors conducted the visit.",
    "Thirty-nine children had three or more placement moves.",
    "The council will take the trust back in house.",
]


def test_auto_processes_is_one_per_core() -> None:
    assert auto_processes(3) == 3
    assert auto_processes(0) >= 1


@pytest.mark.integration
def test_children_give_the_parents_vectors_in_order(onnx_dir: Path) -> None:
    parent = OnnxEmbedder(cache_dir=onnx_dir)
    expected = parent.encode(TEXTS)
    with process_pool_embedder(parent, parent.spec, processes=2) as pool:
        got = pool.encode(TEXTS)
        assert pool.encode([]).shape == (0, parent.dimension)
        assert pool.count_tokens(TEXTS[0]) == parent.count_tokens(TEXTS[0])
    assert got.shape == expected.shape and got.dtype == np.float32
    assert float(np.min(np.sum(got * expected, axis=1))) >= 0.9999


def test_the_bulk_model_is_used_only_for_enough_new_texts() -> None:
    model = HashingEmbedder()
    calls: list[int] = []

    @contextmanager
    def bulk() -> Iterator[HashingEmbedder]:
        calls.append(1)
        yield model

    encode_cached(model, TEXTS[:3], None, bulk=bulk, bulk_min=5)
    assert calls == []
    vectors, report = encode_cached(model, TEXTS, None, bulk=bulk, bulk_min=5)
    assert calls == [1] and report.encoded == len(TEXTS)
    assert np.allclose(vectors, model.encode(TEXTS))


@pytest.mark.integration
def test_a_build_in_two_processes_stores_the_same_vectors(
    tiny_documents: Path, tmp_path: Path, onnx_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_module, "PARALLEL_MIN_TEXTS", 1)
    pools: list[int] = []
    real_pool = process_pool_embedder

    def counted(*args: object, **kwargs: object) -> object:
        pools.append(1)
        return real_pool(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "process_pool_embedder", counted)
    embedder = OnnxEmbedder(cache_dir=onnx_dir)
    one = build_module.build_index(
        tiny_documents, tmp_path / "one", embedder, progress=False, cache_dir=False
    )
    two = build_module.build_index(
        tiny_documents, tmp_path / "two", embedder, progress=False, cache_dir=False, processes=2
    )
    assert one.encoded == two.encoded > 0
    assert pools == [1]  # the second build encoded in child processes
    first = FilesIndex.open(tmp_path / "one", embedder).dense
    second = FilesIndex.open(tmp_path / "two", embedder).dense
    assert len(first) == len(second)
    for query in embedder.encode(TEXTS):
        # Every stored vector scores the same against every query: the same vectors.
        by_row_one = dict(first.search(query, len(first)))
        by_row_two = dict(second.search(query, len(second)))
        assert by_row_one.keys() == by_row_two.keys()
        assert max(abs(by_row_one[r] - by_row_two[r]) for r in by_row_one) < 1e-4
