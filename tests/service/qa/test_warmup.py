"""Start-up warm path and repeated-question cache of the engine (fake embedder, real index)."""

from __future__ import annotations

from corpus.models import Document
from index.build import BuildSummary
from index.embedders.caching import CachingEmbedder
from service.qa.contract import AskRequest
from service.qa.engine import QAEngine
from service.qa.warmup import corpus_sentences
from service.settings import Settings
from tests.support.embedders import CountingEmbedder


def _settings(summary: BuildSummary, **changes: object) -> Settings:
    return Settings(index_dir=summary.index_dir, **changes)  # type: ignore[arg-type]


def test_a_question_encodes_only_itself_once_after_the_warm_up(tiny_index: BuildSummary) -> None:
    inner = CountingEmbedder()
    engine = QAEngine.load(_settings(tiny_index, ask_cache_size=0), embedder=inner)
    assert isinstance(engine.embedder, CachingEmbedder)
    warmed = corpus_sentences(engine.index, 10_000)
    assert warmed and set(warmed) <= set(inner.seen)
    inner.seen.clear()
    response = engine.ask(AskRequest(question="What does the alpha report say?"))
    assert response.citations
    assert inner.seen == ["What does the alpha report say?"]
    engine.close()


def test_warm_up_reads_sentences_back_from_the_embedding_cache(tiny_index: BuildSummary) -> None:
    QAEngine.load(_settings(tiny_index), embedder=CountingEmbedder()).close()
    second = CountingEmbedder()
    QAEngine.load(_settings(tiny_index), embedder=second).close()
    assert second.seen == []


def test_warm_up_can_be_switched_off(tiny_index: BuildSummary) -> None:
    inner = CountingEmbedder()
    QAEngine.load(_settings(tiny_index, warm_sentences=0), embedder=inner).close()
    assert inner.seen == []


def test_repeated_question_is_served_from_the_answer_cache(tiny_index: BuildSummary) -> None:
    inner = CountingEmbedder()
    engine = QAEngine.load(_settings(tiny_index, cache_query_texts=False), embedder=inner)
    request = AskRequest(question="What does the beta report say?")
    first = engine.ask(request)
    inner.seen.clear()
    second = engine.ask(request)
    assert inner.seen == []
    assert set(second.timing_ms) == {"cache", "total"}
    assert second.model_dump(exclude={"timing_ms"}) == first.model_dump(exclude={"timing_ms"})
    other = engine.ask(AskRequest(question="What does the beta report say?", top_k=1))
    assert "cache" not in other.timing_ms and len(other.citations) <= 1
    engine.close()


def test_answer_cache_off_answers_every_time(tiny_index: BuildSummary) -> None:
    inner = CountingEmbedder()
    engine = QAEngine.load(
        _settings(tiny_index, ask_cache_size=0, cache_query_texts=False), embedder=inner
    )
    request = AskRequest(question="What does the beta report say?")
    engine.ask(request)
    inner.seen.clear()
    assert "cache" not in engine.ask(request).timing_ms
    assert inner.seen == [request.question]
    engine.close()


class _WrappedIndex:
    """Just what `corpus_sentences` reads of an index: one report wrapped at 70 columns."""

    text = (
        "1.1 This report sets out the forecast outturn for the Children and Families\n"
        "Directorate at the end of September 2025, the second quarter of the year.\n"
        "\n"
        "2.1 Cabinet is recommended to note the forecast revenue overspend of £9.3m for\n"
        "the Children and Families Directorate at Quarter 2 and to approve the virement.\n"
    )

    def chunk_texts(self, limit: int | None = None) -> list[str]:
        return [self.text]

    def documents(self) -> list[Document]:
        return [Document("b", self.text, "Budget", "2025-11-12", "report", "Council", "b.txt")]


def test_warm_up_holds_the_whole_sentences_of_wrapped_lines() -> None:
    warmed = corpus_sentences(_WrappedIndex(), 100)  # type: ignore[arg-type]
    assert (
        "2.1 Cabinet is recommended to note the forecast revenue overspend of £9.3m for" in warmed
    )
    assert any(s.startswith("2.1 Cabinet") and s.endswith("the virement.") for s in warmed)
