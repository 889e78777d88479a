"""Question analysis: the kind of answer asked for, the period, the names it gives."""

from __future__ import annotations

import pytest

from service.qa.analysis import answer_kind


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When did the trust launch?", "date"),
        ("After the trust launched, in which month and year was it rated inadequate?", "date"),
        ("How many children had three or more placement moves?", "number"),
        ("What percentage of children were matched?", "number"),
        ("Who was Ofsted's chief inspector when the report was published?", "person"),
        ("When did the trust launch, and who led it?", "date"),
        # An opening question word of another kind wins over a later subordinate clause.
        ("How did the Government describe the services when they were taken away?", None),
        ("What happened to the council when the trust failed?", None),
        ("Which monitoring visit was it?", None),
        # Ratings, organisations and places.
        ("What was Doncaster rated in November 2015?", "rating"),
        ("What rating did Ofsted give after the November 2017 re-inspection?", "rating"),
        ("How was the leadership of the council judged in 2022?", "rating"),
        ("Doncaster rating 2015?", "rating"),
        ("When was Doncaster rated inadequate?", "date"),
        ("Why was Doncaster rated inadequate?", None),
        ("Who rated the trust good?", "person"),
        ("Which organisation carried out the peer review?", "organisation"),
        ("Which watchdog inspected the council?", "organisation"),
        ("Where is the trust based?", "place"),
        ("How much did the council invest?", "number"),
    ],
)
def test_answer_kind(question: str, expected: str | None) -> None:
    assert answer_kind(question) == expected
