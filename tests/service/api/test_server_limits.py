"""Connection limits of the real uvicorn server: stalled requests are cut off after the read
timeout, connections beyond the limit get 503, and a 500 says `Connection: close`.

The servers run the app over the tiny index with the options `reportqa serve` passes to
uvicorn (`connection_limits`); the last test runs `reportqa serve` itself.
"""

from __future__ import annotations

import http.client
import json
import pickle
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from index.build import BuildSummary, build_index
from index.embedders.hashing import HashingEmbedder
from index.embedders.sentence_transformer import SentenceTransformerEmbedder
from service.api.app import create_app
from service.api.middleware.limits import connection_limits
from service.qa.contract import AskResponse
from service.qa.engine import QAEngine
from service.settings import Settings
from tests.support.live import live_server, thread_server

ASK = {"question": "When was the Beta trust launched?"}
# Short for the tests; every assertion on it allows ten times as long.
READ_TIMEOUT_S = 1.0
GENEROUS_S = 10.0

Start = Callable[..., str]


def serving(app: FastAPI, settings: Settings) -> AbstractContextManager[str]:
    """`app` on a real uvicorn server in a thread, with `reportqa serve`'s connection limits."""
    return thread_server(app, **connection_limits(settings))


@pytest.fixture()
def start(
    tiny_index: BuildSummary, tiny_documents: Path, fake_embedder: HashingEmbedder
) -> Iterator[Start]:
    """Start a server of the tiny index with extra settings; returns its URL."""
    with ExitStack() as stack:

        def start_server(**overrides: Any) -> str:
            settings = Settings(
                index_dir=tiny_index.index_dir,
                documents_dir=tiny_documents,
                abstain_below=0.0,
                **overrides,
            )
            engine = QAEngine.load(settings, embedder=fake_embedder)
            return stack.enter_context(serving(create_app(settings, engine=engine), settings))

        yield start_server


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=10)


def half_head(url: str) -> socket.socket:
    """A connection that sent part of a request head and then stalls (slowloris)."""
    sock = connect(url)
    sock.sendall(b"POST /ask HTTP/1.1\r\nHost: reportqa\r\nContent-Type: application/json\r\n")
    return sock


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes `sock` within `seconds` (anything it sends is skipped)."""
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not sock.recv(65536):
                return True
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    finally:
        sock.close()
    return False


def eventually_ok(url: str) -> bool:
    """Whether GET `url` answers 200 within a while: closed connections take a moment to
    leave the server's count."""
    deadline = time.monotonic() + GENEROUS_S
    while time.monotonic() < deadline:
        if httpx.get(url, timeout=GENEROUS_S).status_code == 200:
            return True
        time.sleep(0.1)
    return False


def test_a_half_sent_head_is_closed_while_other_clients_are_served(start: Start) -> None:
    url = start(request_read_timeout_s=READ_TIMEOUT_S)
    stalled = half_head(url)
    assert httpx.post(f"{url}/ask", json=ASK, timeout=GENEROUS_S).status_code == 200
    assert closed_within(stalled, GENEROUS_S)
    assert httpx.get(f"{url}/health", timeout=GENEROUS_S).status_code == 200


def test_a_stalled_body_is_closed(start: Start) -> None:
    url = start(request_read_timeout_s=READ_TIMEOUT_S)
    sock = connect(url)
    sock.sendall(
        b"POST /ask HTTP/1.1\r\nHost: reportqa\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n" + b'{"question": '
    )
    assert closed_within(sock, GENEROUS_S)


def test_a_keep_alive_connection_stalled_in_its_next_request_is_closed(start: Start) -> None:
    # The idle wait between requests is the keep-alive timeout's (long here); the read
    # deadline starts again with the next request's first byte.
    url = start(request_read_timeout_s=READ_TIMEOUT_S, keep_alive_timeout_s=60)
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=GENEROUS_S)
    conn.request("GET", "/health")
    response = conn.getresponse()
    response.read()
    assert response.status == 200 and not response.will_close
    time.sleep(2 * READ_TIMEOUT_S)  # idle longer than the read timeout: still open
    assert conn.sock is not None
    conn.sock.sendall(b"GET /health HTTP/1.1\r\nHost: reportqa\r\n")
    assert closed_within(conn.sock, GENEROUS_S)


