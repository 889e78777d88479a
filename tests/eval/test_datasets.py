"""Gold format, quote resolution against cleaned text, and the BEIR reader."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from corpus.load import load_documents
from eval.corpora import DISTRACTORS, FRESH_ROUNDS
from eval.datasets import (
    GoldFormatError,
    GoldQuestion,
    GoldResolutionError,
    IndexedDocument,
    find_all,
    normalise_for_match,
    read_beir,
    read_gold,
    resolve_gold,
    resolved_record,
)
from tests.conftest import BUNDLED_DOCUMENTS, REPO

BUNDLED_GOLD = REPO / "eval" / "gold" / "bundled.jsonl"
# Written separately and never fitted on: the answer model's out-of-sample check.
HELDOUT_GOLD = REPO / "eval" / "gold" / "heldout.jsonl"
GOLD_DIR = REPO / "eval" / "gold"
ALL_GOLD = sorted(GOLD_DIR.glob("*.jsonl"))
FITTED = [GOLD_DIR / f"{name}.jsonl" for name in ("bundled", "constraints", "distractors")]
HELDOUT = [
    GOLD_DIR / f"{name}.jsonl" for name in ("heldout", "heldout-constraints", "heldout-distractors")
]
GOLD_SETS = pytest.mark.parametrize("gold", ALL_GOLD, ids=lambda p: p.stem)


def _question(**fields: object) -> GoldQuestion:
    base: dict[str, object] = {
        "id": "q1",
        "question": "When?",
        "type": "date",
        "answerable": True,
        "answers": ["2014"],
        "doc_paths": ["a.txt"],
        "evidence": [{"doc_path": "a.txt", "quote": "in 2014"}],
    }
    return GoldQuestion.model_validate(base | fields)


def test_normalised_match_maps_back_to_exact_offsets() -> None:
    text = "He said \u201cHello\u00a0 World\u201d \u2013 twice.\nHe said \u201chello world\u201d."
    spans = find_all(text, 'said "hello world" - twice')
    assert len(spans) == 1
    start, end = spans[0]
    assert text[start:end] == "said \u201cHello\u00a0 World\u201d \u2013 twice"
    assert [text[s:e] for s, e in find_all(text, "HELLO WORLD")] == [
        "Hello\u00a0 World",
        "hello world",
    ]
    assert find_all(text, "goodbye") == []
    assert find_all(text, "   ") == []


def test_normalisation_collapses_whitespace_and_quotes() -> None:
    norm = normalise_for_match("  A\u2019s \n\n\u201cB\u201d ")
    assert norm.text == 'a\'s "b"'
    assert len(norm.origin) == len(norm.text)


def test_resolution_pins_ids_and_every_occurrence() -> None:
    docs = [IndexedDocument("id-a", "a.txt", "Launched in 2014. Again: launched in 2014.")]
    [resolved] = resolve_gold([_question()], docs)
    assert resolved.doc_ids == ("id-a",)
    spans = resolved.evidence[0].spans
    assert [(s.start, s.end) for s in spans] == [(9, 16), (34, 41)]
    assert all(docs[0].text[s.start : s.end] == "in 2014" for s in spans)
    record = resolved_record(resolved)
    assert record["doc_ids"] == ["id-a"]
    assert record["evidence"] == [
        {
            "doc_path": "a.txt",
            "quote": "in 2014",
            "spans": [
                {"doc_id": "id-a", "start": 9, "end": 16},
                {"doc_id": "id-a", "start": 34, "end": 41},
            ],
        }
    ]


def test_resolution_matches_a_file_name_in_a_subfolder() -> None:
    docs = [IndexedDocument("id-a", "reports/a.txt", "Launched in 2014.")]
    [resolved] = resolve_gold([_question()], docs)
    assert resolved.doc_ids == ("id-a",)


def test_resolution_reports_every_missing_document_and_quote() -> None:
    docs = [IndexedDocument("id-a", "a.txt", "Launched in 2015.")]
    q2 = _question(id="q2", doc_paths=["b.txt"], evidence=[{"doc_path": "b.txt", "quote": "x"}])
    questions = [_question(), q2]
    with pytest.raises(GoldResolutionError) as error:
        resolve_gold(questions, docs)
    message = str(error.value)
    assert "q1: quote not found in a.txt" in message
    assert "q2: document 'b.txt' is not in the index" in message


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"type": "unanswerable"}, "answerable must be false"),
        ({"answers": []}, "needs answers"),
        ({"doc_paths": []}, "not in doc_paths"),
        ({"type": "guess"}, "type"),
    ],
)
def test_gold_validation(fields: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        _question(**fields)


def test_read_gold_names_the_bad_line(tmp_path: Path) -> None:
    good = _question().model_dump_json()
    path = tmp_path / "g.jsonl"
    path.write_text(f"# comment\n{good}\n\n{good}\n")
    with pytest.raises(GoldFormatError, match=r"g.jsonl:4: duplicate id 'q1'"):
        read_gold(path)
    path.write_text('{"id": "x"}\n')
    with pytest.raises(GoldFormatError, match=r"g.jsonl:1:"):
        read_gold(path)


def test_bundled_gold_meets_the_issue_minimums() -> None:
    questions = read_gold(BUNDLED_GOLD)
    types = Counter(q.type for q in questions)
    assert len(questions) >= 80
    assert types["unanswerable"] >= 10
    assert types["paraphrase"] >= 10
    assert sum(1 for q in questions if q.answerable and len(q.doc_paths) >= 2) >= 5
    for kind in ("fact", "number", "date", "person", "temporal", "multi_doc"):
        assert types[kind] > 0, kind
    tags = Counter(t for q in questions if not q.answerable for t in q.tags)
    assert tags["on_topic"] > 0 and tags["off_topic"] > 0


@GOLD_SETS
def test_every_quote_resolves_in_the_cleaned_text(gold: Path) -> None:
    documents = [
        d
        for folder in (BUNDLED_DOCUMENTS, DISTRACTORS, *FRESH_ROUNDS)
        for d in load_documents(folder)
    ]
    indexed = [IndexedDocument(d.doc_id, d.path, d.text) for d in documents]
    by_id = {d.doc_id: d.text for d in documents}
    for q in resolve_gold(read_gold(gold), indexed):
        for ev in q.evidence:
            assert ev.spans, (q.gold.id, ev.quote)
            for span in ev.spans:
                found = by_id[span.doc_id][span.start : span.end]
                assert normalise_for_match(found).text == normalise_for_match(ev.quote).text


@GOLD_SETS
def test_every_answer_appears_in_its_evidence(gold: Path) -> None:
    for q in read_gold(gold):
        if not q.answerable:
            continue
        evidence = normalise_for_match(" ".join(e.quote for e in q.evidence)).text
        assert any(normalise_for_match(a).text in evidence for a in q.answers), q.id


def test_heldout_questions_are_not_copies_of_fitted_ones() -> None:
    # The held-out parts may ask about the same facts (the corpus is small), but not as
    # a near-copy of a fitted question, which would not be out of sample.
    fitted = [q for path in FITTED for q in read_gold(path)]
    heldout = [q for path in HELDOUT for q in read_gold(path)]
    assert len(heldout) >= 200
    assert {q.id for q in heldout}.isdisjoint(q.id for q in fitted)
    fitted_wording = {q.question.lower() for q in fitted}
    for q in heldout:
        assert q.question.lower() not in fitted_wording, (q.id, q.question)


def test_the_constraint_gold_sets_meet_the_issue_minimums() -> None:
    new = [
        q
        for name in ("constraints", "heldout-constraints")
        for q in read_gold(GOLD_DIR / f"{name}.jsonl")
    ]
    assert len(new) >= 150
    tags = Counter(t for q in new for t in q.tags)
    for tag in ("time_constrained", "rating", "organisation", "who_did", "followup"):
        assert tags[tag] >= 15, tag
    assert sum(1 for q in new if q.history) >= 15
    distractor_documents = [p for p in DISTRACTORS.iterdir() if p.suffix == ".txt"]
    assert len(distractor_documents) >= 6


def test_read_beir(tmp_path: Path) -> None:
    (tmp_path / "qrels").mkdir()
    corpus = [{"_id": "d1", "title": "T1", "text": "alpha"}, {"_id": "d2", "text": "beta"}]
    (tmp_path / "corpus.jsonl").write_text("\n".join(json.dumps(r) for r in corpus) + "\n")
    queries = [{"_id": "q1", "text": "alpha?"}, {"_id": "q9", "text": "unjudged"}]
    (tmp_path / "queries.jsonl").write_text("\n".join(json.dumps(r) for r in queries))
    (tmp_path / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0\n"
    )
    data = read_beir(tmp_path)
    assert [(d.doc_id, d.title, d.text) for d in data.corpus] == [
        ("d1", "T1", "alpha"),
        ("d2", "", "beta"),
    ]
    assert data.queries == {"q1": "alpha?"}
    assert data.qrels == {"q1": {"d1": 1, "d2": 0}}
