"""The performance block of docs/benchmarks.md, rendered from the merged JSON results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eval.bench.records import END, START
from eval.markdown import replace_block

Row = tuple[str, str, bool]  # target, measured, met


def render_markdown(results: dict[str, Any]) -> str:
    """The performance section of docs/benchmarks.md, from the merged JSON results."""
    lines = [START, "", "Regenerate with `reportqa bench` (sections and sizes: "
             "`reportqa bench --help`).", ""]  # fmt: skip
    lines += _machine(results.get("machine", {}))
    sections = results.get("sections", {})
    lines += targets(sections)
    for name, title, table in _TABLES:
        if name in sections:
            lines += _section(title, sections[name], table(sections[name]["data"]))
    lines.append(END)
    return "\n".join(lines)


def write_markdown(path: Path, block: str) -> None:
    """Replace the text between the bench markers, leaving the rest of the file alone."""
    replace_block(path, START, END, block)


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _machine(m: dict[str, Any]) -> list[str]:
    if not m:
        return []
    return [
        f"Machine: {m['cpu']}, {m['cores']} cores ({', '.join(m['simd'])}), "
        f"{m['memory_gib']} GiB, {m['os']}; Python {m['python']}, torch {m['torch']}, "
        f"onnxruntime {m['onnxruntime']}, faiss {m['faiss']}. The cores are shared with "
        "other work, so compare rows measured in the same section (load average given).",
        "",
    ]


def _section(title: str, section: dict[str, Any], table: list[str]) -> list[str]:
    """A section's heading, when it was measured, its table and its notes."""
    load = ", ".join(str(x) for x in section["load_average"])
    head = [f"### {title}", "", f"Measured {section['measured_at']}, load average {load}.", ""]
    notes = [f"- {n}" for n in section.get("notes", [])]
    return [*head, *table, "", *notes, ""]


# --------------------------------------------------------------------------- tables


def _encode_table(data: list[dict[str, Any]]) -> list[str]:
    lines = ["| backend | p50 ms | p95 ms | min cosine vs torch |", "| --- | ---: | ---: | ---: |"]
    for r in data:
        lat = r["latency"]
        lines.append(_row([r["backend"], lat["p50_ms"], lat["p95_ms"], r["min_cosine_vs_torch"]]))
    return lines


