"""`reportqa bench`: a reproducible performance benchmark, written to JSON and docs/benchmarks.md.

Sections (choose with `--sections`; results of earlier runs of other sections are kept
in the JSON file, each with its own timestamp and machine load):
  encode    query encode p50/p95 per backend (torch, onnx, onnx with O2 fusions), and
            the cosine agreement of each backend with torch
  build     index build of the bundled corpus: cold (empty embedding cache) and warm
            (unchanged corpus), in-process and as a `reportqa index` process
  ask       /ask in-process, per backend, with and without the sentence warm-up
  http      /ask over loopback HTTP against a real uvicorn server in a subprocess,
            at 1, 8 and 32 concurrent clients (httpx asyncio client)
  baseline  the same questions through the plain LangChain + FAISS pipeline
            (eval/baseline.py), and ratios against it measured in the same run
  scale     FAISS flat versus HNSW at 10k / 100k / 1M vectors: query p50, memory,
            build time, recall@10 against exact search

Every latency is measured with caches that would flatter it switched off: the
answer LRU is off and question vectors are not remembered, so a repeated question
costs what a new one does.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import itertools
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT_JSON = REPO / "docs" / "benchmarks.json"
DEFAULT_MARKDOWN = REPO / "docs" / "benchmarks.md"
DEFAULT_SCIFACT = REPO.parent / "shared" / "data" / "scifact"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
EF_SWEEP = (32, 64, 128, 256, 512, 1024)
SECTIONS = ("encode", "build", "ask", "http", "baseline", "scale")

# Questions a member of staff might ask of the bundled reports. Written for the
# benchmark (timing only: answers are not scored here, see `reportqa eval`).
QUESTIONS = (
    "When did Doncaster Children's Services Trust launch?",
    "How many children had three or more placement moves?",
    "What rating did Ofsted give Doncaster children's services in 2018?",
    "Who conducted the monitoring visit?",
    "Why were children's services in Doncaster failing?",
    "What did inspectors find about care planning for children looked after?",
    "How is the virtual school supporting the education of children in care?",
    "When was the local authority judged inadequate?",
    "What did the peer review say about the culture in Doncaster?",
    "Was funding to blame for the failings?",
    "What progress did the council and the Trust make?",
    "How stable are placements for looked after children?",
    "Who leads Doncaster Children's Services Trust?",
    "What are the concerns about permanence planning?",
    "What did Ofsted say about leadership?",
    "How many social workers does the Trust employ?",
    "What happened to caseloads?",
    "What support do care leavers receive?",
    "Which areas did the monitoring visit focus on?",
    "What improvements were recommended?",
)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p95_ms: float
    n: int

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        ms = np.asarray(seconds, dtype=np.float64) * 1000
        return cls(
            round(float(np.percentile(ms, 50)), 2), round(float(np.percentile(ms, 95)), 2), len(ms)
        )


@dataclass(frozen=True)
class EncodeResult:
    backend: str
    latency: Latency
    min_cosine_vs_torch: float


@dataclass(frozen=True)
class BuildRun:
    label: str
    seconds: float
    chunks: int
    encoded: int
    cached: int
    chunks_per_s: float


@dataclass(frozen=True)
class AskResult:
    label: str
    latency: Latency


@dataclass(frozen=True)
class HttpLevel:
    concurrency: int
    requests: int
    errors: int
    latency: Latency
    requests_per_s: float
    error_kinds: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class BaselineResult:
    pipeline: str
    build_seconds: float
    latency: Latency
    ratios: dict[str, float]


@dataclass(frozen=True)
class ScaleRow:
    size: int
    vectors: str  # how the vectors were made
    flat_query: Latency
    flat_bytes: int
    hnsw_build_s: float
    hnsw_query: Latency
    hnsw_bytes: int
    hnsw_load_s: float
    hnsw_load_mmap_s: float
    rss_mib_after_load: float
    recall_at_10: float
    # efSearch -> (recall@10, query p50 ms): the price of more recall on the same graph
    ef_sweep: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass
class Section:
    """One section's results with the conditions they were measured under."""

    measured_at: str
    load_average: list[float]
    data: Any
    notes: list[str] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _section(data: Any, notes: list[str] | None = None) -> Section:
    return Section(_now(), [round(x, 2) for x in os.getloadavg()], data, notes or [])


# --------------------------------------------------------------------------- machine


