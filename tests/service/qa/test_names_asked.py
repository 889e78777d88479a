"""Questions asking what something is called, and sentences giving a name."""

from __future__ import annotations

import pytest

from service.qa.analysis import analyse
from service.qa.followup import resolve
from service.qa.names_asked import asks_name, gives_name


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("What is the name of the trust's whole-family programme?", True),
        ("What is Ferncastle's improvement plan called?", True),
        ("Which scheme cut referrals where domestic abuse was an issue?", True),
        ("What early help programme does the trust run?", True),
        ("What did the programme achieve?", False),
        ("Who called the findings 'further validation'?", False),
    ],
)
def test_a_question_asks_what_something_is_called(question: str, asked: bool) -> None:
    assert asks_name(question) is asked


def test_a_name_question_about_a_person_is_a_person_question() -> None:
    analysis = analyse(resolve("What is the name of the minister for children?", []), None)
    assert analysis.kind == "person" and not analysis.asks_name


def test_a_sentence_gives_a_name_the_question_does_not() -> None:
    question = "What is the name of Harrowby's whole-family programme?"
    assert gives_name("The team praised the Trust's Open Doors programme.", question)
    assert not gives_name("A peer review of Harrowby praised its workforce.", question)
    # A sentence's first word is capitalised whatever it is.
    assert not gives_name("Praise went to the whole-family programme.", question)
