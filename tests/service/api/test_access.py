"""API keys and scopes: who may call what, and that keys never reach the logs."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from pathlib import Path

import pytest

from service.api.keys import KeyRing, required_scope
from service.errors import ConfigurationError
from service.settings import Settings
from tests.service.api.conftest import (
    ADMIN_KEY,
    KEYS,
    METRICS_KEY,
    QUERY_KEY,
    ClientFactory,
    auth,
)

ASK = {"question": "When was the Beta trust launched?"}


def test_without_keys_queries_are_open_and_admin_routes_refused(make_client: ClientFactory) -> None:
    client = make_client()
    assert client.post("/ask", json=ASK).status_code == 200
    assert client.get("/metrics").status_code == 200
    refused = client.post("/admin/reload")
    assert refused.status_code == 403
    assert "admin routes are disabled" in refused.json()["detail"]


def test_missing_key_is_401_with_a_hint(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    for method, path in [
        ("POST", "/ask"),
        ("GET", "/search?q=x"),
        ("GET", "/documents"),
        ("GET", "/openapi.json"),
        ("GET", "/no-such-route"),
    ]:
        response = client.request(method, path, json=ASK if method == "POST" else None)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert "missing API key" in response.json()["detail"]


def test_unknown_key_is_401(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    for headers in (auth("not-a-key-0123456789"), {"X-API-Key": QUERY_KEY + "x"}):
        response = client.post("/ask", json=ASK, headers=headers)
        assert response.status_code == 401
        assert response.json()["detail"] == "invalid API key"


def test_key_accepted_as_bearer_or_header(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    assert client.post("/ask", json=ASK, headers=auth(QUERY_KEY)).status_code == 200
    assert client.post("/ask", json=ASK, headers={"X-API-Key": QUERY_KEY}).status_code == 200
    assert client.get("/documents", headers={"authorization": f"bearer {QUERY_KEY}"}).is_success


def test_probes_and_static_assets_need_no_key(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    assert client.get("/health").status_code == 200
    assert client.get("/ready").status_code == 200
    # The demo page and the widget's files carry no data; browsers fetch them bare.
    for path in ("/", "/widget.js", "/widget.css"):
        assert client.get(path).status_code == 200, path
    # What the widget then asks for does need the key.
    assert client.post("/ask/stream", json=ASK).status_code == 401


@pytest.mark.parametrize(
    ("key", "method", "path", "status"),
    [
        (QUERY_KEY, "POST", "/admin/reload", 403),
        (QUERY_KEY, "GET", "/metrics", 403),
        (METRICS_KEY, "GET", "/metrics", 200),
        (METRICS_KEY, "GET", "/documents", 403),
        (ADMIN_KEY, "POST", "/admin/reload", 202),
        (ADMIN_KEY, "GET", "/documents", 200),  # admin implies every scope
        (ADMIN_KEY, "GET", "/metrics", 200),
    ],
)
def test_scopes(make_client: ClientFactory, key: str, method: str, path: str, status: int) -> None:
    client = make_client(api_keys=KEYS)
    response = client.request(method, path, headers=auth(key))
    assert response.status_code == status
    if status == 403:
        assert "lacks the" in response.json()["detail"]


def test_cors_preflight_is_not_asked_for_a_key(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    response = client.options(
        "/ask",
        headers={"Origin": "http://intranet.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code != 401


def test_keys_file_with_hashed_keys(tmp_path: Path, make_client: ClientFactory) -> None:
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(
        json.dumps(
            {
                "keys": [
                    {"name": "eval-bot", "sha256": hashlib.sha256(QUERY_KEY.encode()).hexdigest()},
                    {"name": "ops", "key": ADMIN_KEY, "scopes": ["admin"]},
                ]
            }
        )
    )
    client = make_client(api_keys_file=keys_file)
    assert client.post("/ask", json=ASK, headers=auth(QUERY_KEY)).status_code == 200
    assert client.post("/admin/reload", headers=auth(QUERY_KEY)).json()["detail"] == (
        "API key 'eval-bot' lacks the 'admin' scope for this route"
    )
    assert client.post("/admin/reload", headers=auth(ADMIN_KEY)).status_code == 202


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "API keys file unreadable"),
        ('{"keys": [{"name": "x"}]}', "give exactly one of 'key' or 'sha256'"),
        ('{"keys": [{"name": "x", "key": "short"}]}', "keys.0.key"),
        ('{"keys": [{"name": "x", "key": "long-enough-key-123", "scopes": ["root"]}]}', "scopes"),
        (
            '{"keys": [{"name": "x", "key": "long-enough-key-123", "rate_limit": "lots"}]}',
            "is not a rate limit",
        ),
    ],
)
def test_bad_keys_file_is_a_clear_configuration_error(
    tmp_path: Path, content: str, fragment: str
) -> None:
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(content)
    with pytest.raises(ConfigurationError) as caught:
        KeyRing.from_settings(Settings(api_keys_file=keys_file))
    assert str(keys_file) in str(caught.value)
    assert fragment in str(caught.value)


def test_short_or_duplicate_keys_refused() -> None:
    with pytest.raises(ConfigurationError, match="key #2 is shorter than 16"):
        KeyRing.from_settings(Settings(api_keys=f"{QUERY_KEY},tiny"))


def test_every_key_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    ring = KeyRing.from_settings(Settings(api_keys=KEYS))
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", counting)
    found = ring.identify(QUERY_KEY)  # the first key: the loop must still visit all
    assert found is not None and found.name == "env-1"
    assert len(calls) == len(ring) == 3


def test_keys_never_reach_the_logs(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(api_keys=KEYS)
    wrong = "wrong-key-that-is-long-enough"
    client.post("/ask", json=ASK, headers=auth(QUERY_KEY))
    client.post("/ask", json=ASK, headers={"X-API-Key": wrong})
    client.post("/admin/reload", headers=auth(ADMIN_KEY))
    assert caplog.records, "the access log should have recorded the requests"
    names = [getattr(r, "api_key_name", None) for r in caplog.records]
    assert "env-1" in names  # the key's name is logged ...
    for record in caplog.records:  # ... never the key, in the message or any field
        text = record.getMessage() + json.dumps(record.__dict__, default=str)
        for secret in (QUERY_KEY, ADMIN_KEY, wrong):
            assert secret not in text
            assert hashlib.sha256(secret.encode()).hexdigest() not in text


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/health", None),
        ("GET", "/ready/", None),
        ("GET", "/", None),
        ("GET", "/widget.js", None),
        ("GET", "/static/app.css", None),
        ("POST", "/ask", "query"),
        ("GET", "/documents", "query"),
        ("POST", "/documents", "admin"),
        ("POST", "/documents/", "admin"),
        ("POST", "/admin/reload", "admin"),
        ("GET", "/metrics", "metrics"),
        ("GET", "/docs", "query"),
        ("GET", "/anything-new", "query"),
    ],
)
def test_route_policy(method: str, path: str, scope: str | None) -> None:
    assert required_scope(method, path) == scope
