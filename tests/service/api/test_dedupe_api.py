"""Deduplication as the API shows it: also_in, one letter with both addressees, pages."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corpus.clean import norm_key
from corpus.dedupe import jaccard, shingles
from index.build import BuildSummary, build_index
from index.embedders.hashing import HashingEmbedder
from index.embedders.sentence_transformer import SentenceTransformerEmbedder
from service import cli
from service.api.app import create_app
from service.qa.engine import QAEngine
from service.settings import Settings, get_settings
from tests.conftest import BUNDLED_DOCUMENTS
from tests.corpus.test_formats import make_pdf

SHARED = (
    "The independent reviewing service provides effective challenge and oversight of plans "
    "for children looked after, and the current caseloads mean that there is capacity to "
    "deliver an effective service across the whole borough for every child in care."
)
OPENINGS = (
    "Adoption performance improved during the year, with more children placed with their "
    "adoptive families within the national timescales than in any previous year, and the "
    "adoption panel now meets every fortnight so that matches are approved without delay.",
    "The council's budget for children's social care rose by four million pounds, most of "
    "it spent on recruiting permanent social workers, which has reduced the reliance on "
    "agency staff and given families a consistent worker who knows their history well.",
)


def _client(index: BuildSummary, embedder: object) -> Iterator[TestClient]:
    settings = Settings(index_dir=index.index_dir, abstain_below=0.0)
    engine = QAEngine.load(settings, embedder=embedder)  # type: ignore[arg-type]
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


@pytest.fixture()
def reprint_client(tmp_path: Path, fake_embedder: HashingEmbedder) -> Iterator[TestClient]:
    docs = tmp_path / "documents"
    docs.mkdir()
    (docs / "a.txt").write_text(f"Alpha review\n\n{OPENINGS[0]}\n\n{SHARED}", encoding="utf-8")
    (docs / "b.txt").write_text(f"Beta review\n\n{OPENINGS[1]}\n\n{SHARED}", encoding="utf-8")
    make_pdf(docs / "gamma.pdf")
    # Small chunks, so each paragraph is a chunk of its own.
    index = build_index(
        docs, tmp_path / "index", fake_embedder, progress=False, target_tokens=64, overlap_tokens=8
    )
    assert index.report.chunks_kept == index.chunks == index.report.chunks_in - 1
    yield from _client(index, fake_embedder)


def test_search_and_ask_show_where_else_a_passage_occurs(reprint_client: TestClient) -> None:
    hits = reprint_client.get("/search", params={"q": "independent reviewing service"}).json()
    hits = hits["hits"]
    shared = [h for h in hits if "independent reviewing service" in h["text"]]
    assert len(shared) == 1  # the reprint is not a second result ...
    [also] = shared[0]["also_in"]  # ... but is listed where it occurs
    assert also["title"] == "Beta review"
    other = reprint_client.get(f"/documents/{also['doc_id']}").json()
    assert SHARED in other["text"][also["start"] : also["end"]]

    body = reprint_client.post(
        "/ask", json={"question": "Does the independent reviewing service provide challenge?"}
    ).json()
    cited = [c for c in body["citations"] if "independent reviewing" in c["text"]]
    assert len(cited) == 1 and cited[0]["also_in"] == shared[0]["also_in"]


def test_pdf_hits_name_their_page(reprint_client: TestClient) -> None:
    hits = reprint_client.get("/search", params={"q": "staff summits caseloads"}).json()["hits"]
    pdf_hits = [h for h in hits if h["title"] == "Inspection of Gamma council"]
    assert pdf_hits and all(h["page"] in (1, 2) for h in pdf_hits)
    assert all(h["page"] is None for h in hits if h["title"] != "Inspection of Gamma council")


def test_index_command_prints_the_deduplication_report(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_embedder: HashingEmbedder,
) -> None:
    monkeypatch.setattr("service.qa.encoder.settings_embedder", lambda _settings: fake_embedder)
    docs = tmp_path / "corpus" / "documents"
    shutil.copytree(BUNDLED_DOCUMENTS, docs)
    shutil.copy(BUNDLED_DOCUMENTS.parent / "manifest.json", docs.parent / "manifest.json")
    get_settings.cache_clear()
    try:
        code = cli.main(
            ["index", "--documents", str(docs), "--out", str(tmp_path / "idx"), "-q", "--explain"]
        )
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert code == 0
    assert "deduplication report" in out
    assert "files: 5 seen, 5 indexed, 0 skipped" in out
    assert "repeated-paragraph: 33 removed" in out
    assert "letter-copy-header: 2 removed" in out
    assert "004_b15547c44d6205e5.txt: letter-copy-header" in out
    assert "'Hide Ad'" in out and "matches" in out
    report = json.loads((tmp_path / "idx" / "corpus_report.json").read_text())
    assert report["chars_in"] > report["chars_out"] > 0


# --- the real model on the bundled corpus ------------------------------------------


@pytest.fixture(scope="module")
def bundled_client(
    bundled_index: BuildSummary, real_embedder: SentenceTransformerEmbedder
) -> Iterator[TestClient]:
    yield from _client(bundled_index, real_embedder)


LETTER_QUERIES = [
    "monitoring visit letter",
    "Ofsted monitoring visit letter to Doncaster",
    "monitoring visit findings children looked after",
    "Her Majesty's Inspector letter Graham Reiter",
]


@pytest.mark.integration
@pytest.mark.parametrize("query", LETTER_QUERIES)
def test_monitoring_letter_is_returned_once_with_both_addressees(
    bundled_client: TestClient, query: str
) -> None:
    hits = bundled_client.get("/search", params={"q": query, "k": 10}).json()["hits"]
    letters = {h["doc_id"] for h in hits if h["kind"] == "inspection letter"}
    assert len(letters) == 1
    letter = bundled_client.get(f"/documents/{letters.pop()}").json()
    names = [a["name"] for a in letter["extra"]["addressees"]]
    assert names == ["Mr Damien Allen", "Mr Paul Moffat"]
    # No page of results carries the same passage twice.
    keys = [norm_key(h["text"]) for h in hits]
    assert len(keys) == len(set(keys))
    sets = [shingles(h["text"], 5) for h in hits]
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            assert jaccard(sets[i], sets[j]) < 0.8, (hits[i]["text"][:80], hits[j]["text"][:80])
    # Each paragraph of the letter is offered once: no sentence of the letter repeats.
    letter_text = letter["text"]
    assert letter_text.count("This letter summarises the findings") == 1


def test_reindexing_the_bundled_corpus_is_idempotent(
    tmp_path: Path, fake_embedder: HashingEmbedder
) -> None:
    first = build_index(BUNDLED_DOCUMENTS, tmp_path / "one", fake_embedder, progress=False)
    second = build_index(BUNDLED_DOCUMENTS, tmp_path / "two", fake_embedder, progress=False)
    assert first.manifest.index_version == second.manifest.index_version
    assert first.manifest.corpus_hash == second.manifest.corpus_hash
    assert first.chunks == second.chunks
    assert first.report.summary_lines() == second.report.summary_lines()


def test_corpus_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_EXTRA_BOILERPLATE_PATTERNS", '["^most read$"]')
    monkeypatch.setenv("REPORTQA_NEAR_DUPLICATE_THRESHOLD", "0.9")
    config = Settings().corpus_config()
    assert config.extra_boilerplate_patterns == ("^most read$",)
    assert config.near_duplicate_threshold == 0.9
    monkeypatch.setenv("REPORTQA_EXTRA_BOILERPLATE_PATTERNS", '["(unclosed"]')
    with pytest.raises(ValueError, match="invalid regex"):
        Settings()