def _build_table(data: list[dict[str, Any]]) -> list[str]:
    lines = ["| run | seconds | chunks | encoded | from cache | chunks/s |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    keys = ("label", "seconds", "chunks", "encoded", "cached", "chunks_per_s")
    return lines + [_row([r[k] for k in keys]) for r in data]


def _ask_table(data: list[dict[str, Any]]) -> list[str]:
    lines = ["| variant | p50 ms | p95 ms | n |", "| --- | ---: | ---: | ---: |"]
    for r in data:
        lat = r["latency"]
        lines.append(f"| {r['label']} | {lat['p50_ms']} | {lat['p95_ms']} | {lat['n']} |")
    return lines


def _http_table(data: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| clients | client | requests | errors | p50 ms | server-side p50 ms | p95 ms "
        "| requests/s |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in data:
        lat = r["latency"]
        lines.append(
            _row([r["concurrency"], r.get("client", "httpx"), r["requests"], r["errors"],
                  lat["p50_ms"], r.get("server_p50_ms", "–"), lat["p95_ms"], r["requests_per_s"]])
        )  # fmt: skip
    return lines


def _bulk_table(data: list[dict[str, Any]]) -> list[str]:
    lines = ["| encoding | processes | chunks | chunks/s (rounds) | median | ratio | min cosine |",
             "| --- | ---: | ---: | --- | ---: | ---: | ---: |"]  # fmt: skip
    for r in data:
        rounds = ", ".join(str(x) for x in r["chunks_per_s"])
        lines.append(
            _row([r["label"], r["processes"], r["chunks"], rounds, r["median_chunks_per_s"],
                  f"{r['ratio']}x", r["min_cosine"]])
        )  # fmt: skip
    return lines


def _baseline_table(b: dict[str, Any]) -> list[str]:
    lat = b["latency"]
    lines = [
        f"{b['pipeline']}: build {b['build_seconds']} s, query p50 {lat['p50_ms']} ms, "
        f"p95 {lat['p95_ms']} ms.",
        "",
        "| ratio | value |",
        "| --- | ---: |",
    ]
    return lines + [f"| {k} | {v} |" for k, v in b["ratios"].items()]


def _at_service_ef(r: dict[str, Any]) -> tuple[float, float]:
    """(recall@10, p50 ms) of a scale row at the service's efSearch for its size."""
    from index.dense import auto_ef_search

    recall, p50 = r.get("ef_sweep", {}).get(
        str(auto_ef_search(r["size"])), (r["recall_at_10"], r["hnsw_query"]["p50_ms"])
    )
    return recall, p50


def _scale_table(data: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| vectors | made | flat p50 ms | flat MiB | HNSW build s | HNSW p50 ms "
        "| HNSW file MiB | load s | mmap load s | RSS growth MiB | recall@10 |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in data:
        # Quote the HNSW figures at the service's efSearch for this size, from the sweep.
        recall, p50 = _at_service_ef(r)
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
    return [*lines, "", "HNSW efSearch sweep on the same graphs (recall@10 / query p50 ms):", "",
            *_ef_sweep_table(data)]  # fmt: skip


def _ef_sweep_table(data: list[dict[str, Any]]) -> list[str]:
    efs = sorted({ef for r in data for ef in r.get("ef_sweep", {})}, key=int)
    lines = [_row(["vectors", *[f"ef {ef}" for ef in efs]]), _row(["---:"] * (len(efs) + 1))]
    for r in data:
        sweep = r.get("ef_sweep", {})
        lines.append(
            _row([f"{r['size']:,}", *[
                f"{sweep[ef][0]} / {sweep[ef][1]}" if ef in sweep else "" for ef in efs
            ]])
        )  # fmt: skip
    return lines


def _p50_p95(latency: dict[str, Any] | None) -> str:
    return f"{latency['p50_ms']} / {latency['p95_ms']}" if latency else ""


def _backend_table(data: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| chunks | backend | dense | publish s | stored MiB | open s | RSS MiB (open +) "
        "| dense p50 / p95 ms | recall@10 | filtered p50 ms | filtered recall@10 "
        "| BM25 p50 / p95 ms | BM25 top-10 = files | BM25 max score diff "
        "| retrieve p50 / p95 ms |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: |",
    ]
    for r in data:
        dense, lexical = r["dense"], r["lexical"]
        lines.append(
            _row([f"{r['size']:,}", r["backend"], r["dense_index"], r["publish_s"],
                  f"{r['stored_bytes'] / 2**20:.0f}", r["open_s"],
                  f"{r['rss_mib']:.0f} (+{r['rss_open_mib']:.0f})",
                  f"{dense['p50_ms']} / {dense['p95_ms']}", r["recall_at_10"],
                  r["filtered_dense"]["p50_ms"], r["filtered_recall_at_10"],
                  f"{lexical['p50_ms']} / {lexical['p95_ms']}", r["lexical_same_top10"],
                  r["lexical_max_score_diff"], _p50_p95(r.get("retrieve"))])
        )  # fmt: skip
    ratios = [r for r in data if r.get("ratios")]
    if not ratios:
        return lines
    keys = list(dict.fromkeys(k for r in ratios for k in r["ratios"]))
    lines += [
        "",
        "Ratios to the files backend at the same size (postgres / files):",
        "",
        _row(["chunks", "backend", *keys]),
        _row(["---:", "---", *["---:"] * len(keys)]),
    ]
    for r in ratios:
        lines.append(
            _row([f"{r['size']:,}", r["backend"], *[r["ratios"].get(k, "") for k in keys]])
        )
    return lines  # fmt: skip


def _backend_http_table(data: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| backend | replicas | clients | requests | errors | p50 ms | p95 ms | requests/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in data:
        lat = r["latency"]
        cells = [r["backend"], r["replicas"], r["concurrency"], r["requests"], r["errors"]]
        lines.append(_row([*cells, lat["p50_ms"], lat["p95_ms"], r["requests_per_s"]]))
    return lines


_TABLES: tuple[tuple[str, str, Callable[[Any], list[str]]], ...] = (
    ("encode", "Query encoding (one question)", _encode_table),
    ("build", "Index build, bundled corpus", _build_table),
    ("bulk", "Bulk embedding: one process or one per core", _bulk_table),
    ("ask", "/ask in-process", _ask_table),
    ("http", "/ask over HTTP (loopback)", _http_table),
    ("baseline", "Against a plain LangChain + FAISS pipeline", _baseline_table),
    ("scale", "Scale: flat versus HNSW", _scale_table),
    ("backend", "Index backends: files vs postgres", _backend_table),
    ("backend-http", "Index backends over HTTP, 1 and 2 replicas", _backend_http_table),
)


# --------------------------------------------------------------------------- targets


def targets(sections: dict[str, Any]) -> list[str]:
    """The issue's targets against the figures measured, where a section has them."""
    rows: list[Row] = []
    for name, check in _TARGETS:
        if name in sections:
            rows += check(sections[name]["data"])
    rows += _cross_targets(sections)
    if not rows:
        return []
    out = ["### Targets", "", "| target | measured | met |", "| --- | --- | --- |"]
    out += [_row([t, m, "yes" if ok else "**no**"]) for t, m, ok in rows]
    return [*out, ""]


def _encode_targets(data: list[dict[str, Any]]) -> list[Row]:
    onnx = [r for r in data if r["backend"].startswith("onnx")]
    if not onnx:
        return []
    default = [r for r in onnx if "default" in r["backend"]] or onnx
    p50 = default[-1]["latency"]["p50_ms"]
    cosine = min(r["min_cosine_vs_torch"] for r in onnx)
    return [
        ("query encode p50 <= 8 ms (default backend)", f"{p50} ms", p50 <= 8),
        ("ONNX vectors agree with torch, cosine >= 0.999", f"{cosine}", cosine >= 0.999),
    ]


def _baseline_targets(data: dict[str, Any]) -> list[Row]:
    return [
        ("/ask p50 over HTTP <= 0.5x LangChain in-process", f"{value}x", value <= 0.5)
        for name, value in data["ratios"].items()
        if name.startswith("http")
    ]


def _build_targets(data: list[dict[str, Any]]) -> list[Row]:
    warm = [r for r in data if r["label"].startswith("warm")]
    if not warm:
        return []
    encoded = max(r["encoded"] for r in warm)
    slowest = max(r["seconds"] for r in warm)
    met = encoded == 0 and slowest < 5
    return [("unchanged re-index: 0 encoded, < 5 s", f"{encoded} encoded, {slowest} s", met)]


def _http_targets(data: list[dict[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    for level in data:
        c, p50, errors = level["concurrency"], level["latency"]["p50_ms"], level["errors"]
        server = level.get("server_p50_ms")
        if c == 1 and server and level.get("client") == "http.client":
            gap = round(p50 - server, 2)
            rows.append(
                ("/ask p50 over HTTP <= server-side + 2 ms (1 client)",
                 f"{p50} ms = {server} + {gap} ms", gap <= 2)
            )  # fmt: skip
        if c == 8:
            rate = level["requests_per_s"]
            rows.append(
                ("8 closed-loop clients: >= 120 requests/s, 0 errors",
                 f"{rate} requests/s, {errors} errors", rate >= 120 and errors == 0)
            )  # fmt: skip
        if c == 32:
            rows.append(("32 concurrent clients: zero errors", f"{errors} errors", errors == 0))
    return rows


def _bulk_targets(data: list[dict[str, Any]]) -> list[Row]:
    parallel = [r for r in data if r["processes"] > 1]
    return [
        ("bulk embedding >= 1.2x chunks/s, cosine >= 0.9999",
         f"{r['ratio']}x, {r['min_cosine']}", r["ratio"] >= 1.2 and r["min_cosine"] >= 0.9999)
        for r in parallel
    ]  # fmt: skip


def _cross_targets(sections: dict[str, Any]) -> list[Row]:
    """Targets that compare two sections' figures of one run."""
    if "encode" not in sections or "http" not in sections:
        return []
    torch = [r for r in sections["encode"]["data"] if r["backend"].startswith("torch")]
    one = [r for r in sections["http"]["data"] if r["concurrency"] == 1]
    one = [r for r in one if r.get("client") == "http.client"] or one
    if not torch or not one:
        return []
    bare = torch[-1]["latency"]["p50_ms"]  # sentence-transformers at its default threads
    ask = one[0]["latency"]["p50_ms"]
    ratio = round(ask / bare, 3)
    return [
        ("/ask p50 over HTTP <= 0.5x a bare torch encode of the question",
         f"{ask} / {bare} ms = {ratio}x", ratio <= 0.5)
    ]  # fmt: skip


def _scale_targets(data: list[dict[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    for r in data:
        if r["size"] >= 1_000_000:
            recall, p50 = _at_service_ef(r)
            figures = f"{p50} ms, {recall} ({r['vectors']})"
            met = p50 <= 5 and recall >= 0.98
            rows.append((f"{r['size']:,} vectors: p50 <= 5 ms, recall@10 >= 0.98", figures, met))
    return rows


# In the order the targets table lists them.
_TARGETS: tuple[tuple[str, Callable[[Any], list[Row]]], ...] = (
    ("encode", _encode_targets),
    ("baseline", _baseline_targets),
    ("build", _build_targets),
    ("http", _http_targets),
    ("bulk", _bulk_targets),
    ("scale", _scale_targets),
)
