from __future__ import annotations

import pytest

from corpus.models import Document
from service.qa.dates import (
    asks_for_latest,
    evidence_date,
    latest_mentioned_date,
    without_recency_words,
)


@pytest.mark.parametrize(
    "question",
    [
        "What is the current rating?",
        "What is the most recent Ofsted judgement?",
        "Who runs children's services now?",
        "Is the trust still rated good?",
        "What did the latest inspection find?",
        "How are services currently rated?",
        "How many children are waiting for the project at the moment?",
    ],
)
def test_latest_state_questions_are_detected(question: str) -> None:
    assert asks_for_latest(question)


@pytest.mark.parametrize(
    "question",
    [
        "When did the trust launch?",
        "How many children had three or more moves?",
        "Who presented the findings?",  # "present" inside a word is not "at present"
        "What rating did Ofsted give in 2015?",
    ],
)
def test_other_questions_are_not(question: str) -> None:
    assert not asks_for_latest(question)


def test_recency_words_are_removed_for_matching() -> None:
    assert without_recency_words("What is the current rating now?") == "What is the rating ?"
    assert without_recency_words("latest") == "latest"  # never an empty query


def test_latest_mentioned_date_prefers_months_within_the_latest_year() -> None:
    text = "Inadequate in November 2015. A plan began in Autumn 2021; inspected in February 2022."
    assert latest_mentioned_date(text) == "2022-02-01"
    assert latest_mentioned_date("no dates here") is None


def _doc(text: str, date: str | None) -> Document:
    return Document("0" * 16, text, "t", date, "news article", "s", "p.txt")


def test_evidence_date_uses_publication_date_first_then_the_text() -> None:
    dated = evidence_date(_doc("mentions 2030", "2018-01-19"))
    assert dated is not None and dated.value == "2018-01-19" and not dated.inferred
    undated = evidence_date(_doc("The inspection took place in February 2022.", None))
    assert undated is not None and undated.value == "2022-02-01" and undated.inferred
    assert evidence_date(_doc("nothing", None)) is None
