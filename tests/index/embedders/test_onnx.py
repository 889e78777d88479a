"""The ONNX backend gives the torch model's vectors, counts tokens the same way, exports once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus.load import load_documents
from corpus.sentences import sentence_spans
from index.embedders.base import load_embedder
from index.embedders.onnx import OnnxEmbedder
from index.embedders.sentence_transformer import SentenceTransformerEmbedder
from tests.conftest import BUNDLED_DOCUMENTS

pytestmark = pytest.mark.integration

QUERIES = [
    "When did Doncaster Children's Services Trust launch?",
    "How many children had three or more placement moves?",
    "Who wrote the monitoring letter?",
    "ok",
]


def _passages() -> list[str]:
    documents = load_documents(BUNDLED_DOCUMENTS)
    sentences = [d.text[s:e] for d in documents for s, e in sentence_spans(d.text)][:60]
    # Whole paragraphs too, including one past the 256-token limit (truncated alike).
    paragraphs = [p for d in documents for p in d.text.split("\n\n") if len(p) > 300][:10]
    return [*sentences, *paragraphs, " ".join(paragraphs)]


@pytest.fixture(scope="module")
def onnx_embedder(onnx_dir: Path) -> OnnxEmbedder:
    return OnnxEmbedder(cache_dir=onnx_dir)


@pytest.mark.parametrize("optimize", [False, True])
def test_onnx_vectors_match_torch_for_queries_and_passages(
    real_embedder: SentenceTransformerEmbedder, onnx_dir: Path, optimize: bool
) -> None:
    embedder = OnnxEmbedder(cache_dir=onnx_dir, optimize=optimize)
    texts = [*QUERIES, *_passages()]
    ours = embedder.encode(texts)
    reference = real_embedder.encode(texts)
    assert ours.shape == reference.shape == (len(texts), 384)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(ours * reference, axis=1)
    assert cosines.min() >= 0.999, f"lowest cosine {cosines.min():.6f}"


def test_batch_order_and_padding_do_not_change_a_vector(onnx_embedder: OnnxEmbedder) -> None:
    texts = [*QUERIES, *_passages()[:20]]
    together = onnx_embedder.encode(texts)
    alone = np.vstack([onnx_embedder.encode([t]) for t in texts])
    assert np.sum(together * alone, axis=1).min() >= 0.99999


def test_token_counts_match_the_model_tokenizer(
    onnx_embedder: OnnxEmbedder, real_embedder: SentenceTransformerEmbedder
) -> None:
    for text in [*QUERIES, *_passages()]:
        assert onnx_embedder.count_tokens(text) == real_embedder.count_tokens(text)
    assert onnx_embedder.max_tokens == real_embedder.max_tokens
    assert onnx_embedder.name == real_embedder.name


def test_export_is_cached_and_reused(onnx_embedder: OnnxEmbedder, onnx_dir: Path) -> None:
    path = onnx_embedder.onnx_path
    assert path.is_file() and path.is_relative_to(onnx_dir)
    stamp = path.stat().st_mtime_ns
    again = load_embedder("onnx", onnx_dir=onnx_dir)
    assert isinstance(again, OnnxEmbedder)
    assert again.onnx_path == path and path.stat().st_mtime_ns == stamp
    assert not list(path.parent.glob(".*.partial"))


def test_empty_batch_gives_an_empty_matrix(onnx_embedder: OnnxEmbedder) -> None:
    assert onnx_embedder.encode([]).shape == (0, 384)


def test_missing_model_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not found"):
        OnnxEmbedder(tmp_path / "nope", cache_dir=tmp_path)
