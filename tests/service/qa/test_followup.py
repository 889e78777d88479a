from __future__ import annotations

import pytest

from service.qa.contract import Turn
from service.qa.followup import asked_instead, is_followup, resolve

HISTORY = [
    Turn(role="user", content="Who conducted the third monitoring visit?"),
    Turn(role="assistant", content="Graham Reiter and Rachel Holden conducted the visit."),
]


@pytest.mark.parametrize(
    "question",
    ["And when was that?", "When was that?", "Who led it?", "What about the council?"],
)
def test_topicless_questions_are_followups(question: str) -> None:
    assert is_followup(question, HISTORY)


@pytest.mark.parametrize(
    "question",
    [
        "How many children had three or more placement moves in January 2017?",
        "When did Doncaster Children's Services Trust launch?",
    ],
)
def test_self_contained_questions_are_not(question: str) -> None:
    assert not is_followup(question, HISTORY)


def test_no_history_means_no_followup() -> None:
    assert not is_followup("And when was that?", [])
    resolved = resolve("And when was that?", [])
    assert resolved.retrieval_query == "And when was that?" and not resolved.is_followup


def test_followup_takes_topic_from_earlier_question_and_answer() -> None:
    resolved = resolve("And when was that?", HISTORY)
    assert resolved.is_followup
    assert "third monitoring visit" in resolved.retrieval_query
    assert "Graham Reiter" in resolved.retrieval_query
    assert resolved.retrieval_query.endswith("And when was that?")
    assert resolved.scoring_question.startswith("Who conducted the third monitoring visit?")


def test_chained_followups_reach_back_to_the_topic() -> None:
    history = [
        *HISTORY,
        Turn(role="user", content="And when was that?"),
        Turn(role="assistant", content="28 February and 1 March 2017."),
    ]
    resolved = resolve("Who wrote it?", history)
    assert "third monitoring visit" in resolved.retrieval_query
    assert "And when was that?" in resolved.retrieval_query


def test_a_follow_up_about_another_council_is_its_topic_asked_of_that_one() -> None:
    assert (
        asked_instead(
            "Who is Pendleford's director? And Eastmoor's?",
            "And Eastmoor's?",
            "Pendleford's",
            "Eastmoor's",
        )
        == "Who is Eastmoor's director? And Eastmoor's?"
    )
    # A name inside another word is left alone; a question that is not the tail of the
    # scoring form changes nothing.
    assert (
        asked_instead(
            "Was Westfolding near Westfold? And Harrowby?", "And Harrowby?", "Westfold", "Harrowby"
        )
        == "Was Westfolding near Harrowby? And Harrowby?"
    )
    assert asked_instead("When was Westfold rated?", "And Harrowby?", "Westfold", "X") == (
        "When was Westfold rated?"
    )
