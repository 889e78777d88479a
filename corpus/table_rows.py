"""Rows of a table written with bars: what a row is, its cells, its header row and the
caption above it, so that a row is read under the columns it fills.

`corpus.tables` writes tables aligned with spaces this way; `corpus.sentences` reads
each row as one span.
"""

from __future__ import annotations

import re
from collections.abc import Iterator


def line_around(text: str, position: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return start, len(text) if end < 0 else end


def is_table_row(line: str) -> bool:
    """A row of a table written with pipes ("Children placed | 44 | 27", "| a | b |"), or
    exported without spaces ("C02|Agency social workers (%)|39%|17.6%": two bars at least,
    which prose does not write)."""
    return " | " in line or line.startswith("|") or line.count("|") >= 2


def other_records(row: str, neighbour: str) -> bool:
    """Whether two neighbouring lines are rows of a table, each a record of its own: the
    rows around "September | 4" say nothing of it ("August | 6" does not date it), as the
    sentences around a sentence may."""
    return is_table_row(row) and is_table_row(neighbour)


def same_table_row(text: str, end: int, start: int) -> bool:
    """Whether the spans ending at `end` and starting at `start` are cells of one row."""
    if "\n" in text[end:start]:
        return False
    line_start, line_end = line_around(text, start)
    return is_table_row(text[line_start:line_end])


_TABLE_RULE = re.compile(r"[\s|:+-]*")  # "|---|:--:|" under a markdown table's header


def table_header(text: str, start: int) -> str:
    """The header row of the table whose row begins at `start` ("Measure | Orlingham |
    Wexcombe" over "Children placed | 44 | 27"): the top row of the run of rows with as
    many cells (blank lines and rules between them allowed), or one cell fewer when the
    header leaves the corner above the rows' names blank; '' for the header itself or no
    table row. When that top row holds figures, the table ran on under a section
    heading or a page break (its repeated header removed as boilerplate), and the header
    is looked for above them."""
    line_start, line_end = line_around(text, start)
    row = text[line_start:line_end]
    if not is_table_row(row):
        return ""
    width = _cells(row)
    header = ""
    crossed = 0  # lines passed since the last row of the table
    for line in _lines_above(text, line_start):
        if crossed > _RUN_ON_LINES:
            break
        if is_table_row(line) and _cells(line) == width:
            header, crossed = line, 0
        elif (
            is_table_row(line)
            and _cells(line) == width - 1
            and not crossed
            and _holds_figures(header or row)
            and not _holds_figures(line)
        ):
            return line  # a header leaving the rows' names' cell blank ("2023 | 2024")
        elif not _holds_figures(header or row):
            break  # another table's row has as many cells only by chance
        else:
            crossed += 1
    return header


# A currency named once for a whole table: "Table 3: Budget (cash contributions, GBP)",
# "(£ million)", "Funder | 2023-24 (£) | ...".
_CURRENCY = re.compile(r"£|\bGBP\b")
_CAPTION_LINES = 2


def table_in_currency(text: str, start: int) -> bool:
    """Whether the table whose row begins at `start` names a currency in its header row or
    the caption just above the table, so that its bare figures are amounts of money."""
    return bool(
        _CURRENCY.search(table_header(text, start)) or _CURRENCY.search(table_caption(text, start))
    )


def table_caption(text: str, start: int) -> str:
    """The lines just above the table whose row begins at `start` (at most
    `_CAPTION_LINES`, not counting blank lines and rules): its caption or the sentence
    that introduces it ("Ofsted inspected our services in January 2024. The judgements
    were:"), which say what its figures are and when. '' for no table row."""
    line_start, line_end = line_around(text, start)
    if not is_table_row(text[line_start:line_end]):
        return ""
    caption: list[str] = []
    for line in _lines_above(text, line_start):
        if len(caption) == _CAPTION_LINES:
            break
        if is_table_row(line):
            if caption:
                break  # another table's row, above this table's caption
            continue  # the table itself, up to its top
        caption.append(line)
    return "\n".join(reversed(caption))


def _lines_above(text: str, line_start: int) -> Iterator[str]:
    """The lines of `text` above the one starting at `line_start`, nearest first,
    stripped; blank lines and a table's rules ("---+---") left out."""
    position = line_start
    while position > 0:
        previous_start, previous_end = line_around(text, position - 1)
        line = text[previous_start:previous_end].strip()
        position = previous_start
        if line and not _TABLE_RULE.fullmatch(line):
            yield line


# Lines a table may run on past: a section heading, a page footer and header.
_RUN_ON_LINES = 4
_FIGURE_CELL = re.compile(r"\s*(?:[£$]?\d[\d,.]*\s*%?|-|n/a)\s*", re.IGNORECASE)
_YEAR_CELL = re.compile(r"\s*(?:19|20)\d\d\s*")


def _holds_figures(row: str) -> bool:
    """A row of figures ("C01|Caseload|24.6|24.8"), not a header ("Ref|Indicator|Q3
    24/25"; a year names a column: "Measure | 2022 | 2023")."""
    cells = [row[a:b] for a, b in cell_spans(row)]
    return any(_FIGURE_CELL.fullmatch(c) and not _YEAR_CELL.fullmatch(c) for c in cells)


def _cells(row: str) -> int:
    return len(cell_spans(row))


_CELL = re.compile(r"[^|]+")


def cell_spans(row: str) -> list[tuple[int, int]]:
    """Where each cell of a table row lies in it ("| a | b |": two cells; an empty
    cell between two pipes is none)."""
    return [cell.span() for cell in _CELL.finditer(row) if cell.group().strip()]


def column_names(header: str, row: str) -> list[str] | None:
    """The name of the column each cell of `row` sits in under `header` ('' for the
    rows' names' cell a header leaves blank); None when cells and columns do not line up."""
    names = [header[start:end] for start, end in cell_spans(header)]
    cells = len(cell_spans(row))
    if len(names) == cells - 1:
        names.insert(0, "")
    return names if len(names) == cells else None
