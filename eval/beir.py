"""Score the project's own retrieval on a BEIR dataset (corpus.jsonl, queries.jsonl, qrels).

The BEIR corpus goes through the same pipeline as the reports: written out as one
file per document, then `index.build.build_index` loads, cleans, chunks, embeds and
saves it. The index is cached under `var/beir/<name>/` and rebuilt only when the
corpus file, the model or the index format change (`--rebuild` forces it). A document's
score is its best chunk's score, so a ranking of chunks becomes a ranking of
documents by keeping each document's first appearance.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel
from tqdm import tqdm

from eval.datasets import BeirDataset, read_beir
from eval.metrics import mean, ndcg_at_k, recall_at_k, reciprocal_rank
from service.settings import SearchMode, Settings

log = logging.getLogger(__name__)

# Enough chunks to find 10 distinct documents when abstracts split into a few chunks.
CHUNK_DEPTH = 100
CACHE_KEY_FILE = "cache-key.txt"


class BeirQueryResult(BaseModel):
    query_id: str
    ranked_doc_ids: list[str]
    ndcg_at_10: float
    recall_at_100: float
    mrr_at_10: float
    latency_ms: float


class BeirRun(BaseModel):
    dataset: str
    mode: SearchMode
    queries: int
    ndcg_at_10: float
    recall_at_100: float
    mrr_at_10: float
    index_build_seconds: float | None
    per_query: list[BeirQueryResult]


def beir_file_name(doc_id: str) -> str:
    """A safe, reversible file name for a BEIR document id."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in doc_id)
    return f"{safe}.txt"


def materialise_corpus(dataset: BeirDataset, folder: Path) -> dict[str, str]:
    """Write each BEIR document as `<id>.txt` (title, blank line, text) plus a manifest.

    Returns:
        The file name -> BEIR document id map.
    """
    documents = folder / "documents"
    documents.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    manifest: dict[str, dict[str, str | None]] = {}
    for doc in dataset.corpus:
        name = beir_file_name(doc.doc_id)
        names[name] = doc.doc_id
        body = f"{doc.title}\n\n{doc.text}" if doc.title else doc.text
        (documents / name).write_text(body, encoding="utf-8")
        manifest[name] = {"title": doc.title or doc.doc_id, "kind": "abstract", "source": "BEIR"}
    (folder / "manifest.json").write_text(json.dumps({"documents": manifest}), encoding="utf-8")
    return names


def _cache_key(corpus_file: Path, model: str) -> str:
    digest = hashlib.sha256()
    with corpus_file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    digest.update(model.encode())
    return digest.hexdigest()[:16]


def ensure_index(
    folder: Path,
    settings: Settings,
    work_dir: Path,
    rebuild: bool = False,
    say: Callable[[str], None] = print,
) -> tuple[Path, float | None]:
    """Build (once) a project index over the BEIR corpus in `folder`.

    Returns:
        The index directory and the build time in seconds (None when cached).
    """
    from index.build import build_index
    from index.embedders.sentence_transformer import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(settings.model_path)
    from index.layout import FORMAT_VERSION

    # The index format is in the key: a build by older code cannot be opened by newer.
    key = f"{_cache_key(folder / 'corpus.jsonl', embedder.name)}-f{FORMAT_VERSION}"
    index_dir = work_dir / "index"
    key_file = work_dir / CACHE_KEY_FILE
    if (
        not rebuild
        and index_dir.exists()
        and key_file.is_file()
        and key_file.read_text().strip() == key
    ):
        return index_dir, None
    dataset = read_beir(folder)
    say(f"writing {len(dataset.corpus)} documents of {dataset.name} under {work_dir}")
    materialise_corpus(dataset, work_dir)
    started = time.perf_counter()
    build_index(
        work_dir / "documents",
        index_dir,
        embedder,
        manifest_path=work_dir / "manifest.json",
        progress=True,
        on_stage=say,
    )
    key_file.write_text(key)
    return index_dir, time.perf_counter() - started


def rank_documents(doc_ids_by_chunk: Sequence[str], paths_to_ids: dict[str, str]) -> list[str]:
    """Documents in the order of their best chunk (first appearance)."""
    ranked = dict.fromkeys(paths_to_ids.get(p, p) for p in doc_ids_by_chunk)
    return list(ranked)


def run_beir(
    folder: Path,
    mode: SearchMode,
    settings: Settings,
    work_dir: Path,
    rebuild: bool = False,
    limit: int | None = None,
) -> BeirRun:
    """Index (cached) and score every judged test query of a BEIR dataset under `mode`."""
    from service.qa import QAEngine

    index_dir, build_seconds = ensure_index(folder, settings, work_dir, rebuild=rebuild)
    dataset = read_beir(folder)
    engine = QAEngine.load(settings.model_copy(update={"index_dir": index_dir}))
    try:
        paths_to_ids = {d.path: Path(d.path).stem for d in engine.stored_documents()}
        # File names are reversible except for ids with unsafe characters; map those back.
        by_name = {beir_file_name(d.doc_id): d.doc_id for d in dataset.corpus}
        paths_to_ids = {p: by_name.get(p, stem) for p, stem in paths_to_ids.items()}
        items = list(dataset.queries.items())[:limit]
        results: list[BeirQueryResult] = []
        for query_id, text in tqdm(items, desc=f"{dataset.name} {mode}", unit="query"):
            started = time.perf_counter()
            passages = engine.retriever.search(text, CHUNK_DEPTH, mode=mode)
            latency = (time.perf_counter() - started) * 1000
            ranked = rank_documents([p.document.path for p in passages], paths_to_ids)
            qrels = dataset.qrels[query_id]
            relevant = {d for d, rel in qrels.items() if rel > 0}
            results.append(
                BeirQueryResult(
                    query_id=query_id,
                    ranked_doc_ids=ranked[:10],
                    ndcg_at_10=ndcg_at_k(ranked, {d: float(r) for d, r in qrels.items()}, 10),
                    recall_at_100=recall_at_k(ranked, relevant, 100),
                    mrr_at_10=reciprocal_rank(ranked[:10], relevant),
                    latency_ms=round(latency, 2),
                )
            )
    finally:
        engine.close()
    return BeirRun(
        dataset=dataset.name,
        mode=mode,
        queries=len(results),
        ndcg_at_10=mean(r.ndcg_at_10 for r in results),
        recall_at_100=mean(r.recall_at_100 for r in results),
        mrr_at_10=mean(r.mrr_at_10 for r in results),
        index_build_seconds=None if build_seconds is None else round(build_seconds, 1),
        per_query=results,
    )
