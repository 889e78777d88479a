"""Metrics, request ids, readiness and security headers (in-process, fake embedder)."""

from __future__ import annotations

import json
import logging
import logging.config
import re

import pytest
from asgi_correlation_id import correlation_id
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from index.build import BuildSummary
from service.api.app import create_app
from service.api.logs import log_config
from service.settings import Settings
from tests.service.api.conftest import KEYS, METRICS_KEY, ClientFactory, auth

ASK = {"question": "When was the Beta trust launched?"}


def _samples(
    client: TestClient, **headers: str
) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = client.get("/metrics", headers=headers).text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_count_routes_stages_and_index(
    make_client: ClientFactory, tiny_index: BuildSummary
) -> None:
    client = make_client()
    before = _samples(client)
    for top_k in (1, 2, 3):  # three different requests: a repeat is served by the answer cache
        assert client.post("/ask", json={**ASK, "top_k": top_k}).status_code == 200
    assert client.get("/documents/0123456789abcdef").status_code == 404
    after = _samples(client)

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    ask = {"method": "POST", "route": "/ask"}
    assert delta("reportqa_http_requests_total", status="200", **ask) == 3
    assert delta("reportqa_http_request_duration_seconds_count", **ask) == 3
    # Path parameters are grouped under the route template, not the raw path.
    assert (
        delta(
            "reportqa_http_requests_total", method="GET", route="/documents/{doc_id}", status="404"
        )
        == 1
    )
    for stage in ("retrieve", "answer", "total"):
        assert delta("reportqa_stage_duration_seconds_count", endpoint="ask", stage=stage) == 3
    assert _value(after, "reportqa_index_documents") == tiny_index.documents
    assert _value(after, "reportqa_index_chunks") == tiny_index.chunks
    assert _value(after, "reportqa_index_size_bytes") > 0
    version = tiny_index.manifest.index_version
    info = [k for k in after if k[0] == "reportqa_index_info"]
    assert len(info) == 1 and ("index_version", version) in info[0][1]


def test_refused_requests_are_counted_under_their_route(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    labels = {"method": "POST", "route": "/ask", "status": "401"}
    before = _value(_samples(client, **auth(METRICS_KEY)), "reportqa_http_requests_total", **labels)
    assert client.post("/ask", json=ASK).status_code == 401
    after = _value(_samples(client, **auth(METRICS_KEY)), "reportqa_http_requests_total", **labels)
    assert after - before == 1


def test_request_id_generated_echoed_or_replaced(make_client: ClientFactory) -> None:
    client = make_client()
    generated = client.get("/health").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert (
        client.get("/health", headers={"X-Request-ID": "job-42.a_b"}).headers["X-Request-ID"]
        == "job-42.a_b"
    )
    # Anything that could forge or bloat a log line is replaced by a fresh id.
    for bad in ("two words", "x" * 65, "id\u00e9".encode()):
        # httpx takes str names with bytes values at run time; its HeaderTypes does not say so.
        headers = {"X-Request-ID": bad}
        replaced = client.get("/health", headers=headers).headers["X-Request-ID"]  # type: ignore[arg-type]
        assert re.fullmatch(r"[0-9a-f]{32}", replaced)
    # Refusals made by middleware carry it too.
    assert "X-Request-ID" in client.post("/admin/reload").headers


def test_ready_is_503_until_an_index_is_loaded(tiny_index: BuildSummary) -> None:
    app = create_app(Settings(index_dir=tiny_index.index_dir))
    client = TestClient(app)  # no `with`: the lifespan (and so the index load) never runs
    response = client.get("/ready")
    assert response.status_code == 503
    assert "not loaded" in response.json()["detail"]
    assert client.get("/health").status_code == 200  # alive all the same


def test_ready_reports_the_served_version(
    make_client: ClientFactory, tiny_index: BuildSummary
) -> None:
    body = make_client().get("/ready").json()
    assert body == {"status": "ready", "index_version": tiny_index.manifest.index_version}


def test_security_headers(make_client: ClientFactory) -> None:
    client = make_client()

    app = client.app
    assert isinstance(app, FastAPI)

    @app.get("/page-for-test", response_class=HTMLResponse)
    def page() -> str:
        return "<html><body>demo</body></html>"

    json_response = client.get("/health")
    assert json_response.headers["X-Content-Type-Options"] == "nosniff"
    assert json_response.headers["Referrer-Policy"] == "no-referrer"
    assert "Content-Security-Policy" not in json_response.headers

    html = client.get("/page-for-test")
    csp = html.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no inline or foreign scripts
    assert directives["connect-src"] == "'self'"
    assert html.headers["X-Frame-Options"] == "DENY"

    demo = client.get("/")  # the widget's demo page
    assert demo.headers["Content-Security-Policy"] == csp
    assert "/widget.js" in demo.text

    docs = client.get("/docs")
    assert docs.status_code == 200
    # The same policy, plus the hash of Swagger UI's inline start-up script only.
    docs_directives = dict(
        d.strip().split(" ", 1) for d in docs.headers["Content-Security-Policy"].split(";")
    )
    assert re.fullmatch(r"'self' 'sha256-[A-Za-z0-9+/]+={0,2}'", docs_directives["script-src"])
    assert {k: v for k, v in docs_directives.items() if k != "script-src"} == {
        k: v for k, v in directives.items() if k != "script-src"
    }
    assert docs.headers["X-Frame-Options"] == "DENY"


def test_openapi_documents_the_real_error_answers(make_client: ClientFactory) -> None:
    schema = make_client().get("/openapi.json").json()
    ask = schema["paths"]["/ask"]["post"]["responses"]
    for status in ("401", "403", "413", "422", "429", "503"):
        assert status in ask
    assert schema["components"]["schemas"]["HTTPValidationError"]["properties"]["detail"] == {
        "type": "string",
        "description": "What was wrong, for a person to read.",
    }
    assert "security" not in schema["paths"]["/health"]["get"]


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_log_config_formats_carry_the_request_id(
    log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    token = correlation_id.set("req-7")
    try:
        logging.config.dictConfig(log_config(Settings(log_format=log_format)))
        logging.getLogger("reportqa.access").info("GET /x 200", extra={"route": "/x"})
        uvicorn_line = logging.getLogger("uvicorn.error")
        uvicorn_line.info("Started", extra={"color_message": "\x1b[36mStarted\x1b[0m"})
    finally:
        correlation_id.reset(token)
        root.handlers[:] = handlers
        root.setLevel(level)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    if log_format == "json":
        first, second = (json.loads(line) for line in lines)
        assert first["request_id"] == "req-7" and first["route"] == "/x"
        assert first["level"] == "INFO" and first["logger"] == "reportqa.access"
        assert "color_message" not in second
    else:
        assert "[req-7] reportqa.access: GET /x 200" in lines[0]
