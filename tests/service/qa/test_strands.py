"""A figure or date for another strand of children's services does not answer the one a
question names."""

from __future__ import annotations

import pytest

from service.qa.kinds import kind_strength
from service.qa.strands import names_other_strand

_IN_NEED = "What percentage of child in need visits were completed within timescale?"
_HOMES = "What is the average weekly cost of a placement in a council-run children's home?"
_LEAVERS = "What is the average caseload for care leaver personal advisers?"
_NEET = "What % of care leavers aged 19-21 were NEET at the end of Q1?"


@pytest.mark.parametrize(
    ("question", "sentence", "other"),
    [
        # A child's status: in need, on a plan, in care, leaving care.
        (_IN_NEED, "93% of child protection visits were completed within timescale.", True),
        (_IN_NEED, "93% of child protection visits and 81% of child in need visits were.", False),
        (_IN_NEED, "93% of visits were completed within timescale.", False),
        (_LEAVERS, "In the children in care teams the average was 15.9.", True),
        (_LEAVERS, "Personal advisers for young people leaving care held 19 each.", False),
        # Where a child lives: a foster placement is no children's home.
        (_HOMES, "An IFA placement averaged £1,080 a week.", True),
        (_HOMES, "A residential placement cost £6,450 a week on average.", False),
        # Naming two strands of a family, the question compares none.
        ("How many live in foster or children's homes?", "Of these, 40 were adopted.", False),
        # Families are apart: a foster placement may be a child in care's.
        ("How many children in care were there?", "Some 290 lived with foster carers.", False),
        # In education, employment or training, or not.
        (_NEET, "Of those aged 19 to 21, 54% were in education, employment or training.", True),
        (_NEET, "Some 38% were not in education, employment or training.", False),
        (_NEET, "54% were in EET and 38% were NEET.", False),
    ],
)
def test_another_strand(question: str, sentence: str, other: bool) -> None:
    assert names_other_strand(sentence, question) is other


def test_a_figure_for_another_strand_holds_no_figure_asked() -> None:
    sentence = "93% of child protection visits were completed within timescale in March 2025."
    on_a_plan = _IN_NEED.replace("in need", "protection")
    assert kind_strength(sentence, "number", "share", _IN_NEED) == 0.0
    assert kind_strength(sentence, "number", "share", on_a_plan) == 1.0
    when = "When was the adoption agency last inspected?"
    fostering = "The fostering service was inspected in May 2023."
    assert kind_strength(fostering, "date", None, when) == 0.0
