"""Table rows a later report restates: the newer figure stands.

A report that corrects or updates an earlier one often repeats its table ("Table C:
Safeguarding context, 2023/24 (corrected) and 2024/25"): the same measure, the same
period, another figure. Asked about that period, the newer report's row answers; the
older one's figure is the one it put right.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from corpus.table_rows import cell_spans, column_names, is_table_row, table_header
from service.qa.dates import evidence_day
from service.qa.facts import Period, dated_within
from service.qa.text import normalised

if TYPE_CHECKING:
    from service.qa.answer import Candidate


def restated_later(candidates: Sequence[Candidate], period: Period) -> set[int]:
    """The positions in `candidates` of table rows whose measure a newer document's row
    gives another figure for, in its column of `period`."""
    rows: dict[str, list[tuple[int, date, str]]] = {}
    for i, candidate in enumerate(candidates):
        read = _row_in_period(candidate, period)
        day = evidence_day(candidate.passage.document)
        if read is not None and day is not None:
            label, figure = read
            rows.setdefault(label, []).append((i, day, figure))
    older: set[int] = set()
    for found in rows.values():
        newest = max(day for _, day, _ in found)
        figures = {figure for _, day, figure in found if day == newest}
        older.update(i for i, day, figure in found if day < newest and figure not in figures)
    return older


def _row_in_period(candidate: Candidate, period: Period) -> tuple[str, str] | None:
    """(the row's measure, its cell in the one column dated in `period`), or None when
    the candidate is no table row or has no such column."""
    if not is_table_row(candidate.text):
        return None
    document = candidate.passage.document.text
    names = column_names(table_header(document, candidate.start), candidate.text)
    if names is None:
        return None
    cells = [candidate.text[start:end].strip() for start, end in cell_spans(candidate.text)]
    dated = [i for i, name in enumerate(names) if i and dated_within(name, period)]
    if len(dated) != 1 or not cells[0]:
        return None
    return normalised(cells[0]), normalised(cells[dated[0]])
