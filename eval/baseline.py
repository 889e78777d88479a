"""The pipeline a user would otherwise build: plain LangChain + FAISS, no reportqa logic.

RecursiveCharacterTextSplitter (1000 characters, 200 overlap), HuggingFaceEmbeddings
on the same bundled model, FAISS.similarity_search top-k. It has no answer
extraction and no abstention: its "answer" is the top passage, its confidence the
top passage's cosine similarity. Used by `reportqa eval --baseline` and by the speed
benchmarks. Needs the optional extra: `pip install -e '.[baseline]'`.

Usage:
    baseline = LangChainBaseline.from_directory(Path("corpus/documents"))
    for hit in baseline.search("When did the trust launch?", k=5):
        print(hit.doc_path, hit.score, hit.text[:80])
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


class SourceDocument(Protocol):
    """Anything with a file name and text; `corpus.models.Document` fits."""

    @property
    def path(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class BaselineHit:
    text: str
    doc_path: str  # file name inside the documents folder, as Document.path
    score: float  # cosine similarity of question and passage (embeddings are normalised)
    start: int  # offset of `text` in the document text the baseline was built from
    end: int


class LangChainBaseline:
    """A FAISS vector store over RecursiveCharacterTextSplitter chunks."""

    def __init__(self, store: Any, chunks: int) -> None:
        self._store = store
        self.chunks = chunks

    @classmethod
    def build(
        cls, documents: Sequence[SourceDocument], model_path: str | Path | None = None
    ) -> LangChainBaseline:
        """Split, embed and index `documents` (the same cleaned texts reportqa indexes)."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from langchain_community.vectorstores import FAISS
        from langchain_core.documents import Document as LCDocument
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from index.embedders.base import bundled_model_path

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
        )
        pieces = splitter.split_documents(
            [LCDocument(page_content=d.text, metadata={"doc_path": d.path}) for d in documents]
        )
        embeddings = HuggingFaceEmbeddings(
            model_name=str(model_path or bundled_model_path()),
            model_kwargs={"device": "cpu"},
            encode_kwargs={"normalize_embeddings": True},
        )
        store = FAISS.from_documents(pieces, embeddings)
        return cls(store, len(pieces))

    @classmethod
    def from_directory(
        cls,
        documents_dir: Path,
        manifest_path: Path | None = None,
        model_path: str | Path | None = None,
    ) -> LangChainBaseline:
        """Build over a documents folder, loaded and cleaned by `corpus.load`."""
        from corpus.load import load_documents

        return cls.build(load_documents(documents_dir, manifest_path), model_path)

    def search(self, question: str, k: int = 5) -> list[BaselineHit]:
        """Top-k passages by FAISS similarity search, best first."""
        results = self._store.similarity_search_with_score(question, k=k)
        hits = []
        for doc, distance in results:
            start = int(doc.metadata.get("start_index", -1))
            hits.append(
                BaselineHit(
                    text=doc.page_content,
                    doc_path=str(doc.metadata["doc_path"]),
                    # IndexFlatL2 returns squared L2; for unit vectors cos = 1 - d^2 / 2.
                    score=1.0 - float(distance) / 2.0,
                    start=start,
                    end=start + len(doc.page_content) if start >= 0 else -1,
                )
            )
        return hits
