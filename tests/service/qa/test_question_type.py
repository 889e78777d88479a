"""The kind of fact a question asks for, from its opening question phrase."""

from __future__ import annotations

import pytest

from service.qa.question import question_type


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
    ],
)
def test_question_type(question: str, expected: str | None) -> None:
    assert question_type(question) == expected
