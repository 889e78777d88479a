"""Schema fuzzing with schemathesis over real HTTP: no 5xx, every answer matches the schema.

The app runs under uvicorn in a thread on a loopback port, with the fake embedder
and the tiny index so that hundreds of requests take seconds. Examples per
operation are bounded; the run is reproducible (derandomised). For a longer,
random exploration: `FUZZ_EXAMPLES=400 pytest tests/service/api/test_fuzz.py`.

What it found (and what was fixed): 404 of /documents/{doc_id} was undocumented;
`filters.date_from: 0` was accepted as 1970-01-01 (dates are now YYYY-MM-DD text
only); FastAPI's documented 422 body did not match the service's error body. A longer
run (400 examples) found `/search?date_to=0` read as a Unix time, and `true`/`0`
accepted where the schema says number/boolean (`prefer_recent: 0`, `top_k: true`),
and malformed document ids in filters (now 16 hex digits, as in /documents/{doc_id}).
A query string carries text only, so a negative example such as `kind=false` (a
"boolean" where the schema says strings) is still a valid kind: random runs can report
such cases for /search, which are not faults.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Err, Result

from index.build import build_index
from index.embedders.hashing import HashingEmbedder
from service.api.app import create_app
from service.api.state import app_state
from service.qa.engine import QAEngine
from service.settings import Settings
from tests.conftest import TINY_CORPUS
from tests.service.api.conftest import ADMIN_KEY, KEYS, auth
from tests.support.live import thread_server

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))


@pytest.fixture(scope="module")
def fuzz_server(
    tmp_path_factory: pytest.TempPathFactory, fake_embedder: HashingEmbedder
) -> Iterator[str]:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(TINY_CORPUS, root / "tiny")
    documents = root / "tiny" / "documents"
    summary = build_index(documents, root / "var" / "index", fake_embedder, progress=False)
    app_settings = Settings(
        index_dir=summary.index_dir, documents_dir=documents, api_keys=KEYS, abstain_below=0.0
    )
    engine = QAEngine.load(app_settings, embedder=fake_embedder)
    app = create_app(app_settings, engine=engine)
    with thread_server(app) as url:
        yield url
        app_state(app).manager.wait_for_build(timeout=60)


# The OpenAPI document does not depend on the index, so it is read from an app built
# at import time; the requests go to the live server.
SCHEMA = schemathesis.openapi.from_dict(create_app(Settings(api_keys=KEYS)).openapi())
# An oversized body is refused with 413 before it is parsed: a rejection like any 4xx.
_rejection = SCHEMA.config.checks.negative_data_rejection
_rejection.expected_statuses = [*_rejection.expected_statuses, "413"]


_Operation = schemathesis.APIOperation[Any, Any, Any, Any]


def _operation(result: Result[_Operation, InvalidSchema]) -> _Operation:
    """The operation, or the schema error that stopped it being read."""
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


OPERATIONS = {op.label: op for op in map(_operation, SCHEMA.get_all_operations())}
# Negative examples need an input to break: a query, a path parameter or a body.
CASES = [(label, GenerationMode.POSITIVE) for label in sorted(OPERATIONS)] + [
    (label, GenerationMode.NEGATIVE)
    for label, op in sorted(OPERATIONS.items())
    if len(op.query) or len(op.path_parameters) or len(op.body)
]
# A schema cannot say "a UTF-8 .txt or .md file", so schema-valid uploads may
# rightly be refused with 415/422; every other check still applies to them.
CONTENT_CHECKED = {"POST /documents": [positive_data_acceptance]}


# Query parameters that take a list (repeatable): `?kind=x` is a list of one on the wire.
_LIST_PARAMETERS = frozenset({"kind", "doc_id"})


def _invalid_in_a_query_string(case: schemathesis.Case[Any]) -> bool:
    """False for a "negative" query value that a query string cannot tell from a valid one.

    `?kind=false` is the string "false" on the wire, a valid kind; schemathesis means
    the boolean false (or a number, an object, a nested list), which no query string can
    carry. Likewise a single string for a list parameter is, on the wire, a list of one.
    """
    for name, values in (case.query or {}).items():
        if name in _LIST_PARAMETERS and not isinstance(values, list):
            return False
        items = values if isinstance(values, list) else [values]
        if any(not isinstance(item, str) for item in items):
            return False
    return True


def _dates_in_order(case: schemathesis.Case[Any]) -> bool:
    """False for a date range that ends before it starts.

    The schema cannot say "date_to not before date_from"; such a request is rightly
    refused with a 422 that says so, so it is not a valid example.
    """
    body = case.body if isinstance(case.body, dict) else {}
    filters = body.get("filters")
    for where in (case.query or {}, filters if isinstance(filters, dict) else {}):
        start, end = where.get("date_from"), where.get("date_to")
        if isinstance(start, str) and isinstance(end, str) and start > end:
            return False
    return True


@pytest.mark.parametrize(("label", "mode"), CASES, ids=[f"{op}-{m.value}" for op, m in CASES])
def test_api_conforms_to_its_schema(fuzz_server: str, label: str, mode: GenerationMode) -> None:
    """Valid requests get a documented success; invalid ones a documented 4xx; never a 5xx."""

    cases = OPERATIONS[label].as_strategy(generation_mode=mode)
    if mode == GenerationMode.POSITIVE:
        cases = cases.filter(_dates_in_order)
    else:
        cases = cases.filter(_invalid_in_a_query_string)

    @given(case=cases)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=os.environ.get("FUZZ_EXAMPLES") is None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(
            base_url=fuzz_server,
            headers=auth(ADMIN_KEY),
            excluded_checks=CONTENT_CHECKED.get(label, []),
        )

    check()
