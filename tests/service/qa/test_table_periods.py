"""A table row read under its columns' dates."""

from __future__ import annotations

from service.qa.analysis import analyse
from service.qa.followup import resolve
from service.qa.periods import TimeConstraint
from service.qa.table_periods import columns_dated_elsewhere

TABLE = (
    "Measure | 1 Mar-31 Aug 2024 | 1 Sep 2024-\n"
    "28 Feb 2025\n"
    "---------- | ---------- | ----------\n"
    "Missing from home episodes | 21 | 9\n"
)
UNDATED = "Measure | Boys | Girls\n---------- | ---- | ----\nMissing from home episodes | 12 | 18\n"


def _time(question: str) -> TimeConstraint:
    time = analyse(resolve(question, []), None).time
    assert time is not None
    return time


def test_a_row_whose_every_column_is_dated_in_another_period_is_of_another_period() -> None:
    row = TABLE.index("Missing")
    later = _time("How many missing from home episodes were there between March and August 2025?")
    assert columns_dated_elsewhere(TABLE, row, later)
    assert not columns_dated_elsewhere(TABLE, row, _time("How many episodes were there in 2024?"))


def test_a_column_not_dated_may_be_of_any_period() -> None:
    row = UNDATED.index("Missing")
    assert not columns_dated_elsewhere(UNDATED, row, _time("How many episodes were there in 2025?"))
    assert not columns_dated_elsewhere("Missing episodes rose to 21.", 0, _time("In 2025?"))