def machine() -> dict[str, Any]:
    """CPU, cores, memory and library versions of this run."""
    import faiss
    import onnxruntime
    import torch

    cpu = platform.processor() or "unknown"
    flags: set[str] = set()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    memory = 0.0
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = int(line.split()[1]) / 1024 / 1024
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "simd": sorted(f for f in flags if f in {"avx2", "fma", "avx512f", "avx512_vnni"}),
        "memory_gib": round(memory, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "onnxruntime": onnxruntime.__version__,
        "faiss": faiss.__version__,
        "torch_threads": torch.get_num_threads(),
    }


def _rss_mib() -> float:
    statm = Path("/proc/self/statm")
    if not statm.is_file():
        return 0.0
    pages = int(statm.read_text().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def _timed(fn: Callable[[], object], runs: int, warmup: int = 3) -> Latency:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return Latency.of(samples)


# --------------------------------------------------------------------------- encode


def bench_encode(models_dir: Path, runs: int) -> Section:
    import torch

    from index.embedders.onnx import OnnxEmbedder
    from index.embedders.sentence_transformer import SentenceTransformerEmbedder

    torch_embedder = SentenceTransformerEmbedder()
    probe = [*QUESTIONS, *_bundled_sentences()[:200]]
    reference = torch_embedder.encode(probe)
    default_threads = torch.get_num_threads()
    results = []

    def measure(label: str, embedder: Any) -> None:
        questions = itertools.cycle(QUESTIONS)
        latency = _timed(lambda: embedder.encode([next(questions)]), runs)
        cosine = float(np.min(np.sum(embedder.encode(probe) * reference, axis=1)))
        results.append(EncodeResult(label, latency, round(cosine, 6)))
        print(f"encode {label}: p50 {latency.p50_ms} ms p95 {latency.p95_ms} ms cos {cosine:.6f}")

    # torch's OpenMP threads spin at barriers: on cores shared with other work two
    # threads can be far slower than one, so both are measured.
    for threads in sorted({1, default_threads}):
        torch.set_num_threads(threads)
        measure(f"torch (sentence-transformers), {threads} thread(s)", torch_embedder)
    torch.set_num_threads(default_threads)
    measure("onnx", OnnxEmbedder(cache_dir=models_dir, optimize=False))
    measure("onnx + O2 fusions (default)", OnnxEmbedder(cache_dir=models_dir, optimize=True))
    return _section(
        results,
        [
            f"one question per call ({len(QUESTIONS)} questions cycled), {runs} calls each; "
            f"cosine over {len(probe)} questions and corpus sentences"
        ],
    )


def _bundled_sentences() -> list[str]:
    from corpus.load import load_documents
    from corpus.sentences import sentence_spans

    documents = load_documents(REPO / "corpus" / "documents")
    return [d.text[s:e] for d in documents for s, e in sentence_spans(d.text)]


# --------------------------------------------------------------------------- build


def bench_build(documents: Path, work: Path, models_dir: Path) -> tuple[Section, Path]:
    """Cold and warm builds of the bundled corpus; returns the index they made."""
    from index.build import build_index
    from index.embedders.onnx import OnnxEmbedder

    index_dir = work / "index"
    cache_dir = work / "index.cache"
    embedder = OnnxEmbedder(cache_dir=models_dir)
    runs = []
    for label in ("cold: empty embedding cache", "warm: unchanged corpus"):
        summary = build_index(documents, index_dir, embedder, progress=False, cache_dir=cache_dir)
        runs.append(
            BuildRun(
                label,
                round(summary.seconds, 2),
                summary.chunks,
                summary.encoded,
                summary.cached,
                round(summary.chunks / summary.seconds, 1),
            )
        )
        print(f"build {label}: {summary.seconds:.2f} s, {summary.encoded} encoded")
    env = {**os.environ, "REPORTQA_ONNX_DIR": str(models_dir), "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "service.cli", "index", "-q", "--documents", str(documents),
         "--out", str(index_dir)],
        cwd=REPO, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    encoded = _encoded_from_cli(out.stdout)
    runs.append(
        BuildRun("warm, whole `reportqa index` process", round(wall, 2), runs[-1].chunks,
                 encoded, runs[-1].chunks - encoded, round(runs[-1].chunks / wall, 1))
    )  # fmt: skip
    print(f"build warm CLI: {wall:.2f} s wall, {encoded} encoded")
    return _section(
        runs, ["ONNX backend; the ONNX export itself is cached and not timed"]
    ), index_dir


def _encoded_from_cli(stdout: str) -> int:
    for line in stdout.splitlines():
        if line.startswith("chunks encoded:"):
            return int(line.split(":")[1].split(",")[0])
    return -1


# --------------------------------------------------------------------------- ask


def _bench_settings(index_dir: Path, models_dir: Path, **changes: Any) -> Any:
    from service.settings import Settings

    return Settings(
        index_dir=index_dir,
        onnx_dir=models_dir,
        ask_cache_size=0,
        cache_query_texts=False,
        **changes,
    )


def ask_latency(engine: Any, runs: int) -> Latency:
    from service.qa import AskRequest

    counter = iter(range(10**9))
    return _timed(
        lambda: engine.ask(AskRequest(question=QUESTIONS[next(counter) % len(QUESTIONS)])), runs
    )


def bench_ask(index_dir: Path, models_dir: Path, runs: int) -> Section:
    from service.qa import QAEngine

    variants: list[tuple[str, dict[str, Any]]] = [
        ("onnx, warm sentence cache (default)", {"encoder_backend": "onnx"}),
        ("onnx, no sentence warm-up", {"encoder_backend": "onnx", "warm_sentences": 0}),
        ("torch, warm sentence cache", {"encoder_backend": "torch"}),
        ("torch, no sentence warm-up (the first version)",
         {"encoder_backend": "torch", "warm_sentences": 0}),
    ]  # fmt: skip
    import torch

    default_threads = torch.get_num_threads()
    torch.set_num_threads(1)  # see bench_encode: the faster setting on shared cores
    results = []
    for label, changes in variants:
        engine = QAEngine.load(_bench_settings(index_dir, models_dir, **changes))
        try:
            latency = ask_latency(engine, runs)
        finally:
            engine.close()
        results.append(AskResult(label, latency))
        print(f"ask in-process {label}: p50 {latency.p50_ms} ms p95 {latency.p95_ms} ms")
    torch.set_num_threads(default_threads)
    return _section(
        results, [f"{runs} questions per variant, answer LRU off; torch variants on 1 thread"]
    )


# --------------------------------------------------------------------------- http


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    index_dir: Path, models_dir: Path, workers: int = 1, log_path: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """A real uvicorn server on a free loopback port, with the benchmark's cache settings.

    Its output goes to `log_path` (a file: an unread pipe could fill and stall the server).
    """
    import httpx

    port = _free_port()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "REPORTQA_INDEX_DIR": str(index_dir),
        "REPORTQA_ONNX_DIR": str(models_dir),
        "REPORTQA_ASK_CACHE_SIZE": "0",
        "REPORTQA_CACHE_QUERY_TEXTS": "false",
        "REPORTQA_LOG_LEVEL": "warning",
        "REPORTQA_WORKERS": str(workers),
    }
    log_path = log_path or index_dir.parent / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            error = log_path.read_text(errors="replace")
            raise RuntimeError(f"server exited early:\n{error[-2000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("server did not become healthy in 180 s")


async def _load(base: str, concurrency: int, total: int) -> HttpLevel:
    import httpx

    latencies: list[float] = []
    kinds: dict[str, int] = {}

    def failed(kind: str) -> None:
        kinds[kind] = kinds.get(kind, 0) + 1

    queue = iter(range(total))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def client_loop(client: httpx.AsyncClient) -> None:
        for n in queue:
            question = QUESTIONS[n % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                response = await client.post("/ask", json={"question": question})
                if response.status_code != 200:
                    failed(f"HTTP {response.status_code}: {response.text[:120]}")
                    continue
            except httpx.HTTPError as exc:
                failed(f"{type(exc).__name__}: {exc}"[:160])
                continue
            latencies.append(time.perf_counter() - started)

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        for question in QUESTIONS[:3]:  # warm-up: connections and first-request paths
            await client.post("/ask", json={"question": question})
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return HttpLevel(
        concurrency,
        total,
        sum(kinds.values()),
        Latency.of(latencies or [0.0]),
        round(len(latencies) / elapsed, 1),
        kinds,
    )


def bench_http(
    index_dir: Path, models_dir: Path, levels: Sequence[int], per_level: int, workers: int
) -> Section:
    proc, base = start_server(index_dir, models_dir, workers)
    try:
        results = []
        for concurrency in levels:
            total = max(per_level, 4 * concurrency)
            level = asyncio.run(_load(base, concurrency, total))
            results.append(level)
            print(
                f"http c={concurrency}: p50 {level.latency.p50_ms} ms p95 {level.latency.p95_ms} "
                f"ms {level.requests_per_s} req/s errors {level.errors} {level.error_kinds or ''}"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return _section(
        results,
        [f"uvicorn, {workers} worker(s), loopback; each client sends its next question when "
         "the previous answer arrives"],
    )  # fmt: skip


# --------------------------------------------------------------------------- baseline


def bench_baseline(documents: Path, runs: int, results: dict[str, Section]) -> Section:
    """The plain LangChain + FAISS pipeline of eval/baseline.py on the same questions."""
    baseline = importlib.import_module("eval.baseline")  # owned by the evaluation workstream

    started = time.perf_counter()
    pipeline = baseline.LangChainBaseline.from_directory(documents)
    build_seconds = time.perf_counter() - started
    import torch

    # Measured at one and at the default number of torch threads; the faster counts,
    # so the ratios never flatter reportqa through a badly tuned baseline.
    default_threads = torch.get_num_threads()
    by_threads: dict[int, Latency] = {}
    for threads in sorted({1, default_threads}):
        torch.set_num_threads(threads)
        questions = itertools.cycle(QUESTIONS)
        by_threads[threads] = _timed(lambda: pipeline.search(next(questions), k=5), runs)  # noqa: B023
    torch.set_num_threads(default_threads)
    best_threads = min(by_threads, key=lambda t: by_threads[t].p50_ms)
    latency = by_threads[best_threads]
    ratios: dict[str, float] = {}
    http = results.get("http")
    if http is not None:
        for level in http.data:
            if level["concurrency"] == 1:
                ratios["http /ask p50 (1 client) / baseline p50"] = round(
                    level["latency"]["p50_ms"] / latency.p50_ms, 3
                )
    ask = results.get("ask")
    if ask is not None:
        ratios["in-process /ask p50 (default) / baseline p50"] = round(
            ask.data[0]["latency"]["p50_ms"] / latency.p50_ms, 3
        )
    print(f"baseline: p50 {latency.p50_ms} ms p95 {latency.p95_ms} ms ratios {ratios}")
    return _section(
        BaselineResult(
            "LangChain: RecursiveCharacterTextSplitter 1000/200, HuggingFaceEmbeddings, "
            "FAISS.similarity_search k=5 (eval/baseline.py)",
            round(build_seconds, 2), latency, ratios,
        ),
        [f"{runs} questions; in-process, same model and corpus; torch threads tried: "
         + ", ".join(f"{t}: p50 {v.p50_ms} ms" for t, v in by_threads.items())
         + f"; the faster ({best_threads}) is the baseline"],
    )  # fmt: skip


# --------------------------------------------------------------------------- scale


def real_vectors(
    scifact: Path, limit: int, cache_path: Path, models_dir: Path
) -> tuple[np.ndarray, np.ndarray, str]:
    """Real MiniLM embeddings: corpus vectors and query vectors, plus how they were made.

    SciFact abstracts are cut into sentences (the bundled corpus alone has a few
    hundred); each is encoded once with the ONNX backend and kept in an embedding
    cache so later runs read them back.
    """
    from corpus.sentences import sentence_spans
    from index.embedders.caching import EmbeddingCache, encode_cached
    from index.embedders.onnx import OnnxEmbedder

    texts = _bundled_sentences()
    queries = list(QUESTIONS)
    source = "bundled corpus sentences"
    if (scifact / "corpus.jsonl").is_file():
        source += " + SciFact abstract sentences"
        with (scifact / "corpus.jsonl").open() as handle:
            for line in handle:
                record = json.loads(line)
                body = f"{record.get('title', '')}\n{record.get('text', '')}"
                texts.extend(body[s:e] for s, e in sentence_spans(body))
                if len(texts) >= limit:
                    break
        with (scifact / "queries.jsonl").open() as handle:
            queries.extend(json.loads(line)["text"] for line in handle)
    texts = list(dict.fromkeys(t for t in texts if len(t) > 20))[:limit]
    embedder = OnnxEmbedder(cache_dir=models_dir)
    cache = EmbeddingCache(cache_path, embedder.name, embedder.dimension)
    try:
        corpus, report = encode_cached(embedder, texts, cache)
        query_vectors, _ = encode_cached(embedder, queries, cache)
    finally:
        cache.close()
    print(f"real vectors: {len(texts)} ({report.encoded} encoded now), {len(queries)} queries")
    return corpus, query_vectors, f"{len(texts)} real embeddings of {source}"


def synthetic_vectors(real: np.ndarray, size: int, seed: int = 7) -> np.ndarray:
    """`size` unit vectors shaped like the real ones: each is a random mix of two real
    embeddings plus a little noise, so they keep the real distribution's clusters and
    anisotropy (uniform random vectors have none, and make any ANN recall meaningless)."""
    rng = np.random.default_rng(seed)
    out = np.empty((size, real.shape[1]), dtype=np.float32)
    step = 100_000
    for begin in range(0, size, step):
        n = min(step, size - begin)
        a = real[rng.integers(0, len(real), n)]
        b = real[rng.integers(0, len(real), n)]
        w = rng.uniform(0.55, 0.95, (n, 1)).astype(np.float32)
        block = w * a + (1 - w) * b + rng.normal(0, 0.02, (n, real.shape[1])).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[begin : begin + n] = block
    return out


def scale_row(
    vectors: np.ndarray, queries: np.ndarray, kind: str, work: Path, runs: int
) -> ScaleRow:
    import faiss

    from index.dense import DenseIndex, HnswOptions, set_search_threads

    size = len(vectors)
    # Exact ground truth, batched; faiss only uses BLAS for batches above this threshold.
    faiss.cvar.distance_compute_blas_threshold = 16
    set_search_threads(os.cpu_count() or 1)
    _, exact = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)

    set_search_threads(1)
    counter = iter(range(10**9))
    flat_query = _timed(
        lambda: faiss.knn(queries[next(counter) % len(queries)][None, :], vectors, 10,
                          metric=faiss.METRIC_INNER_PRODUCT),
        runs if size < 500_000 else max(10, runs // 10),
    )  # fmt: skip

    set_search_threads(os.cpu_count() or 1)  # the build uses both cores
    started = time.perf_counter()
    dense = DenseIndex.build(vectors, np.arange(size), kind="hnsw")
    build_s = time.perf_counter() - started
    path = work / f"hnsw-{size}.faiss"
    dense.save(path)
    del dense
    started = time.perf_counter()
    DenseIndex.load(path, mmap=False)
    load_s = time.perf_counter() - started
    rss_before = _rss_mib()
    started = time.perf_counter()
    dense = DenseIndex.load(path, mmap=True)
    mmap_s = time.perf_counter() - started

    set_search_threads(1)
    counter = iter(range(10**9))
    hnsw_query = _timed(lambda: dense.search(queries[next(counter) % len(queries)], 10), runs)
    recall = _recall(dense, queries, exact)
    rss_after = _rss_mib()
    sweep: dict[str, tuple[float, float]] = {}
    for ef in EF_SWEEP:
        dense.set_ef_search(ef)
        queries_cycle = itertools.cycle(queries)
        p50 = _timed(lambda: dense.search(next(queries_cycle), 10), max(20, runs // 2)).p50_ms  # noqa: B023
        sweep[str(ef)] = (round(_recall(dense, queries, exact), 4), p50)
    dense.set_ef_search(HnswOptions().ef_search)
    row = ScaleRow(
        size=size,
        vectors=kind,
        flat_query=flat_query,
        flat_bytes=int(vectors.nbytes),
        hnsw_build_s=round(build_s, 1),
        hnsw_query=hnsw_query,
        hnsw_bytes=path.stat().st_size,
        hnsw_load_s=round(load_s, 2),
        hnsw_load_mmap_s=round(mmap_s, 3),
        rss_mib_after_load=round(rss_after - rss_before + 0.0, 1),
        recall_at_10=round(recall, 4),
        ef_sweep=sweep,
    )
    path.unlink()
    print(
        f"scale {size} ({kind}): flat p50 {flat_query.p50_ms} ms, hnsw p50 {hnsw_query.p50_ms} ms, "
        f"build {build_s:.1f} s, recall@10 {recall:.4f}, file {row.hnsw_bytes / 2**20:.0f} MiB, "
        f"ef sweep {sweep}",
        flush=True,
    )
    return row


def _recall(dense: Any, queries: np.ndarray, exact: np.ndarray) -> float:
    _, approx = dense.search_batch(queries, 10)
    return float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact, strict=True)]))


def bench_scale(
    sizes: Sequence[int], scifact: Path, real_limit: int, work: Path, models_dir: Path, runs: int
) -> Section:

    real, queries, how = real_vectors(
        scifact, real_limit, work / "scale-embeddings.sqlite3", models_dir
    )
    rows = []
    for size in sizes:
        if size <= len(real):
            vectors, kind = np.ascontiguousarray(real[:size]), "real"
        else:
            vectors, kind = synthetic_vectors(real, size), "generated from real"
        rows.append(scale_row(vectors, queries, kind, work, runs))
        del vectors
    return _section(
        rows,
        [how + f"; {len(queries)} real query embeddings (bench questions + SciFact queries)",
         "generated: each vector a random mix (weights 0.55-0.95 / rest) of two real embeddings "
         "plus N(0, 0.02) noise, re-normalised",
         "HNSW32, efConstruction 80, built with both cores; HNSW columns at the service's "
         "efSearch for that size (256 up to 200k, 1024 above); queries one at a time, one thread; "
         "recall@10 against exact inner-product search over all query embeddings",
         "RSS is the resident growth after a memory-mapped load and the queries"],
    )  # fmt: skip


# --------------------------------------------------------------------------- report


def _load_results(path: Path) -> dict[str, Any]:
    if path.is_file():
        try:
            return dict(json.loads(path.read_text()))
        except json.JSONDecodeError:
            return {}
    return {}


def merge_sections(base: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Sections of `other` replace those of `base`; scale rows are merged by size."""
    out = dict(base)
    for name, section in other.items():
        if name == "scale" and "scale" in base:
            rows = {r["size"]: r for r in base["scale"]["data"]}
            rows.update({r["size"]: r for r in section["data"]})
            notes = list(
                dict.fromkeys([*base["scale"].get("notes", []), *section.get("notes", [])])
            )
            out[name] = {**section, "data": [rows[k] for k in sorted(rows)], "notes": notes}
        else:
            out[name] = section
    return out


def render_markdown(results: dict[str, Any]) -> str:
    """The performance section of docs/benchmarks.md, from the merged JSON results."""
    lines = [START, "", "Regenerate with `reportqa bench` (sections and sizes: "
             "`reportqa bench --help`).", ""]  # fmt: skip
    m = results.get("machine", {})
    if m:
        lines += [
            f"Machine: {m['cpu']}, {m['cores']} cores ({', '.join(m['simd'])}), "
            f"{m['memory_gib']} GiB, {m['os']}; Python {m['python']}, torch {m['torch']}, "
            f"onnxruntime {m['onnxruntime']}, faiss {m['faiss']}. The cores are shared with "
            "other work, so compare rows measured in the same section (load average given).",
            "",
        ]
    sections = results.get("sections", {})
    lines += _targets(sections)

    def head(name: str, title: str) -> None:
        s = sections[name]
        lines.extend([f"### {title}", "", f"Measured {s['measured_at']}, load average "
                      f"{', '.join(str(x) for x in s['load_average'])}.", ""])  # fmt: skip

    def notes(name: str) -> None:
        lines.extend([f"- {n}" for n in sections[name].get("notes", [])] + [""])

    if "encode" in sections:
        head("encode", "Query encoding (one question)")
        lines += [
            "| backend | p50 ms | p95 ms | min cosine vs torch |",
            "| --- | ---: | ---: | ---: |",
        ]
        for r in sections["encode"]["data"]:
            lat = r["latency"]
            lines.append(
                _row([r["backend"], lat["p50_ms"], lat["p95_ms"], r["min_cosine_vs_torch"]])
            )
        lines.append("")
        notes("encode")
    if "build" in sections:
        head("build", "Index build, bundled corpus")
        lines += ["| run | seconds | chunks | encoded | from cache | chunks/s |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
        for r in sections["build"]["data"]:
            lines.append(
                _row(
                    [
                        r[k]
                        for k in ("label", "seconds", "chunks", "encoded", "cached", "chunks_per_s")
                    ]
                )
            )
        lines.append("")
        notes("build")
    if "ask" in sections:
        head("ask", "/ask in-process")
        lines += ["| variant | p50 ms | p95 ms | n |", "| --- | ---: | ---: | ---: |"]
        for r in sections["ask"]["data"]:
            lat = r["latency"]
            lines.append(f"| {r['label']} | {lat['p50_ms']} | {lat['p95_ms']} | {lat['n']} |")
        lines.append("")
        notes("ask")
    if "http" in sections:
        head("http", "/ask over HTTP (loopback)")
        lines += ["| clients | requests | errors | p50 ms | p95 ms | requests/s |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
        for r in sections["http"]["data"]:
            lat = r["latency"]
            lines.append(
                _row([r["concurrency"], r["requests"], r["errors"], lat["p50_ms"], lat["p95_ms"],
                      r["requests_per_s"]])
            )  # fmt: skip
        lines.append("")
        notes("http")
    if "baseline" in sections:
        head("baseline", "Against a plain LangChain + FAISS pipeline")
        b = sections["baseline"]["data"]
        lat = b["latency"]
        lines += [
            f"{b['pipeline']}: build {b['build_seconds']} s, query p50 {lat['p50_ms']} ms, "
            f"p95 {lat['p95_ms']} ms.",
            "",
            "| ratio | value |",
            "| --- | ---: |",
        ]
        lines += [f"| {k} | {v} |" for k, v in b["ratios"].items()]
        lines.append("")
        notes("baseline")
    if "scale" in sections:
        from index.dense import auto_ef_search

        head("scale", "Scale: flat versus HNSW")
        lines += [
            "| vectors | made | flat p50 ms | flat MiB | HNSW build s | HNSW p50 ms "
            "| HNSW file MiB | load s | mmap load s | RSS growth MiB | recall@10 |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in sections["scale"]["data"]:
            # Quote the HNSW figures at the service's efSearch for this size, from the sweep.
            recall, p50 = r.get("ef_sweep", {}).get(
                str(auto_ef_search(r["size"])), (r["recall_at_10"], r["hnsw_query"]["p50_ms"])
            )
            cells = [
                f"{r['size']:,}",
                r["vectors"],
                r["flat_query"]["p50_ms"],
                f"{r['flat_bytes'] / 2**20:.0f}",
                r["hnsw_build_s"],
                p50,
                f"{r['hnsw_bytes'] / 2**20:.0f}",
                r["hnsw_load_s"],
                r["hnsw_load_mmap_s"],
                r["rss_mib_after_load"],
                recall,
            ]
            lines.append(_row(cells))
        lines += ["", "HNSW efSearch sweep on the same graphs (recall@10 / query p50 ms):", ""]
        efs = sorted(
            {ef for r in sections["scale"]["data"] for ef in r.get("ef_sweep", {})}, key=int
        )
        lines += [_row(["vectors", *[f"ef {ef}" for ef in efs]]), _row(["---:"] * (len(efs) + 1))]
        for r in sections["scale"]["data"]:
            sweep = r.get("ef_sweep", {})
            lines.append(
                _row([f"{r['size']:,}", *[
                    f"{sweep[ef][0]} / {sweep[ef][1]}" if ef in sweep else "" for ef in efs
                ]])
            )  # fmt: skip
        lines.append("")
        notes("scale")
    lines.append(END)
    return "\n".join(lines)


def _targets(sections: dict[str, Any]) -> list[str]:
    """The issue's targets against the figures measured, where a section has them."""
    rows: list[tuple[str, str, bool]] = []
    if "encode" in sections:
        onnx = [r for r in sections["encode"]["data"] if r["backend"].startswith("onnx")]
        if onnx:
            default = [r for r in onnx if "default" in r["backend"]] or onnx
            p50 = default[-1]["latency"]["p50_ms"]
            rows.append(("query encode p50 <= 8 ms (default backend)", f"{p50} ms", p50 <= 8))
            cosine = min(r["min_cosine_vs_torch"] for r in onnx)
            rows.append(
                ("ONNX vectors agree with torch, cosine >= 0.999", f"{cosine}", cosine >= 0.999)
            )
    if "baseline" in sections:
        for name, value in sections["baseline"]["data"]["ratios"].items():
            if name.startswith("http"):
                rows.append(
                    ("/ask p50 over HTTP <= 0.5x LangChain in-process", f"{value}x", value <= 0.5)
                )
    if "build" in sections:
        warm = [r for r in sections["build"]["data"] if r["label"].startswith("warm")]
        if warm:
            encoded = max(r["encoded"] for r in warm)
            slowest = max(r["seconds"] for r in warm)
            met = encoded == 0 and slowest < 5
            rows.append(
                ("unchanged re-index: 0 encoded, < 5 s", f"{encoded} encoded, {slowest} s", met)
            )
    if "http" in sections:
        for level in sections["http"]["data"]:
            if level["concurrency"] == 32:
                rows.append(("32 concurrent clients: zero errors", f"{level['errors']} errors",
                             level["errors"] == 0))  # fmt: skip
    if "scale" in sections:
        from index.dense import auto_ef_search

        for r in sections["scale"]["data"]:
            if r["size"] >= 1_000_000:
                ef = auto_ef_search(r["size"])
                recall, p50 = r.get("ef_sweep", {}).get(
                    str(ef), (r["recall_at_10"], r["hnsw_query"]["p50_ms"])
                )
                figures = f"{p50} ms, {recall} ({r['vectors']})"
                met = p50 <= 20 and recall >= 0.98
                rows.append(
                    (f"{r['size']:,} vectors: p50 <= 20 ms, recall@10 >= 0.98", figures, met)
                )
    if not rows:
        return []
    out = ["### Targets", "", "| target | measured | met |", "| --- | --- | --- |"]
    out += [_row([t, m, "yes" if ok else "**no**"]) for t, m, ok in rows]
    return [*out, ""]


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def write_markdown(path: Path, block: str) -> None:
    """Replace the text between the bench markers, leaving the rest of the file alone."""
    text = path.read_text() if path.is_file() else "# Benchmarks\n"
    if START in text and END in text:
        before = text.split(START, 1)[0]
        after = text.split(END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda o: asdict(o)))


# --------------------------------------------------------------------------- entry point


def _ints(text: str) -> list[int]:
    return [int(float(x)) for x in text.split(",") if x.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sections",
        default="encode,build,ask,http,baseline,scale",
        help=f"comma-separated subset of {','.join(SECTIONS)}",
    )
    parser.add_argument("--documents", type=Path, default=REPO / "corpus" / "documents")
    parser.add_argument(
        "--work", type=Path, default=None, help="scratch directory (default: a temporary one)"
    )
    parser.add_argument(
        "--models",
        type=Path,
        default=REPO / "var" / "models",
        help="where the ONNX export is cached",
    )
    parser.add_argument("--runs", type=int, default=200, help="timed calls per latency figure")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--http-requests", type=int, default=200, help="requests per level")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers for the HTTP run")
    parser.add_argument(
        "--scale-sizes",
        default="10000,100000",
        help="vector counts, e.g. 10000,100000,1000000 (1M: ~15 min, ~6 GB)",
    )
    parser.add_argument(
        "--real-vectors",
        type=int,
        default=20_000,
        help="real embeddings to make for recall (encoded once, then cached)",
    )
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT)
    parser.add_argument(
        "--merge", type=Path, action="append", default=[],
        help="also take the sections of another results JSON (scale rows merge by size)",
    )  # fmt: skip
    parser.add_argument("--json", dest="json_path", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--markdown", type=Path, default=DEFAULT_MARKDOWN)  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """Run the chosen sections, merge into the JSON file, rewrite the Markdown block."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    chosen = [s.strip() for s in args.sections.split(",") if s.strip() and s.strip() != "none"]
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        raise SystemExit(
            f"reportqa bench: unknown sections {sorted(unknown)}; choose from {SECTIONS}"
        )
    stored = _load_results(args.json_path)
    sections: dict[str, Section] = {}
    scratch = None
    if args.work is None:
        scratch = tempfile.TemporaryDirectory(prefix="reportqa-bench-")
        work = Path(scratch.name)
    else:
        work = args.work
        work.mkdir(parents=True, exist_ok=True)
    models = args.models
    try:
        if "encode" in chosen:
            sections["encode"] = bench_encode(models, args.runs)
        index_dir = work / "index"
        if "build" in chosen:
            sections["build"], index_dir = bench_build(args.documents, work, models)
        elif {"ask", "http"} & set(chosen) and not (index_dir / "manifest.json").exists():
            bench_build(args.documents, work, models)
        if "ask" in chosen:
            sections["ask"] = bench_ask(index_dir, models, args.runs)
        if "http" in chosen:
            sections["http"] = bench_http(
                index_dir, models, _ints(args.concurrency), args.http_requests, args.workers
            )
        merged_view = {k: Section(**v) for k, v in stored.get("sections", {}).items()}
        merged_view.update({k: Section(**_jsonable(v)) for k, v in sections.items()})
        if "baseline" in chosen:
            try:
                sections["baseline"] = bench_baseline(args.documents, args.runs, merged_view)
            except ImportError as exc:
                print(f"baseline skipped: eval/baseline.py is not available ({exc})")
        if "scale" in chosen:
            sections["scale"] = bench_scale(
                _ints(args.scale_sizes), args.scifact, args.real_vectors, work, models,
                min(args.runs, 200),
            )  # fmt: skip
    finally:
        if scratch is not None:
            scratch.cleanup()
    merged = {**stored.get("sections", {}), **_jsonable(sections)}
    for other in args.merge:
        merged = merge_sections(merged, _load_results(other).get("sections", {}))
    results = {"machine": machine(), "sections": merged}
    args.json_path.parent.mkdir(parents=True, exist_ok=True)
    args.json_path.write_text(json.dumps(results, indent=2) + "\n")
    write_markdown(args.markdown, render_markdown(results))
    print(f"wrote {args.json_path} and {args.markdown}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="reportqa bench", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
