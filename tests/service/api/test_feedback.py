"""Answer feedback: POST /feedback, GET /admin/feedback, the SQLite store and the gold export."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from eval.datasets import GoldFormatError, read_gold
from index.build import BuildSummary
from service.cli import main
from service.ops.feedback import (
    CitedSpan,
    Feedback,
    FeedbackStore,
    FeedbackStoreError,
    HistoryTurn,
)
from tests.service.api.conftest import ADMIN_KEY, KEYS, QUERY_KEY, ClientFactory, auth

QUESTION = "When did the trust launch?"
CITATION = {"doc_id": "0123456789abcdef", "start": 10, "end": 42}


def body(**changes: Any) -> dict[str, Any]:
    """A valid feedback body with `changes` applied (None removes a field)."""
    sent: dict[str, Any] = {
        "question": QUESTION,
        "answer": "The trust launched in October 2014.",
        "helpful": False,
        "correction": "1 October 2014",
        "citations": [CITATION],
        "history": [{"role": "user", "content": "Tell me about the trust."}],
        "confidence": 0.42,
    }
    sent.update(changes)
    return {k: v for k, v in sent.items() if v is not None}


@pytest.fixture()
def keyed(make_client: ClientFactory, tmp_path: Path) -> TestClient:
    return make_client(api_keys=KEYS, feedback_path=tmp_path / "feedback" / "fb.sqlite3")


def test_feedback_is_stored_with_the_key_name_and_the_served_index_version(
    keyed: TestClient, tmp_path: Path
) -> None:
    served = keyed.get("/health").json()["index_version"]
    created = keyed.post("/feedback", json=body(), headers=auth(QUERY_KEY))
    assert created.status_code == 201, created.text
    stored = created.json()
    assert isinstance(stored["id"], int) and stored["index_version"] == served

    listed = keyed.get("/admin/feedback", headers=auth(ADMIN_KEY))
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert page["total"] == 1 and (page["limit"], page["offset"]) == (50, 0)
    (item,) = page["items"]
    assert item == {
        "id": stored["id"],
        "created_at": stored["created_at"],
        "api_key_name": "env-1",  # the query key's name, never the key
        "question": QUESTION,
        "answer": "The trust launched in October 2014.",
        "helpful": False,
        "correction": "1 October 2014",
        "citations": [CITATION],
        "history": [{"role": "user", "content": "Tell me about the trust."}],
        "index_version": served,
        "confidence": 0.42,
    }
    assert QUERY_KEY not in listed.text

    # One row in the SQLite file the setting names.
    with sqlite3.connect(tmp_path / "feedback" / "fb.sqlite3") as connection:
        rows = connection.execute(
            "SELECT api_key_name, question, helpful, correction, index_version FROM feedback"
        ).fetchall()
        (journal,) = connection.execute("PRAGMA journal_mode").fetchone()
    assert rows == [("env-1", QUESTION, 0, "1 October 2014", served)]
    assert journal == "wal"


def test_default_store_is_beside_the_index_not_inside_a_build(
    make_client: ClientFactory, tiny_index: BuildSummary
) -> None:
    client = make_client()
    created = client.post("/feedback", json={**body(index_version="client-v1"), "answer": ""})
    assert created.status_code == 201, created.text
    assert created.json()["index_version"] == "client-v1"  # the client's wins
    index_dir = Path(tiny_index.index_dir)
    store = index_dir.parent / "index.feedback.sqlite3"
    assert store.is_file()
    live_build = index_dir.resolve()
    assert not any(p.name.startswith("index.feedback") for p in live_build.rglob("*"))
    with sqlite3.connect(store) as connection:
        stored = connection.execute("SELECT api_key_name, answer, index_version FROM feedback")
        assert stored.fetchall() == [(None, "", "client-v1")]  # keys off; an abstention


def test_keys_and_scopes_apply(keyed: TestClient, make_client: ClientFactory) -> None:
    missing = keyed.post("/feedback", json=body())
    assert missing.status_code == 401
    assert (
        keyed.post("/feedback", json=body(), headers=auth("not-a-key-0123456789")).status_code
        == 401
    )
    assert keyed.get("/admin/feedback").status_code == 401
    refused = keyed.get("/admin/feedback", headers=auth(QUERY_KEY))
    assert refused.status_code == 403 and "admin" in refused.json()["detail"]
    # Without keys feedback is open, as /ask is, and the admin listing is off.
    open_client = make_client()
    assert open_client.post("/feedback", json=body()).status_code == 201
    assert open_client.get("/admin/feedback").status_code == 403


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"helpful": "false"}, "helpful"),  # no coercion from text
        ({"helpful": 0}, "helpful"),
        ({"helpful": None}, "helpful"),  # required
        ({"question": "   "}, "question"),
        ({"question": "\u200b"}, "question"),  # invisible is blank
        ({"question": "q" * 2001}, "question"),
        ({"question": 5}, "question"),
        ({"answer": None}, "answer"),  # required, though it may be "" or null
        ({"answer": 1}, "answer"),
        ({"correction": " "}, "correction"),
        ({"confidence": "0.5"}, "confidence"),
        ({"confidence": True}, "confidence"),
        ({"confidence": 1.5}, "confidence"),
        ({"citations": [{**CITATION, "start": "10"}]}, "citations"),
        ({"citations": [{**CITATION, "end": -1}]}, "citations"),
        ({"citations": [{**CITATION, "doc_id": "../etc"}]}, "citations"),
        ({"citations": [CITATION] * 51}, "citations"),
        ({"history": [{"role": "system", "content": "x"}]}, "history"),
        ({"history": [{"role": "user", "content": "x"}] * 21}, "history"),
        ({"index_version": "v 1"}, "index_version"),
        ({"extra": 1}, "extra"),
    ],
)
def test_malformed_bodies_are_refused(
    keyed: TestClient, changes: dict[str, Any], where: str
) -> None:
    refused = keyed.post("/feedback", json=body(**changes), headers=auth(QUERY_KEY))
    assert refused.status_code == 422, refused.text
    assert where in refused.json()["detail"]
    assert keyed.get("/admin/feedback", headers=auth(ADMIN_KEY)).json()["total"] == 0


def test_integral_floats_and_null_answers_are_accepted(keyed: TestClient) -> None:
    sent = body(citations=[{**CITATION, "start": 10.0}], confidence=1, answer=None)
    sent["answer"] = None  # an abstention as /ask reports it
    created = keyed.post("/feedback", json=sent, headers=auth(QUERY_KEY))
    assert created.status_code == 201, created.text


def test_admin_listing_pages_newest_first_and_filters(keyed: TestClient) -> None:
    for n, helpful in enumerate([True, False, True]):
        sent = body(question=f"question {n}", helpful=helpful)
        assert keyed.post("/feedback", json=sent, headers=auth(QUERY_KEY)).status_code == 201
    admin = auth(ADMIN_KEY)
    first = keyed.get("/admin/feedback?limit=2", headers=admin).json()
    assert first["total"] == 3
    assert [i["question"] for i in first["items"]] == ["question 2", "question 1"]
    rest = keyed.get("/admin/feedback?limit=2&offset=2", headers=admin).json()
    assert [i["question"] for i in rest["items"]] == ["question 0"]
    unhelpful = keyed.get("/admin/feedback?helpful=false", headers=admin).json()
    assert unhelpful["total"] == 1 and unhelpful["items"][0]["question"] == "question 1"
    assert keyed.get("/admin/feedback?limit=0", headers=admin).status_code == 422
    assert keyed.get("/admin/feedback?limit=501", headers=admin).status_code == 422


def test_cors_lets_the_widget_post_feedback_with_its_key(make_client: ClientFactory) -> None:
    client = make_client(cors_origins=["http://intranet.test"], api_keys=KEYS)
    preflight = client.options(
        "/feedback",
        headers={
            "Origin": "http://intranet.test",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-api-key",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://intranet.test"
    posted = client.post(
        "/feedback",
        json=body(),
        headers={"Origin": "http://intranet.test", "X-API-Key": QUERY_KEY},
    )
    assert posted.status_code == 201
    assert posted.headers["access-control-allow-origin"] == "http://intranet.test"


def test_an_unwritable_store_is_a_503_not_a_crash(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    client = make_client(feedback_path=blocker / "fb.sqlite3")
    refused = client.post("/feedback", json=body())
    assert refused.status_code == 503
    assert "feedback store" in refused.json()["detail"]


def test_store_is_safe_across_threads(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    ids: list[int] = []
    lock = threading.Lock()

    def add(n: int) -> None:
        for i in range(10):
            record = store.add(Feedback(question=f"q{n}-{i}", answer="", helpful=True))
            with lock:
                ids.append(record.id)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(ids) == list(range(1, 41))
    assert store.count() == 40 and len(store.recent(limit=100)) == 40


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(FeedbackStoreError, match="newer"):
        FeedbackStore(path).count()


# --- reportqa feedback export ---------------------------------------------------------


@pytest.fixture()
def store(tmp_path: Path) -> FeedbackStore:
    """One feedback of each kind, oldest first."""
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    shown = "The trust launched in October 2014.\u2028It was new."  # a line separator inside
    cited = (CitedSpan("0123456789abcdef", 10, 42),)
    history = (HistoryTurn("user", "Tell me about the trust."),)
    for feedback in [
        Feedback(question="When did it launch?", answer=shown, helpful=True, citations=cited),
        Feedback(question="What is the boiling point of tungsten?", answer="", helpful=True),
        Feedback(
            question="And its chief executive?",
            answer="Someone else.",
            helpful=False,
            correction="Paul Moffat",
            history=history,
            api_key_name="staff",
            index_version="v1",
            confidence=0.3,
        ),
        Feedback(question="How many carers?", answer="Four.", helpful=False),
    ]:
        store.add(feedback)
    return store


def test_export_writes_gold_candidates_read_gold_accepts(
    store: FeedbackStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "candidates.jsonl"
    code = main(["feedback", "export", "--db", str(store.path), "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert (
        f"wrote 4 gold candidates: 1 corrected, 2 helpful, 1 to answer (commented out) to {out}"
        in printed
    )

    questions = {q.id: q for q in read_gold(out)}
    assert sorted(questions) == ["feedback-1", "feedback-2", "feedback-3"]
    helpful = questions["feedback-1"]
    assert helpful.answers == ["The trust launched in October 2014.\u2028It was new."]
    assert helpful.answerable and helpful.type == "untyped"
    abstained = questions["feedback-2"]
    assert not abstained.answerable and abstained.type == "unanswerable"
    corrected = questions["feedback-3"]
    assert corrected.answers == ["Paul Moffat"]
    assert [(t.role, t.content) for t in corrected.history] == [
        ("user", "Tell me about the trust.")
    ]
    for question in questions.values():
        assert "needs-review" in question.tags and "feedback" in question.tags

    text = out.read_text(encoding="utf-8")
    # The unhelpful answer without a correction is there, commented out, for a reviewer.
    assert '# {"id": "feedback-4"' in text
    assert 'not helpful; shown "Someone else." (confidence 0.30), citing nothing' in text
    assert "citing 0123456789abcdef[10:42]" in text
    # Uncommented as it is, it is refused: it still needs its answer.
    uncommented = tmp_path / "uncommented.jsonl"
    uncommented.write_text(text.replace('# {"id": "feedback-4"', '{"id": "feedback-4"'))
    with pytest.raises(GoldFormatError, match="needs answers"):
        read_gold(uncommented)


def test_export_only_unhelpful_to_standard_output(
    store: FeedbackStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["feedback", "export", "--db", str(store.path), "--only", "unhelpful"])
    assert code == 0
    captured = capsys.readouterr()
    assert "wrote 2 gold candidates: 1 corrected, 0 helpful, 1 to answer" in captured.err
    assert captured.err.rstrip().endswith("to standard output")
    lines = [json.loads(line) for line in captured.out.splitlines() if line.startswith("{")]
    assert [line["id"] for line in lines] == ["feedback-3"]
    assert lines[0]["tags"] == ["feedback", "needs-review", "corrected"]


def test_export_without_a_store_says_so_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.sqlite3"
    assert main(["feedback", "export", "--db", str(missing)]) == 2
    assert "no feedback store at" in capsys.readouterr().err
    assert not missing.exists()


def test_a_full_store_refuses_more_with_507(make_client: ClientFactory, tmp_path: Path) -> None:
    client = make_client(feedback_path=tmp_path / "fb.sqlite3", feedback_max_rows=2)
    assert [client.post("/feedback", json=body()).status_code for _ in range(2)] == [201, 201]
    full = client.post("/feedback", json=body())
    assert full.status_code == 507
    assert "REPORTQA_FEEDBACK_MAX_ROWS" in full.json()["detail"]
