""" "When did it happen?" against sentences dating what was still to come."""

from __future__ import annotations

from datetime import date

import pytest

from service.qa.analysis import analyse
from service.qa.constraints import sentence_evidence
from service.qa.followup import resolve
from service.qa.tense import asks_past, dates_ahead


@pytest.mark.parametrize(
    ("question", "past"),
    [
        ("When did the inspection that found a deterioration take place?", True),
        ("When was the service rated inadequate?", True),
        ("In which month did the trust launch?", True),
        ("When will the next inspection take place?", False),
        ("By when did the trust aim to be rated good?", False),
        ("When did he say they would get to good?", False),
        ("When is the next monitoring visit due?", False),
    ],
)
def test_a_question_asks_what_happened_or_what_was_planned(question: str, past: bool) -> None:
    assert asks_past(question) is past


def test_a_sentence_dating_only_what_was_to_come_when_written() -> None:
    written = date(2022, 4, 20)
    assert dates_ahead("The next monitoring visit is expected in spring 2023.", written)
    assert not dates_ahead("The inspection took place in February 2022.", written)
    # Looking back and ahead at once, it dates something that happened.
    assert not dates_ahead("Rated inadequate in 2022, it will be revisited in 2023.", written)
    assert not dates_ahead("No date here.", written)
    assert not dates_ahead("The next visit is expected in spring 2023.", None)


def test_a_planned_date_is_no_evidence_of_when_something_happened() -> None:
    analysis = analyse(resolve("When did the inspection take place?", []), None)
    plan = "The next monitoring visit is expected to take place in spring 2023."
    assert sentence_evidence(analysis, plan, plan, plan, date(2022, 4, 20)).ahead
    done = "The inspection took place in February 2022."
    assert not sentence_evidence(analysis, done, done, done, date(2022, 4, 20)).ahead
    planned = analyse(resolve("When will the next visit take place?", []), None)
    assert not sentence_evidence(planned, plan, plan, plan, date(2022, 4, 20)).ahead
