"""Tables laid out with spaces, kept as tables.

A plain-text export aligns a table's columns with runs of spaces (or tabs):

    Measure                     2021-22   2022-23   2023-24
    Notifications received      22        19        27

Cleaning collapses runs of spaces, which would leave "Notifications received 22 19 27",
its figures no longer under their years. Such rows are written with bars instead
("Measure | 2021-22 | 2022-23 | 2023-24"), the form `corpus.table_rows` reads as a table's
row and its header, so a question naming a column is answered from that column.

A row's name too long for its column wraps onto the line above, the rest indented under
it ("Children placed more than 20 miles" / "    from home    19%    17%"); the two
lines are one row. A header over the figures only ("Jan 2024   Jan 2025", leaving the
names' column blank) has one cell fewer than the rows, and is given bars too.
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
    rows = sorted(
        {i for i, line in enumerate(lines) if _is_aligned_row(line)} | _ruled_pairs(lines)
    )
    tables: list[list[int]] = []
    for i in rows:
        if tables and i - tables[-1][-1] - 1 <= _MAX_INNER_LINES:
            gap = lines[tables[-1][-1] + 1 : i]
            if all(line.strip() for line in gap):  # a blank line ends a table
                tables[-1].append(i)
                continue
        tables.append([i])
    joined: set[int] = set()  # lines that began the row below them
    for table in tables:
        if len(table) < _MIN_ROWS:
            continue
        for i in table:
            line = lines[i]
            indent = line[: len(line) - len(line.lstrip())]
            cells = _COLUMN_GAP.split(line.strip())
            if _begins_row(lines, i):
                cells[0] = f"{lines[i - 1].strip()} {cells[0]}"
                indent = lines[i - 1][: len(lines[i - 1]) - len(lines[i - 1].lstrip())]
                joined.add(i - 1)
            lines[i] = indent + " | ".join(cells)
        # The line above the table's top row, or above the start of its name.
        top = table[0] - 2 if table[0] - 1 in joined else table[0] - 1
        if top >= 0 and _heads_figures(lines[top], lines[table[0]].count("|") + 1):
            indent = lines[top][: len(lines[top]) - len(lines[top].lstrip())]
            lines[top] = indent + " | ".join(_COLUMN_GAP.split(lines[top].strip()))
        if counts is not None:
            counts["tables aligned with spaces given bars"] += 1
    if counts is not None and joined:
        counts["table rows' names rejoined from the line above"] += len(joined)
    return "\n".join(line for i, line in enumerate(lines) if i not in joined)


# A header's rule ("-----------   --------"): each run of dashes spans a column.
_RULE = re.compile(r"[-=]{3,}(?:[ \t]{2,}[-=]{3,})+")
_SHORT_CELL_WORDS = 5


def _ruled_pairs(lines: list[str]) -> set[int]:
    """The lines of two-column tables whose header is ruled off: the header, the rule and
    the rows below it up to a blank line, when each row's second cell is short (a figure,
    a date: "Special guardianship order, receiving allowance     389"). Two columns of
    prose side by side ("You said" / "What happened") wrap, and are left as they are."""
    found: set[int] = set()
    for r, rule in enumerate(lines):
        if (
            r == 0
            or not _RULE.fullmatch(rule.strip())
            or len(_COLUMN_GAP.findall(rule.strip())) != 1
        ):
            continue
        block = [r - 1, r]
        for i in range(r + 1, len(lines)):
            if not lines[i].strip():
                break
            block.append(i)
        cells = [_COLUMN_GAP.split(lines[i].strip()) for i in block]
        if all(len(c) == 2 for c in cells) and all(
            len(c[1].split()) <= _SHORT_CELL_WORDS for c in cells[2:]
        ):
            found.update(block)
    return found


def _begins_row(lines: list[str], i: int) -> bool:
    """Whether the line above row `i` is the start of its name: a line of one cell, the
    row's name going on in lower case indented further ("Children placed more than 20
    miles" over "    from home    19%")."""
    if i == 0:
        return False
    above, row = lines[i - 1], lines[i]
    name = row.lstrip()
    return (
        bool(above.strip())
        and not _COLUMN_GAP.search(above.strip())
        and "|" not in above
        and not above.rstrip().endswith(":")
        and name.lstrip("(")[:1].islower()
        and len(row) - len(name) > len(above) - len(above.lstrip())
    )


_HEADER_CELL = re.compile(r".*[A-Za-z].*|(?:19|20)\d\d(?:[-/]\d{2,4})?")


def _heads_figures(line: str, width: int) -> bool:
    """Whether `line` is the header of a table `width` cells wide that leaves the rows'
    names' column blank: one cell fewer, each a word or a year ("Jan 2024   Jan 2025")."""
    cells = _COLUMN_GAP.split(line.strip())
    return (
        "|" not in line
        and len(cells) == width - 1 >= 2
        and all(_HEADER_CELL.fullmatch(cell) for cell in cells)
    )
