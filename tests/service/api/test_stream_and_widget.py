"""Streaming, widget assets, document view and CORS, in-process (fake embedder, tiny corpus).

The same paths run against the real model, server and browser in tests/service/api/widget/.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from index.build import BuildSummary
from index.embedders.hashing import HashingEmbedder
from service.api.app import create_app
from service.api.routes.ask import answer_pieces
from service.api.state import app_state
from service.qa.engine import QAEngine
from service.settings import Settings
from tests.service.api.conftest import ClientFactory


@dataclass
class Event:
    name: str
    data: dict[str, object]


def parse_events(body: str) -> list[Event]:
    """Parse a text/event-stream body (every event here carries JSON data)."""
    events = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            events.append(Event(name, json.loads("\n".join(data))))
    return events


def _client(settings: Settings, embedder: HashingEmbedder) -> TestClient:
    engine = QAEngine.load(settings, embedder=embedder)
    return TestClient(create_app(settings, engine=engine))


@pytest.fixture()
def client(make_client: ClientFactory) -> TestClient:
    return make_client(stream_words_per_event=2)


def test_stream_sends_citations_then_answer_pieces_then_the_full_response(
    client: TestClient,
) -> None:
    payload = {"question": "When was the Beta trust launched?"}
    response = client.post("/ask/stream", json=payload)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_events(response.text)
    names = [e.name for e in events]
    assert names[0] == "citations" and names[-1] == "done"
    assert set(names[1:-1]) == {"answer"} and len(names) > 3
    done = events[-1].data
    # The streamed pieces are exactly the answer, and `done` is the JSON /ask body.
    assert "".join(str(e.data["text"]) for e in events[1:-1]) == done["answer"]
    plain = client.post("/ask", json=payload).json()
    assert {k: v for k, v in done.items() if k != "timing_ms"} == {
        k: v for k, v in plain.items() if k != "timing_ms"
    }
    timing = done["timing_ms"]
    assert isinstance(timing, dict)
    assert set(timing) >= {"retrieve", "answer", "total"}
    assert done["index_version"] == plain["index_version"]
    # Citations arrive before the answer is chosen: same passages, no highlight yet.
    early = events[0].data["citations"]
    assert isinstance(early, list)
    assert [c["chunk_id"] for c in early] == [c["chunk_id"] for c in plain["citations"]]
    assert all(c["highlight"] is None for c in early)


def test_abstaining_stream_has_no_answer_events(
    tiny_index: BuildSummary, fake_embedder: HashingEmbedder
) -> None:
    settings = Settings(index_dir=tiny_index.index_dir, abstain_below=1.0)
    with _client(settings, fake_embedder) as client:
        events = parse_events(
            client.post(
                "/ask/stream", json={"question": "What is the boiling point of tungsten?"}
            ).text
        )
    assert [e.name for e in events] == ["citations", "done"]
    assert events[-1].data["answered"] is False
    assert events[-1].data["citations"]


def test_malformed_stream_request_is_a_plain_422(client: TestClient) -> None:
    response = client.post("/ask/stream", json={"question": "ok", "top_k": 0})
    assert response.status_code == 422
    assert "top_k" in response.json()["detail"]


def test_failure_after_the_stream_started_is_an_error_event(client: TestClient) -> None:
    engine = app_state(client.app).engine  # type: ignore[arg-type]
    assert engine is not None
    engine.index.close()  # the store's database is gone: retrieval fails mid-request
    response = client.post("/ask/stream", json={"question": "When was Beta launched?"})
    assert response.status_code == 200
    events = parse_events(response.text)
    assert [e.name for e in events] == ["error"]
    assert events[0].data["detail"]
    assert "Traceback" not in str(events[0].data["detail"])


@pytest.mark.parametrize("words", [1, 2, 5, 100])
def test_answer_pieces_rejoin_exactly(words: int) -> None:
    text = "Ofsted  rated the trust\n'good' in 2018 \u2014 a first. "
    pieces = answer_pieces(text, words)
    assert "".join(pieces) == text
    assert len(pieces) == -(-10 // words)  # ten words, the dash among them


def test_widget_assets_and_demo_page_are_served(client: TestClient) -> None:
    js = client.get("/widget.js")
    assert js.status_code == 200
    assert js.headers["content-type"].startswith("text/javascript")
    assert "attachShadow" in js.text
    # Report and user text only ever goes in as text: no HTML-parsing sinks at all.
    assert not re.search(r"(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write", js.text)
    css = client.get("/widget.css")
    assert css.headers["content-type"].startswith("text/css")
    page = client.get("/")
    assert page.headers["content-type"].startswith("text/html")
    assert '<script src="/widget.js"' in page.text


def test_document_view_marks_the_cited_range_and_escapes_text(client: TestClient) -> None:
    citation = client.post("/ask", json={"question": "When was Beta launched?"}).json()[
        "citations"
    ][0]
    url = f"/documents/{citation['doc_id']}/view?start={citation['start']}&end={citation['end']}"
    page = client.get(url)
    assert page.status_code == 200
    marked = page.text.split('<mark id="cited">', 1)[1].split("</mark>", 1)[0]
    assert html.unescape(marked) == citation["text"]
    bad = client.get(f"/documents/{citation['doc_id']}/view?start=5&end=1")
    assert bad.status_code == 422
    assert "start and end" in bad.json()["detail"]
    assert client.get("/documents/0000000000000000/view").status_code == 404


def test_cors_is_off_by_default(client: TestClient) -> None:
    response = client.post(
        "/ask", json={"question": "Beta?"}, headers={"Origin": "http://intranet.example"}
    )
    assert "access-control-allow-origin" not in response.headers


def test_cors_allows_only_the_configured_origins(
    tiny_index: BuildSummary, fake_embedder: HashingEmbedder
) -> None:
    settings = Settings(
        index_dir=tiny_index.index_dir, cors_origins="http://intranet.example, http://wiki.example/"
    )
    assert settings.cors_origins == ["http://intranet.example", "http://wiki.example"]
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-api-key",
    }
    with _client(settings, fake_embedder) as client:
        allowed = client.options(
            "/ask/stream", headers={"Origin": "http://wiki.example", **preflight}
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "http://wiki.example"
        assert "x-api-key" in allowed.headers["access-control-allow-headers"].lower()
        refused = client.options(
            "/ask/stream", headers={"Origin": "http://evil.example", **preflight}
        )
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers


def test_cors_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_CORS_ORIGINS", "https://a.example,https://b.example")
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]
    monkeypatch.setenv("REPORTQA_CORS_ORIGINS", "")
    assert Settings().cors_origins == []