def test_requests_beyond_the_concurrency_limit_get_503(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()
    answer = QAEngine.ask

    def held_ask(self: QAEngine, *args: Any, **kwargs: Any) -> AskResponse:
        entered.set()
        release.wait(timeout=30)
        return answer(self, *args, **kwargs)

    monkeypatch.setattr(QAEngine, "ask", held_ask)
    # uvicorn counts the new connection too: a limit of 2 leaves room for one other.
    url = start(max_connections=2)
    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(httpx.post, f"{url}/ask", json=ASK, timeout=30)
        try:
            assert entered.wait(timeout=GENEROUS_S), "the held request never reached the engine"
            refused = httpx.get(f"{url}/health", timeout=GENEROUS_S)
            assert refused.status_code == 503
            assert refused.headers["connection"] == "close"
        finally:
            release.set()
        assert held.result(timeout=30).status_code == 200
    assert eventually_ok(f"{url}/health")


def test_a_500_says_connection_close_and_the_client_carries_on(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: QAEngine, *args: Any, **kwargs: Any) -> AskResponse:
        raise RuntimeError("forced failure")

    monkeypatch.setattr(QAEngine, "ask", explode)
    url = start()
    parts = urlsplit(url)
    # http.client reuses a kept-alive connection: before the fix, its next request on
    # the connection closed under it failed with ECONNRESET.
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=GENEROUS_S)
    headers = {"Content-Type": "application/json"}
    conn.request("POST", "/ask", body=json.dumps(ASK), headers=headers)
    response = conn.getresponse()
    assert response.status == 500
    assert json.loads(response.read()) == {"detail": "internal error"}
    assert response.getheader("Connection") == "close"
    conn.request("GET", "/health")
    assert conn.getresponse().status == 200
    conn.close()
    with httpx.Client(base_url=url, timeout=GENEROUS_S) as client:
        for _ in range(3):
            assert client.post("/ask", json=ASK).status_code == 500
            assert client.get("/health").status_code == 200


def test_connection_limits_defaults_and_they_pickle_for_workers() -> None:
    limits = connection_limits(Settings())
    assert limits["limit_concurrency"] == 200
    assert limits["timeout_keep_alive"] == 5
    # --workers sends uvicorn's config, protocol factory included, to spawned processes.
    factory = pickle.loads(pickle.dumps(limits["http"]))
    assert factory.keywords == {"request_read_timeout": 15.0}


@pytest.mark.integration
def test_reportqa_serve_applies_the_limits(
    tmp_path: Path,
    tiny_documents: Path,
    real_embedder: SentenceTransformerEmbedder,
    onnx_dir: Path,
) -> None:
    index_dir = tmp_path / "var" / "index"
    build_index(tiny_documents, index_dir, real_embedder, progress=False)
    read_timeout_s = 3  # room for the 503 check below, made while two connections stall
    env = {
        "REPORTQA_DOCUMENTS_DIR": str(tiny_documents),
        "REPORTQA_ONNX_DIR": str(onnx_dir),
        "REPORTQA_REQUEST_READ_TIMEOUT_S": str(read_timeout_s),
        "REPORTQA_MAX_CONNECTIONS": "3",
    }
    with live_server(index_dir, tmp_path / "server.log", env) as server:
        stalled = [half_head(server.url)]
        assert eventually_ok(f"{server.url}/health")  # one stalled connection is within limits
        stalled.append(half_head(server.url))
        # Two stalled connections and this one reach the limit of 3.
        assert httpx.get(f"{server.url}/health", timeout=GENEROUS_S).status_code == 503
        assert [closed_within(sock, 3 * read_timeout_s) for sock in stalled] == [True, True]
        assert eventually_ok(f"{server.url}/health")
        time.sleep(0.5)  # let the log lines reach the file
        assert f"no whole request within {read_timeout_s} s" in server.log()
