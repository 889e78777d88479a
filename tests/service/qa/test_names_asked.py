"""Questions asking what something is called, and sentences giving a name."""

from __future__ import annotations

import pytest

from service.qa.analysis import analyse
from service.qa.followup import resolve
from service.qa.names_asked import asks_name, gives_name, name_given


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("What is the name of the trust's whole-family programme?", True),
        ("What is Ferncastle's improvement plan called?", True),
        # A kind of thing may be answered without a name ("the sufficiency strategy").
        ("Which strategy did Eastmoor publish in January 2017?", False),
        ("What did the programme achieve?", False),
        ("Who called the findings 'further validation'?", False),
        ("Why were the police called?", False),
    ],
)
def test_a_question_asks_what_something_is_called(question: str, asked: bool) -> None:
    assert asks_name(question) is asked


def test_a_name_question_about_a_person_is_a_person_question() -> None:
    analysis = analyse(resolve("What is the name of the minister for children?", []), None)
    assert analysis.kind == "person" and not analysis.asks_name


def test_a_sentence_gives_a_name_the_question_does_not() -> None:
    question = "What is the name of Harrowby's whole-family programme?"
    common = frozenset({"praise", "a", "the"})  # words the reports write in lower case
    assert gives_name("The team praised the Trust's Open Doors programme.", question, common)
    assert not gives_name("A peer review of Harrowby praised its workforce.", question, common)
    # A sentence's first word is capitalised whatever it is, unless it is a name.
    assert not gives_name("Praise went to the whole-family programme.", question, common)
    assert gives_name("Compass is the trust's whole-family programme.", question, common)


def test_the_name_given_is_cut_from_the_sentence() -> None:
    question = "What is the name of Harrowby Children's Trust's whole-family programme?"
    common = frozenset({"the", "team", "inspectors", "members", "of", "for", "open", "a"})

    def given(sentence: str, asked: str = question) -> str | None:
        span = name_given(sentence, asked, common)
        return sentence[span[0] : span[1]] if span else None

    # After its owner; a word the reports also write in lower case is still a name
    # inside a sentence ("Open Doors"), but not as its first word ("The").
    assert given("The team praised the Trust's Open Doors programme.") == "Open Doors"
    assert given("For example, its Growing Futures programme helped.") == "Growing Futures"
    # A name holding a word the question gives is still the name asked for.
    council = "What is the name of Westfold's children in care council?"
    assert given("Inspectors met members of Westfold Voices, its council.", council) == (
        "Westfold Voices"
    )
    assert given("A peer review of Harrowby's Trust praised its staff.") is None
    # A month is no name: "judged ... in June 2023" names no plan.
    plan = "What is Ferncastle's improvement plan called?"
    assert given("Ferncastle's services were judged good in June 2023.", plan) is None
