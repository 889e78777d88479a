"""What `reportqa bench` measures and keeps: constants, result records, the JSON file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DEFAULT_JSON = REPO / "docs" / "benchmarks.json"
DEFAULT_MARKDOWN = REPO / "docs" / "benchmarks.md"
DEFAULT_SCIFACT = REPO.parent / "shared" / "data" / "scifact"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
EF_SWEEP = (32, 64, 128, 256, 512, 1024)
SECTIONS = (
    "encode", "build", "bulk", "ask", "http", "baseline", "scale", "backend", "backend-http",
)  # fmt: skip

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
    server_p50_ms: float = 0.0  # the answers' own timing_ms.total: what is not HTTP
    client: str = "httpx"  # httpx.AsyncClient, or http.client (the least client overhead)


@dataclass(frozen=True)
class BackendHttpRow:
    """/ask over HTTP on one backend with `replicas` serve processes (section backend-http)."""

    backend: str
    replicas: int
    concurrency: int
    requests: int
    errors: int
    latency: Latency
    requests_per_s: float


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


@dataclass(frozen=True)
class BackendRow:
    """One index backend serving one prepared build (section `backend`)."""

    size: int  # chunks
    backend: str  # files, postgres, or postgres standby (reads from a hot standby)
    dense_index: str  # flat (exact scan) or hnsw
    publish_s: float  # from the start of publishing until this place serves the build
    stored_bytes: int
    open_s: float
    rss_mib: float  # the reading process after opening the build
    rss_open_mib: float  # what opening the build added to it
    dense: Latency
    recall_at_10: float  # against exact inner-product search
    filtered_dense: Latency  # restricted to ~10% of the documents
    filtered_recall_at_10: float
    lexical: Latency
    lexical_same_top10: float  # share of queries whose top-10 rows equal the files backend's
    lexical_max_score_diff: float  # largest BM25 score gap to the files backend, shared rows
    # Hybrid retrieval as /ask runs it, the question's vector given: dense and BM25 (at
    # once), fusion, chunk and document reads: all /ask spends in the index.
    retrieve: Latency
    # This row's figures over the files backend's at the same size, measured in the same run.
    ratios: dict[str, float] = field(default_factory=dict)


@dataclass
class Section:
    """One section's results with the conditions they were measured under."""

    measured_at: str
    load_average: list[float]
    data: Any
    notes: list[str] = field(default_factory=list)


def jsonable(value: Any) -> Any:
    """Records (dataclasses, nested) as plain JSON values."""
    return json.loads(json.dumps(value, default=lambda o: asdict(o)))


def load_results(path: Path) -> dict[str, Any]:
    """The results JSON of an earlier run, or {} when there is none (or it is unreadable)."""
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


@dataclass(frozen=True)
class BulkRow:
    """Encoding a build's chunks one way (section bulk)."""

    label: str
    processes: int
    chunks: int
    chunks_per_s: list[float]  # one figure per interleaved round
    median_chunks_per_s: float
    ratio: float  # median over the single-process median, same run
    min_cosine: float  # against the single-process vectors
