"""A table row read under its columns' dates: "Missing from home episodes | 21 | 9" under
"Measure | 1 Mar-31 Aug 2024 | 1 Sep 2024-" gives figures of those periods only, so it
does not answer a question about March to August 2025, though the row names no date."""

from __future__ import annotations

from corpus.table_rows import cell_spans, column_names, line_around, table_header
from service.qa.facts import facts_of
from service.qa.periods import TimeConstraint


def columns_dated_elsewhere(text: str, start: int, time: TimeConstraint) -> bool:
    """Whether the table row at `start` of `text` holds its figures only in columns whose
    names date them, none in the period `time` asks about."""
    if time.relation not in ("in", "between"):
        return False
    header = table_header(text, start)
    if not header:
        return False
    line_start, line_end = line_around(text, start)
    row = text[line_start:line_end]
    names = column_names(header, row)
    if names is None:
        return False  # cells and columns do not line up
    cells = cell_spans(row)
    filled = [names[i] for i, (a, b) in enumerate(cells) if i and facts_of(row[a:b], "number")]
    periods = [[f.period for f in facts_of(name, "date") if f.period] for name in filled]
    if not filled or not all(periods):
        return False  # a column not dated may be of any period
    return not any(time.admits(period) for dated in periods for period in dated)
