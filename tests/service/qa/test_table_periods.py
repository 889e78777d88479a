"""A table row read under its columns' dates, and put right by a newer report's."""

from __future__ import annotations

from datetime import date

from corpus.models import Chunk, Document
from service.qa.analysis import analyse
from service.qa.answer import Candidate
from service.qa.facts import Period
from service.qa.followup import resolve
from service.qa.periods import TimeConstraint
from service.qa.restated import restated_later
from service.qa.retrieve import Passage
from service.qa.table_periods import column_dated_in, columns_dated_elsewhere

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


def test_a_row_is_dated_by_its_column_not_by_the_day_its_label_names() -> None:
    """A report of October 2025 whose row reads "at 31 March" under 2023/24 and 2024/25
    columns gives the figure of 31 March 2024 too (`column_dated_in`)."""
    table = (
        "Measure | 2023/24 | 2024/25\n"
        "Children subject to a child protection plan at 31 March | 421 | 436\n"
    )
    row = table.index("Children")
    asked = _time("How many children were on a plan at 31 March 2024?")
    assert column_dated_in(table, row, asked)
    assert not column_dated_in(table, row, _time("How many were on a plan at 31 March 2022?"))
    assert not column_dated_in(UNDATED, UNDATED.index("Missing"), asked)


def _row_candidate(doc_id: str, published: str, text: str, row: str) -> Candidate:
    start = text.index(row)
    document = Document(doc_id, text, doc_id, published, "report", "test", f"{doc_id}.txt")
    passage = Passage(Chunk("c", doc_id, 0, 0, len(text), text), document, score=1.0, rank=1)
    return Candidate(passage, start, start + len(row), row, 1.0, 0.5, 0.5)


def test_a_row_a_newer_report_restates_with_another_figure_is_put_right() -> None:
    first = "Measure | 2022/23 | 2023/24\nChildren on a plan at 31 March | 389 | 412\n"
    revised = "Measure | 2023/24 | 2024/25\nChildren on a plan at 31 March | 421 | 436\n"
    row = "Children on a plan at 31 March"
    older = _row_candidate("dec", "2024-12-09", first, first[first.index(row) :].strip())
    newer = _row_candidate("oct", "2025-10-14", revised, revised[revised.index(row) :].strip())
    year = Period(date(2023, 4, 1), date(2024, 3, 31))
    assert restated_later([older, newer], year) == {0}
    # The year only the older report gives stands; so does a figure the newer repeats.
    assert restated_later([older, newer], Period(date(2022, 4, 1), date(2023, 3, 31))) == set()
    repeated = revised.replace("421", "412")
    same = _row_candidate("oct", "2025-10-14", repeated, newer.text.replace("421", "412"))
    assert restated_later([older, same], year) == set()
