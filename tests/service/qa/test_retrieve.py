from __future__ import annotations

from datetime import date

import pytest

from corpus.models import Chunk, Document
from index.build import BuildSummary
from index.embedders.hashing import HashingEmbedder
from index.files import FilesIndex
from service.qa.contract import Filters
from service.qa.retrieve import Passage, Retriever, prefer_phrases, reciprocal_rank_fusion
from service.settings import Settings


def test_rrf_matches_hand_computed_scores() -> None:
    fused = reciprocal_rank_fusion({"dense": [1, 2, 3], "lexical": [3, 1]}, {}, k=60)
    # id 1: 1/61 + 1/62; id 3: 1/63 + 1/61; id 2: 1/62
    expected = {1: 1 / 61 + 1 / 62, 3: 1 / 63 + 1 / 61, 2: 1 / 62}
    assert [i for i, _ in fused] == [1, 3, 2]
    for item, score in fused:
        assert score == pytest.approx(expected[item])


def test_rrf_weights_scale_each_list() -> None:
    fused = reciprocal_rank_fusion({"a": [1], "b": [2]}, {"a": 1.0, "b": 2.0}, k=10)
    assert fused[0][0] == 2
    assert fused[0][1] == pytest.approx(2 / 11)


@pytest.fixture()
def retriever(tiny_index: BuildSummary, fake_embedder: HashingEmbedder) -> Retriever:
    return Retriever(
        FilesIndex.open(tiny_index.index_dir, fake_embedder), fake_embedder, Settings()
    )


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_each_mode_finds_the_relevant_document(retriever: Retriever, mode: str) -> None:
    hits = retriever.search("When was the Beta trust launched?", 3, mode=mode)  # type: ignore[arg-type]
    assert hits[0].document.title == "Beta trust news"


def test_filters_apply_inside_retrieval(retriever: Retriever) -> None:
    query = "When was the Beta trust launched?"
    only_letters = retriever.search(query, 1, filters=Filters(kinds=["inspection letter"]))
    assert only_letters and all(p.document.kind == "inspection letter" for p in only_letters)
    old = retriever.search(query, 3, filters=Filters(date_to=date(2016, 1, 1)))
    assert old and all(p.document.date and p.document.date <= "2016-01-01" for p in old)
    assert retriever.search(query, 3, filters=Filters(doc_ids=["0" * 16])) == []


def _passage(rank: int, score: float, text: str) -> Passage:
    document = Document(f"d{rank}", text, f"d{rank}", None, "letter", "test", f"d{rank}.txt")
    chunk = Chunk(f"c{rank}", document.doc_id, 0, 0, len(text), text)
    return Passage(chunk, document, score, rank)


def test_a_passage_holding_the_question_s_phrase_moves_up() -> None:
    passages = [
        _passage(1, 0.032, "The trust's director of children's services spoke about practice."),
        _passage(2, 0.030, "The chief executive and the trust's director of practice, Mr Okonjo."),
        _passage(3, 0.029, "Practice improved; the director left."),
    ]
    ranked = prefer_phrases(passages, "Who is the trust's director of practice?", weight=0.3)
    assert [p.chunk.chunk_id for p in ranked] == ["c2", "c1", "c3"]
    assert [p.rank for p in ranked] == [1, 2, 3]
    # Without the weight, or a phrase, the fused order stands, on the same relative scale.
    for unchanged in (
        prefer_phrases(passages, "Who is the trust's director of practice?", 0),
        prefer_phrases(passages, "Practice?", weight=0.3),
    ):
        assert [p.chunk.chunk_id for p in unchanged] == ["c1", "c2", "c3"]
        assert [round(p.score, 3) for p in unchanged] == [1.0, 0.938, 0.906]
