"""The optional generator against a real HTTP server speaking the OpenAI chat format."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.build import BuildSummary
from index.embedders.hashing import HashingEmbedder
from service.qa.contract import AskRequest
from service.qa.engine import QAEngine
from service.qa.generate import Generator, keep_supported, supported
from service.settings import Settings
from tests.support.fake_llm import Behaviour, fake_llm_server

QUESTION = "When was the Beta trust launched?"


def test_support_needs_the_figures_and_most_content_words() -> None:
    passage = "The Beta trust was launched in March 2016 after an inspection."
    assert supported("The Beta trust launched in March 2016.", passage, 0.6)
    assert not supported("The Beta trust launched in March 2017.", passage, 0.6)  # wrong figure
    assert not supported("Funding was cut by the mayor.", passage, 0.6)


@pytest.fixture()
def behaviour() -> Behaviour:
    return Behaviour()


@pytest.fixture()
def llm_url(behaviour: Behaviour) -> Iterator[str]:
    with fake_llm_server(behaviour) as url:
        yield url


@pytest.fixture()
def engine(
    tiny_index: BuildSummary, fake_embedder: HashingEmbedder, llm_url: str
) -> Iterator[QAEngine]:
    settings = Settings(
        index_dir=tiny_index.index_dir, abstain_below=0.0, llm_url=llm_url, llm_timeout_s=0.5
    )
    engine = QAEngine.load(settings, embedder=fake_embedder)
    yield engine
    engine.close()


def test_generator_is_off_by_default(
    tiny_index: BuildSummary, fake_embedder: HashingEmbedder
) -> None:
    engine = QAEngine.load(Settings(index_dir=tiny_index.index_dir), embedder=fake_embedder)
    assert engine.generator is None
    assert engine.ask(AskRequest(question=QUESTION)).generated_answer is None


def test_unsupported_sentences_are_dropped(engine: QAEngine, behaviour: Behaviour) -> None:
    passages = engine.retriever.search(QUESTION, 3)
    top = passages[0].chunk.text
    assert "March 2016" in top  # the tiny corpus says so
    behaviour.content = (
        "The Beta trust was launched in March 2016 [1]. "
        "Its budget was 40 million pounds [1]. "
        "Everyone agreed it was a triumph."
    )
    response = engine.ask(AskRequest(question=QUESTION))
    assert response.generated_answer == "The Beta trust was launched in March 2016 [1]."
    assert response.answer is not None and response.answer in response.citations[0].text
    sent = behaviour.requests[-1]
    assert sent["messages"][0]["role"] == "system"
    assert "[1]" in sent["messages"][1]["content"] and QUESTION in sent["messages"][1]["content"]


def test_marker_must_point_at_the_supporting_passage(engine: QAEngine) -> None:
    passages = engine.retriever.search(QUESTION, 3)
    beta = next(i for i, p in enumerate(passages, start=1) if "March 2016" in p.chunk.text)
    other = next(i for i, p in enumerate(passages, start=1) if "March 2016" not in p.chunk.text)
    claim = "The Beta trust was launched in March 2016"
    kept, dropped = keep_supported(f"{claim} [{other}]. {claim} [{beta}].", passages, 0.6)
    assert kept == [f"{claim} [{beta}]."] and dropped == 1


@pytest.mark.parametrize(
    ("content", "delay_s", "status"),
    [
        ("The Beta trust was launched in March 2016 [1].", 1.5, 200),  # slower than the timeout
        ("The Beta trust was launched in March 2016 [1].", 0.0, 500),  # server error
        ("NOT FOUND", 0.0, 200),  # the model declines
        ("The trust is run by penguins.", 0.0, 200),  # nothing supported
    ],
)
def test_any_failure_falls_back_to_the_extractive_answer(
    engine: QAEngine, behaviour: Behaviour, content: str, delay_s: float, status: int
) -> None:
    behaviour.content, behaviour.delay_s, behaviour.status = content, delay_s, status
    response = engine.ask(AskRequest(question=QUESTION))
    assert response.generated_answer is None
    assert response.answered and response.answer and "March 2016" in response.answer


def test_generator_from_settings_reads_the_url() -> None:
    assert Generator.from_settings(Settings()) is None
    generator = Generator.from_settings(Settings(llm_url="http://127.0.0.1:9/v1/chat/completions"))
    assert generator is not None and generator.timeout_s == Settings().llm_timeout_s
