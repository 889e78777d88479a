"""Section `backend` of `reportqa bench` on a small build: both backends serve the same
prepared build, and the comparison it reports holds (the real run is not for CI)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from eval.bench import QUESTIONS, render_markdown
from eval.bench.backend_data import chunk_texts, prepare, sentence_pool
from eval.bench.backends import compare_backends
from eval.bench.measure import stamped
from eval.bench.records import jsonable
from index.embedders.hashing import HashingEmbedder


def test_prepared_build_keeps_the_chunk_offsets_and_distinct_texts(tmp_path: Path) -> None:
    texts = chunk_texts(sentence_pool(tmp_path / "no-scifact"), 120)
    build = prepare(texts, np.eye(120, 8, dtype=np.float32))
    assert len(set(texts)) == 120 and [c.text for c in build.chunks] == texts
    documents = {d.doc_id: d for d in build.documents}
    assert len(documents) == 12
    for chunk in build.chunks:
        assert documents[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text


def test_both_backends_serve_one_build_with_the_same_rankings(
    database_url: str, fake_embedder: HashingEmbedder, tmp_path: Path
) -> None:
    texts = chunk_texts(sentence_pool(tmp_path / "no-scifact"), 300)
    build = prepare(texts, fake_embedder.encode(texts))
    queries = list(QUESTIONS)

    rows = compare_backends(
        build, fake_embedder.encode(queries), queries, database_url, tmp_path / "work"
    )

    files, postgres = rows
    assert (files.backend, postgres.backend) == ("files", "postgres")
    assert {r.dense_index for r in rows} == {"exact"}  # 300 chunks: no HNSW on either
    for row in rows:
        assert row.size == 300 and row.publish_s > 0 and row.stored_bytes > 0
        assert row.rss_mib > 0 and row.dense.n == row.lexical.n == len(queries)
        # Exact search on both sides (hash vectors tie often: allow a tie swapped at the cut).
        assert row.recall_at_10 >= 0.95 and row.filtered_recall_at_10 >= 0.95
    assert files.lexical_same_top10 == 1.0 and files.lexical_max_score_diff == 0
    assert postgres.lexical_same_top10 == 1.0  # BM25 as sparse inner products: same ranking
    assert postgres.lexical_max_score_diff < 1e-4
    assert files.ratios == {} and postgres.ratios["publish"] > 0
    assert set(postgres.ratios) >= {"stored bytes", "RSS", "dense p50", "lexical p50"}

    markdown = render_markdown({"sections": {"backend": jsonable(stamped(rows))}})
    assert "### Index backends: files vs postgres" in markdown
    assert "| 300 | postgres | exact |" in markdown and "postgres / files" in markdown
