"""`reportqa bench` arguments and run: measure the chosen sections, merge, write."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from eval.bench.ask import bench_ask
from eval.bench.backend_http import bench_backend_http
from eval.bench.backends import bench_backends
from eval.bench.baseline import bench_baseline
from eval.bench.build import bench_build
from eval.bench.bulk import bench_bulk
from eval.bench.encode import bench_encode
from eval.bench.http import bench_http
from eval.bench.measure import machine
from eval.bench.records import (
    DEFAULT_JSON,
    DEFAULT_MARKDOWN,
    DEFAULT_SCIFACT,
    REPO,
    SECTIONS,
    Section,
    jsonable,
    load_results,
    merge_sections,
)
from eval.bench.render import render_markdown, write_markdown
from eval.bench.scale import bench_scale


def _ints(text: str) -> list[int]:
    return [int(float(x)) for x in text.split(",") if x.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sections",
        default="encode,build,ask,http,baseline,scale",
        help=f"comma-separated subset of {','.join(SECTIONS)} (backend needs PostgreSQL: "
        "REPORTQA_DATABASE_URL's server, else one it starts; not in the default)",
    )
    parser.add_argument(
        "--documents",
        type=Path,
        default=REPO / "corpus" / "documents",
        help="documents to index and ask about (default corpus/documents)",
    )
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
    parser.add_argument(
        "--concurrency",
        default="1,8,32",
        help="comma-separated concurrent clients for the HTTP run",
    )
    parser.add_argument("--http-requests", type=int, default=200, help="requests per level")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers for the HTTP run")
    parser.add_argument(
        "--scale-sizes",
        default="10000,100000",
        help="vector counts, e.g. 10000,100000,1000000 (1M: ~15 min, ~6 GB)",
    )
    parser.add_argument(
        "--backend-sizes",
        default="10000,100000",
        help="chunk counts for the files-versus-postgres run (10k + 100k: ~3 min on 2 cores)",
    )
    parser.add_argument(
        "--real-vectors",
        type=int,
        default=20_000,
        help="real embeddings to make for recall (encoded once, then cached)",
    )
    parser.add_argument(
        "--bulk-chunks", type=int, default=400, help="SciFact abstracts the bulk section encodes"
    )
    parser.add_argument(
        "--scifact",
        type=Path,
        default=DEFAULT_SCIFACT,
        help="BEIR SciFact folder: its abstracts add real vectors to the scale run and are the "
        "bulk section's chunks, if present",
    )
    parser.add_argument(
        "--merge", type=Path, action="append", default=[],
        help="also take the sections of another results JSON (scale rows merge by size)",
    )  # fmt: skip
    parser.add_argument(
        "--json", dest="json_path", type=Path, default=DEFAULT_JSON,
        help="results JSON, merged with what it holds (default docs/benchmarks.json)",
    )  # fmt: skip
    parser.add_argument(
        "--markdown", type=Path, default=DEFAULT_MARKDOWN,
        help="Markdown file whose bench block is rewritten (default docs/benchmarks.md)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """Run the chosen sections, merge into the JSON file, rewrite the Markdown block."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    chosen = [s.strip() for s in args.sections.split(",") if s.strip() and s.strip() != "none"]
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        raise SystemExit(
            f"reportqa bench: unknown sections {sorted(unknown)}; choose from {SECTIONS}"
        )
    stored = load_results(args.json_path)
    if args.work is None:
        with tempfile.TemporaryDirectory(prefix="reportqa-bench-") as scratch:
            sections = _measure(args, chosen, stored, Path(scratch))
    else:
        args.work.mkdir(parents=True, exist_ok=True)
        sections = _measure(args, chosen, stored, args.work)
    merged = {**stored.get("sections", {}), **jsonable(sections)}
    for other in args.merge:
        merged = merge_sections(merged, load_results(other).get("sections", {}))
    results = {"machine": machine(), "sections": merged}
    args.json_path.parent.mkdir(parents=True, exist_ok=True)
    args.json_path.write_text(json.dumps(results, indent=2) + "\n")
    write_markdown(args.markdown, render_markdown(results))
    print(f"wrote {args.json_path} and {args.markdown}")
    return 0


def _measure(
    args: argparse.Namespace, chosen: list[str], stored: dict[str, Any], work: Path
) -> dict[str, Section]:
    """The chosen sections, in order; `work` holds the index and other scratch files."""
    sections: dict[str, Section] = {}
    models = args.models
    if "encode" in chosen:
        sections["encode"] = bench_encode(models, args.runs)
    index_dir = work / "index"
    if "build" in chosen:
        sections["build"], index_dir = bench_build(args.documents, work, models)
    elif {"ask", "http", "backend-http"} & set(chosen) and not (
        index_dir / "manifest.json"
    ).exists():
        bench_build(args.documents, work, models)
    if "bulk" in chosen:
        if args.scifact and (args.scifact / "corpus.jsonl").exists():
            sections["bulk"] = bench_bulk(args.scifact, models, args.bulk_chunks)
        else:
            print(f"bulk skipped: no SciFact corpus at {args.scifact}")
    if "ask" in chosen:
        sections["ask"] = bench_ask(index_dir, models, args.runs)
    if "http" in chosen:
        sections["http"] = bench_http(
            index_dir, models, _ints(args.concurrency), args.http_requests, args.workers
        )
    merged_view = {k: Section(**v) for k, v in stored.get("sections", {}).items()}
    merged_view.update({k: Section(**jsonable(v)) for k, v in sections.items()})
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
    if "backend" in chosen:
        sections["backend"] = bench_backends(
            _ints(args.backend_sizes), args.scifact, args.real_vectors, work, models
        )
    if "backend-http" in chosen:
        sections["backend-http"] = bench_backend_http(
            args.documents, index_dir, models, _ints(args.concurrency), args.http_requests, work
        )
    return sections


def main(argv: list[str] | None = None) -> int:
    from eval import bench

    parser = argparse.ArgumentParser(prog="reportqa bench", description=bench.__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))
