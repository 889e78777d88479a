"""The build the `backend` section publishes through both backends: real sentences as
chunk text (so BM25 sees real vocabulary), MiniLM-derived vectors, a few hundred documents.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from eval.bench.measure import bundled_sentences
from eval.bench.records import QUESTIONS

if TYPE_CHECKING:
    from index.backend import PreparedBuild

DOCUMENTS = 300  # "a few hundred" documents at every size, as a real corpus has
MODEL = "bench-minilm-derived"  # the manifest's model; readers open with a stub of it


def sentence_pool(scifact: Path) -> list[str]:
    """Real sentences, so that BM25 sees real vocabulary and term frequencies."""
    from corpus.sentences import sentence_spans

    sentences = bundled_sentences()
    corpus = scifact / "corpus.jsonl"
    if corpus.is_file():
        with corpus.open() as handle:
            for line in handle:
                record = json.loads(line)
                body = f"{record.get('title', '')}\n{record.get('text', '')}"
                sentences.extend(body[s:e] for s, e in sentence_spans(body))
    return [s for s in dict.fromkeys(sentences) if len(s) > 20]


def query_texts(scifact: Path) -> list[str]:
    """The questions whose embeddings `scale.real_vectors` returns, in its order."""
    queries = list(QUESTIONS)
    path = scifact / "queries.jsonl"
    if path.is_file():
        with path.open() as handle:
            queries.extend(json.loads(line)["text"] for line in handle)
    return queries


def chunk_texts(pool: Sequence[str], size: int, seed: int = 11) -> list[str]:
    """`size` distinct chunk-sized texts, each two runs of consecutive sentences: a repeated
    text would tie in BM25 with its copies and make the ranking comparison a tie-break test."""
    rng = np.random.default_rng(seed)
    texts: dict[str, None] = {}
    while len(texts) < size:
        a, b = rng.integers(0, max(1, len(pool) - 3), 2).tolist()
        n, m = rng.integers(1, 4, 2).tolist()
        texts[" ".join([*pool[a : a + n], *pool[b : b + m]])] = None
    return list(texts)


def prepare(texts: list[str], vectors: np.ndarray) -> PreparedBuild:
    """A build as `build_index` hands it to a target: documents, chunks, vectors, BM25."""
    from corpus.models import Chunk, Document, content_hash
    from corpus.report import CorpusReport
    from index.backend import PreparedBuild
    from index.build import corpus_hash
    from index.lexical import LexicalIndex
    from index.manifest import Manifest

    size = len(texts)
    count = max(1, min(DOCUMENTS, size // 10))
    documents: list[Document] = []
    chunks: list[Chunk] = []
    for j in range(count):
        parts = texts[j * size // count : (j + 1) * size // count]
        text = "\n\n".join(parts)
        doc_id = content_hash(text)
        documents.append(
            Document(doc_id, text, f"Bench report {j}", "2024-01-01", "inspection report",
                     "bench", f"bench-{j:04d}.txt")
        )  # fmt: skip
        start = 0
        for ordinal, part in enumerate(parts):
            chunk_id = Chunk.make_id(doc_id, start, part)
            chunks.append(Chunk(chunk_id, doc_id, ordinal, start, start + len(part), part))
            start += len(part) + 2
    digest = corpus_hash(documents)
    manifest = Manifest(
        model=MODEL, dimension=int(vectors.shape[1]), normalized=True,
        documents=len(documents), chunks=size, corpus_hash=digest,
        index_version=content_hash(f"bench|{size}|{digest}", 12),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )  # fmt: skip
    return PreparedBuild(
        documents, chunks, np.ascontiguousarray(vectors, dtype=np.float32),
        LexicalIndex.build(texts), CorpusReport(), manifest,
    )  # fmt: skip
