"""The harness on the gold sets with the real model: floors, HTTP parity, baseline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from corpus.load import load_documents
from eval.clients import EngineClient, HttpClient
from eval.datasets import IndexedDocument, normalise_for_match
from eval.run import EvalResult, check_floors, read_floors, run_gold
from eval.server import index_loaded, running_server
from index.build import BuildSummary
from service.qa.engine import QAEngine
from tests.conftest import BUNDLED_DOCUMENTS, REPO

pytestmark = pytest.mark.integration

GOLD = REPO / "eval" / "gold" / "bundled.jsonl"
FLOORS = REPO / "eval" / "floors.json"
# The gold set the answer model is never fitted on, and its own floors.
HELDOUT_GOLD = REPO / "eval" / "gold" / "heldout.jsonl"
HELDOUT_FLOORS = REPO / "eval" / "floors-heldout.json"
# The held-out half of the questions about what a question names (council, year, kind).
CONSTRAINTS_GOLD = REPO / "eval" / "gold" / "heldout-constraints.jsonl"
CONSTRAINTS_FLOORS = REPO / "eval" / "floors-heldout-constraints.json"


@pytest.fixture(scope="module")
def engine(bundled_engine: QAEngine) -> QAEngine:
    return bundled_engine


@pytest.fixture(scope="module")
def gold_result(engine: QAEngine) -> EvalResult:
    return run_gold(GOLD, [EngineClient(engine)], progress=False)


def test_accuracy_stays_above_the_floors(gold_result: EvalResult) -> None:
    floors = read_floors(FLOORS)["reportqa"]
    run = gold_result.runs[0]
    assert run.aggregate.questions >= 80
    failures = check_floors(run, floors)
    assert not failures, "accuracy regressed:\n" + "\n".join(failures)


def test_out_of_sample_accuracy_stays_above_its_floors(engine: QAEngine) -> None:
    run = run_gold(HELDOUT_GOLD, [EngineClient(engine)], progress=False).runs[0]
    assert run.aggregate.questions >= 30
    failures = check_floors(run, read_floors(HELDOUT_FLOORS)["reportqa"])
    assert not failures, "held-out accuracy regressed:\n" + "\n".join(failures)


def test_held_out_constraint_questions_stay_above_their_floors(engine: QAEngine) -> None:
    run = run_gold(CONSTRAINTS_GOLD, [EngineClient(engine)], progress=False).runs[0]
    assert run.aggregate.questions >= 100
    failures = check_floors(run, read_floors(CONSTRAINTS_FLOORS)["reportqa"])
    assert not failures, "held-out constraint accuracy regressed:\n" + "\n".join(failures)


def test_resolved_evidence_matches_the_index_text(
    gold_result: EvalResult, engine: QAEngine
) -> None:
    texts = {d.doc_id: d.text for d in engine.stored_documents()}
    checked = 0
    for q in gold_result.runs[0].questions:
        assert set(q.doc_ids) <= set(texts), q.id
        for ev in q.evidence:
            assert ev.spans, (q.id, ev.quote)
            for span in ev.spans:
                found = texts[span.doc_id][span.start : span.end]
                assert normalise_for_match(found).text == normalise_for_match(ev.quote).text
                checked += 1
    assert checked >= 80


@pytest.fixture(scope="module")
def server(bundled_index: BuildSummary) -> Iterator[str]:
    with running_server(bundled_index.index_dir, ready=index_loaded, timeout=120) as running:
        yield running.base


def test_http_client_scores_like_in_process(server: str, gold_result: EvalResult) -> None:
    client = HttpClient(server)
    try:
        over_http = run_gold(GOLD, [client], progress=False, limit=15).runs[0]
    finally:
        client.close()
    assert over_http.info["client"] == "http"
    in_process = gold_result.runs[0].questions[:15]
    for remote, local in zip(over_http.questions, in_process, strict=True):
        assert remote.id == local.id
        assert remote.doc_ids == local.doc_ids
        assert remote.answer == local.answer
        assert remote.metrics == local.metrics


def test_langchain_baseline_runs_on_the_same_gold_set() -> None:
    pytest.importorskip("langchain_community")
    pytest.importorskip("langchain_huggingface")
    from eval.baseline import LangChainBaseline
    from eval.clients import BaselineClient

    documents = load_documents(BUNDLED_DOCUMENTS)
    baseline = LangChainBaseline.build(documents)
    texts = {d.path: d.text for d in documents}
    hits = baseline.search("When did Doncaster Children's Services Trust launch?", k=4)
    assert len(hits) == 4
    assert all(texts[h.doc_path][h.start : h.end] == h.text for h in hits)
    assert all(len(h.text) <= 1000 for h in hits)
    assert hits[0].score >= hits[-1].score
    client = BaselineClient(
        baseline, [IndexedDocument(d.doc_id, d.path, d.text) for d in documents]
    )
    run = run_gold(GOLD, [client], progress=False, limit=20).runs[0]
    assert run.system == "langchain-baseline"
    # A sanity floor, not a target: similarity search finds the right report most of the time.
    assert run.aggregate.retrieval_doc["hit@5"] >= 0.5
