"""Load from a second process: concurrent clients against a real server, zero errors.

The figures in docs/benchmarks.md come from a longer run of the same generator
(`python -m tests.support.loadgen --write docs/benchmarks.md`); here the run is
short and only correctness under concurrency is asserted, not speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.build import BuildSummary
from tests.service.api.conftest import KEYS, QUERY_KEY
from tests.support.live import LiveServer, live_server
from tests.support.loadgen import markdown, run_load, write_section

pytestmark = pytest.mark.integration

CLIENTS = 8
SECONDS = 10


@pytest.fixture(scope="module")
def server(
    bundled_index: BuildSummary, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    log = tmp_path_factory.mktemp("load") / "server.log"
    with live_server(bundled_index.index_dir, log, {"REPORTQA_API_KEYS": KEYS}) as running:
        yield running


def test_concurrent_clients_get_no_errors(server: LiveServer, tmp_path: Path) -> None:
    result = asyncio.run(run_load(server.url, CLIENTS, SECONDS, api_key=QUERY_KEY))
    print(markdown(result))
    assert result.requests > CLIENTS
    assert result.error_count == 0, result.errors
    assert set(result.latency_ms) >= {"all", "ask"}
    assert 0 < result.latency_ms["all"]["p50"] <= result.latency_ms["all"]["p95"]
    # The section writer leaves other engineers' sections alone.
    bench = tmp_path / "benchmarks.md"
    bench.write_text("# Benchmarks\n\n<!-- other:start -->\nkeep\n<!-- other:end -->\n")
    write_section(bench, markdown(result))
    write_section(bench, markdown(result))
    text = bench.read_text()
    assert text.count("<!-- load:start -->") == 1 and "keep" in text
