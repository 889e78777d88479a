"""Request validation is consistent across endpoints: blank text, numbers and kinds.

Each fault once reproduced here: a whitespace-only `q` and a question of zero-width
spaces were accepted; `"top_k": "5"` was coerced while `true` was refused; a kind in
another case silently matched nothing while a malformed doc id was a 422.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from index.build import build_index
from index.embedders.hashing import HashingEmbedder
from service.api.app import create_app
from service.qa.contract import NOT_BLANK_PATTERN, Filters
from service.qa.engine import QAEngine
from service.settings import Settings

QUESTION = "When was the Beta trust launched?"
BLANK_MESSAGE = "must contain non-whitespace text"

# Blank once whitespace and format characters (Unicode category Cf) are set aside.
BLANKS = [
    " \t\n",
    "\u200b",  # zero-width space
    "\u200c\u200d",  # zero-width non-joiner, joiner
    "\u2060",  # word joiner
    "\ufeff",  # byte-order mark
    " \u200b\u00a0\u2060\ufeff\u00ad ",  # with a no-break space and a soft hyphen
    "\u202e\u2066",  # bidi controls
    "\U000e0001\U000e0041",  # language tag characters, beyond the BMP
]
BLANK_IDS = [ascii(b) for b in BLANKS]


def _refused(response: Any, fragment: str) -> None:
    """A 422 whose readable `detail` names the problem, in the app's error format."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert isinstance(body["detail"], str) and fragment in body["detail"], body["detail"]
    assert body["errors"], body


# -- blank text -------------------------------------------------------------------------


@pytest.mark.parametrize("blank", BLANKS, ids=BLANK_IDS)
def test_blank_question_is_refused_on_ask_and_stream(client: TestClient, blank: str) -> None:
    for path in ("/ask", "/ask/stream"):
        _refused(
            client.post(path, json={"question": blank}), f"question: Value error, {BLANK_MESSAGE}"
        )


@pytest.mark.parametrize("blank", BLANKS, ids=BLANK_IDS)
def test_blank_query_is_refused_on_search(client: TestClient, blank: str) -> None:
    _refused(client.get("/search", params={"q": blank}), f"query.q: Value error, {BLANK_MESSAGE}")


@pytest.mark.parametrize("blank", BLANKS, ids=BLANK_IDS)
@pytest.mark.parametrize("role", ["user", "assistant"])
def test_blank_history_turn_is_refused(client: TestClient, blank: str, role: str) -> None:
    history = [{"role": "user", "content": "Was the Beta trust launched?"}]
    history.append({"role": role, "content": blank})
    response = client.post("/ask", json={"question": QUESTION, "history": history})
    _refused(response, f"history.1.content: Value error, {BLANK_MESSAGE}")


def test_invisible_characters_inside_real_text_are_fine(client: TestClient) -> None:
    question = "\ufeffWhen was the Beta\u200b trust launched?\u2060"
    assert client.post("/ask", json={"question": question}).status_code == 200
    assert client.get("/search", params={"q": "\u200bBeta trust"}).status_code == 200


def test_schema_pattern_says_what_the_validator_checks() -> None:
    """The schema fuzzer generates from the pattern: it must agree with the validator on
    every character (a string is blank when every character is)."""
    pattern = re.compile(NOT_BLANK_PATTERN)
    disagree = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if (pattern.search(chr(code)) is None)
        != (chr(code).isspace() or unicodedata.category(chr(code)) == "Cf")
    ]
    assert disagree == []


# -- numbers are not coerced from strings ------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"top_k": "5"}, "top_k: Value error, must be a number, not a string"),
        ({"top_k": True}, "top_k: Value error, must be a number, not true/false"),
        ({"top_k": 2.5}, "top_k: Input should be a valid integer"),
        ({"fusion": {"k": "60"}}, "fusion.k: Value error, must be a number, not a string"),
        ({"fusion": {"dense_weight": "0.5"}}, "fusion.dense_weight: Value error, must be a number"),
        ({"fusion": {"lexical_weight": False}}, "fusion.lexical_weight: Value error"),
        ({"prefer_recent": "true"}, "prefer_recent: Input should be a valid boolean"),
        ({"prefer_recent": 1}, "prefer_recent: Input should be a valid boolean"),
    ],
)
def test_json_numbers_and_booleans_are_never_coerced(
    client: TestClient, extra: dict[str, object], fragment: str
) -> None:
    for path in ("/ask", "/ask/stream"):
        _refused(client.post(path, json={"question": QUESTION, **extra}), fragment)


