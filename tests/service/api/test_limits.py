"""Bad and abusive input: body size, malformed bodies, field limits, rate limits, 5xx hygiene."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.qa.engine import QAEngine
from tests.service.api.conftest import ADMIN_KEY, KEYS, QUERY_KEY, ClientFactory, auth

ASK = {"question": "When was the Beta trust launched?"}


def test_declared_oversized_body_is_413_before_reading(make_client: ClientFactory) -> None:
    client = make_client(max_body_bytes=2048)
    response = client.post(
        "/ask", json={"question": "x" * 1000, "history": [{"role": "user", "content": "y" * 1500}]}
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "request body too large: the limit is 2048 bytes"}


def test_streamed_oversized_body_is_413(make_client: ClientFactory) -> None:
    client = make_client(max_body_bytes=2048)

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        yield b'{"question": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}'

    response = client.post("/ask", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "limit is 2048 bytes" in response.json()["detail"]


def test_body_within_limit_is_served(make_client: ClientFactory) -> None:
    client = make_client(max_body_bytes=2048)
    assert client.post("/ask", json=ASK).status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        (b"{bad", "application/json", "body: not valid JSON"),
        (b"", "application/json", "body: Field required"),
        (b"[1, 2]", "application/json", "body: expected a JSON object"),
        (json.dumps(ASK).encode(), "text/plain", "body: expected a JSON object"),
        (b"\xff\xfe", "application/json", "body: not valid JSON"),
    ],
)
def test_malformed_bodies_are_422_saying_what_is_wrong(
    make_client: ClientFactory, body: bytes, content_type: str, fragment: str
) -> None:
    client = make_client()
    response = client.post("/ask", content=body, headers={"content-type": content_type})
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (
            {"question": "ok", "history": [{"role": "user", "content": "a"}] * 21},
            "history: List should have at most 20 items",
        ),
        (
            {"question": "ok", "history": [{"role": "user", "content": "a" * 4001}]},
            "history.0.content: String should have at most 4000 characters",
        ),
        (
            {"question": "ok", "history": [{"role": "system", "content": "a"}]},
            "history.0.role: Input should be 'user' or 'assistant'",
        ),
        (
            {"question": "ok", "filters": {"doc_ids": ["0" * 16] * 101}},
            "filters.doc_ids: List should have at most 100 items",
        ),
        (
            {"question": "ok", "filters": {"doc_ids": ["report.txt"]}},
            "filters.doc_ids.0: String should match pattern '^[0-9a-f]{16}$'",
        ),
        ({"question": "ok", "filters": {"owner": "x"}}, "filters.owner: Extra inputs"),
        ({"question": "ok", "mode": "magic"}, "mode: Input should be"),
    ],
)
def test_field_limits(
    make_client: ClientFactory, payload: dict[str, object], fragment: str
) -> None:
    response = make_client().post("/ask", json=payload)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/search?q=x&k=51", 422),
        ("/search?q=" + "x" * 2001, 422),
        ("/documents/../../etc/passwd", 404),
        ("/documents/..%2F..%2Fetc%2Fpasswd", 404),
        ("/documents/0123456789abcdeg", 422),
        ("/documents/0123456789ABCDEF", 422),
        ("/documents/0123456789abcdef", 404),
    ],
)
def test_query_and_path_limits(make_client: ClientFactory, path: str, status: int) -> None:
    response = make_client().get(path)
    assert response.status_code == status
    assert "root:" not in response.text
    assert isinstance(response.json()["detail"], str)


def test_unexpected_failure_is_a_bare_500_with_request_id(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: QAEngine, request: object) -> None:
        raise RuntimeError("secret internals at /srv/reportqa/engine.py line 42")

    monkeypatch.setattr(QAEngine, "ask", explode)
    client = make_client(raise_server_exceptions=False)
    response = client.post("/ask", json=ASK, headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error"}
    assert response.headers["X-Request-ID"] == "trace-500"
    assert "Traceback" not in response.text


def test_rate_limit_is_429_with_retry_after(make_client: ClientFactory) -> None:
    client = make_client(rate_limit="3/minute")
    statuses = [client.get("/documents").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/documents")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "rate limit exceeded" in refused.json()["detail"]
    # Probes are never limited.
    assert client.get("/health").status_code == 200
    assert client.get("/ready").status_code == 200


def test_rate_limit_counts_per_key(make_client: ClientFactory) -> None:
    client = make_client(rate_limit="2/minute", api_keys=KEYS)
    for _ in range(2):
        assert client.get("/documents", headers=auth(QUERY_KEY)).status_code == 200
    assert client.get("/documents", headers=auth(QUERY_KEY)).status_code == 429
    # Another key has its own allowance.
    assert client.get("/documents", headers=auth(ADMIN_KEY)).status_code == 200


def test_guessing_keys_is_rate_limited_by_address(make_client: ClientFactory) -> None:
    client = make_client(rate_limit="3/minute", api_keys=KEYS)
    guesses = [
        client.get("/documents", headers=auth(f"guess-number-{n:010d}")).status_code
        for n in range(5)
    ]
    assert guesses == [401, 401, 401, 429, 429]


def test_per_key_rate_limit_from_keys_file(tmp_path: Path, make_client: ClientFactory) -> None:
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(
        json.dumps(
            {
                "keys": [
                    {"name": "slow", "key": QUERY_KEY, "rate_limit": "1/minute"},
                    {"name": "free", "key": ADMIN_KEY, "scopes": ["admin"]},
                ]
            }
        )
    )
    client = make_client(api_keys_file=keys_file)
    assert client.get("/documents", headers=auth(QUERY_KEY)).status_code == 200
    assert client.get("/documents", headers=auth(QUERY_KEY)).status_code == 429
    # No default limit is configured, so the other key is not limited.
    assert all(
        client.get("/documents", headers=auth(ADMIN_KEY)).status_code == 200 for _ in range(5)
    )
