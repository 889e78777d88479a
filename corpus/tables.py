"""Tables laid out with spaces, kept as tables.

A plain-text export aligns a table's columns with runs of spaces (or tabs):

    Measure                     2021-22   2022-23   2023-24
    Notifications received      22        19        27

Cleaning collapses runs of spaces, which would leave "Notifications received 22 19 27",
its figures no longer under their years. Such rows are written with bars instead
("Measure | 2021-22 | 2022-23 | 2023-24"), the form `corpus.table_rows` reads as a table's
row and its header, so a question naming a column is answered from that column.
"""

from __future__ import annotations

import re
from collections import Counter

# Between two columns: two spaces or more, or a tab; not the two spaces a typist puts
# after a full stop ("... were seen.  Inspectors found ...").
_COLUMN_GAP = re.compile(r"(?<=[^\s.!?:;])(?:[ ]*\t[ \t]*|[ ]{2,})(?=\S)")
_MIN_COLUMNS = 3
_MIN_ROWS = 3
# A line inside a table that is no row of it (a label wrapped onto two lines) does not
# end the table.
_MAX_INNER_LINES = 1


def _is_aligned_row(line: str) -> bool:
    return "|" not in line and len(_COLUMN_GAP.findall(line.strip())) >= _MIN_COLUMNS - 1


def pipe_aligned_tables(text: str, counts: Counter[str] | None = None) -> str:
    """`text` with each table aligned by spaces rewritten with bars between its cells."""
    lines = text.split("\n")
    rows = [i for i, line in enumerate(lines) if _is_aligned_row(line)]
    tables: list[list[int]] = []
    for i in rows:
        if tables and i - tables[-1][-1] - 1 <= _MAX_INNER_LINES:
            gap = lines[tables[-1][-1] + 1 : i]
            if all(line.strip() for line in gap):  # a blank line ends a table
                tables[-1].append(i)
                continue
        tables.append([i])
    for table in tables:
        if len(table) < _MIN_ROWS:
            continue
        for i in table:
            line = lines[i]
            indent = line[: len(line) - len(line.lstrip())]
            lines[i] = indent + " | ".join(_COLUMN_GAP.split(line.strip()))
        if counts is not None:
            counts["tables aligned with spaces given bars"] += 1
    return "\n".join(lines)
