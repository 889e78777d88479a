from collections import Counter

from corpus.table_rows import table_header
from corpus.tables import pipe_aligned_tables

TABLE = """Table 1: Private fostering activity

  Measure                       2021-22   2022-23   2023-24
  ---------------------------   -------   -------   -------
  Notifications received        22        19        27
  Children who were language / education
    agency students             3         4         7
  Arrangements open at 31 March 9         11        14

5.1 The number of notifications rose by 8."""


def test_a_table_aligned_with_spaces_gets_bars_between_its_cells() -> None:
    counts: Counter[str] = Counter()
    piped = pipe_aligned_tables(TABLE, counts)
    lines = piped.splitlines()
    assert lines[2] == "  Measure | 2021-22 | 2022-23 | 2023-24"
    assert lines[4] == "  Notifications received | 22 | 19 | 27"
    # A label wrapped onto two lines stays inside the table, as it was written.
    assert lines[5] == "  Children who were language / education"
    assert lines[6] == "    agency students | 3 | 4 | 7"
    # One space between a label and its first figure is no column.
    assert lines[7] == "  Arrangements open at 31 March 9 | 11 | 14"
    assert lines[0] == "Table 1: Private fostering activity"
    assert lines[-1] == "5.1 The number of notifications rose by 8."
    assert counts["tables aligned with spaces given bars"] == 1
    # The row is read under its header, so a year asked names its column.
    start = piped.index("Notifications received")
    assert table_header(piped, start).strip() == "Measure | 2021-22 | 2022-23 | 2023-24"


def test_prose_is_no_table() -> None:
    typed = (
        "The visit was in May.  Inspectors met staff.  They read files.\n"
        "Leaders were open.  Staff were proud.  Children were safe.\n"
        "The council agreed.  The trust agreed.  The minister agreed.\n"
    )
    assert pipe_aligned_tables(typed) == typed
    # Two aligned rows are too few to tell a table from a coincidence.
    two = "Name      Role      Since\nA. Smith  Chair     2020\n"
    assert pipe_aligned_tables(two) == two