def test_non_finite_weight_in_a_body_is_refused(client: TestClient) -> None:
    # Python's JSON parser reads NaN; it is no weight.
    body = '{"question": "ok", "fusion": {"dense_weight": NaN}}'
    response = client.post("/ask", content=body, headers={"content-type": "application/json"})
    _refused(response, "fusion.dense_weight: Input should be a finite number")


def test_json_numbers_are_accepted(client: TestClient) -> None:
    body = {
        "question": QUESTION,
        "top_k": 3.0,  # the integer 3, as JSON Schema has it
        "fusion": {"k": 10, "dense_weight": 1, "lexical_weight": 0.5},
        "prefer_recent": False,
    }
    response = client.post("/ask", json=body)
    assert response.status_code == 200, response.text
    assert len(response.json()["citations"]) <= 3


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"k": "five"}, "query.k: Input should be a valid integer"),
        ({"k": "2.5"}, "query.k: Input should be a valid integer"),
        ({"rrf_k": "sixty"}, "query.rrf_k: Input should be a valid integer"),
        ({"dense_weight": "heavy"}, "query.dense_weight: Input should be a valid number"),
        ({"lexical_weight": "nan"}, "query.lexical_weight: Input should be a finite number"),
        ({"dense_weight": "inf"}, "query.dense_weight: Input should be a finite number"),
        ({"prefer_recent": "maybe"}, "query.prefer_recent: Input should be a valid boolean"),
    ],
)
def test_search_query_numbers_must_be_numeric(
    client: TestClient, params: dict[str, str], fragment: str
) -> None:
    _refused(client.get("/search", params={"q": QUESTION, **params}), fragment)


def test_search_query_numbers_are_read_from_text(client: TestClient) -> None:
    params = {"q": QUESTION, "k": "2", "rrf_k": "10", "dense_weight": "0.5"}
    response = client.get("/search", params={**params, "prefer_recent": "true"})
    assert response.status_code == 200, response.text
    assert len(response.json()["hits"]) <= 2


# -- kinds match without case ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["Inspection Letter", "INSPECTION LETTER", " inspection  letter"])
def test_kind_filter_ignores_case_and_spacing(client: TestClient, kind: str) -> None:
    expected = client.get("/search", params={"q": QUESTION, "kind": "inspection letter"}).json()
    assert expected["hits"]
    found = client.get("/search", params={"q": QUESTION, "kind": kind}).json()
    assert found["hits"] == expected["hits"]

    asked = client.post("/ask", json={"question": QUESTION, "filters": {"kinds": [kind]}})
    assert asked.status_code == 200, asked.text
    citations = asked.json()["citations"]
    assert citations and all(c["kind"] == "inspection letter" for c in citations)


def test_blank_kind_is_refused(client: TestClient) -> None:
    _refused(
        client.get("/search", params={"q": QUESTION, "kind": "\u200b "}),
        f"query.kind.0: Value error, {BLANK_MESSAGE}",
    )
    body = {"question": QUESTION, "filters": {"kinds": ["news article", ""]}}
    _refused(client.post("/ask", json=body), f"filters.kinds.1: Value error, {BLANK_MESSAGE}")


@pytest.fixture()
def mixed_case_client(tiny_documents: Path, fake_embedder: HashingEmbedder) -> Iterator[TestClient]:
    """The tiny corpus with its letter's kind written "Inspection Letter" in the manifest."""
    manifest_path = tiny_documents.parent / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["documents"]["alpha.txt"]["kind"] = "Inspection Letter"
    manifest_path.write_text(json.dumps(manifest))
    index_dir = tiny_documents.parent.parent / "var" / "index"
    summary = build_index(tiny_documents, index_dir, fake_embedder, progress=False)
    settings = Settings(
        index_dir=summary.index_dir, documents_dir=tiny_documents, abstain_below=0.0
    )
    engine = QAEngine.load(settings, embedder=fake_embedder)
    with TestClient(create_app(settings, engine=engine)) as client:
        yield client


def test_kind_stored_in_another_case_is_found(mixed_case_client: TestClient) -> None:
    hits = mixed_case_client.get(
        "/search", params={"q": QUESTION, "kind": "inspection letter"}
    ).json()["hits"]
    assert hits and {h["kind"] for h in hits} == {"Inspection Letter"}


def test_filters_compare_kinds_by_key() -> None:
    filters = Filters(kinds=["Inspection\u200b Letter"])
    assert filters.kinds == ["inspection letter"]
    assert filters.allows_kind("INSPECTION LETTER") and not filters.allows_kind("letter")
    assert Filters().allows_kind("anything")
