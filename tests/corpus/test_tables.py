from collections import Counter

from corpus.table_rows import other_records, table_header
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
    # A row's name wrapped onto two lines is one row again, read with its figures.
    assert lines[5] == "  Children who were language / education agency students | 3 | 4 | 7"
    # One space between a label and its first figure is no column.
    assert lines[6] == "  Arrangements open at 31 March 9 | 11 | 14"
    assert lines[0] == "Table 1: Private fostering activity"
    assert lines[-1] == "5.1 The number of notifications rose by 8."
    assert counts["tables aligned with spaces given bars"] == 1
    assert counts["table rows' names rejoined from the line above"] == 1
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


SHORT_HEADER = """Figures shared with the forum:

                                     Jan 2024   Jan 2025
  Children and young people with
    an EHC plan (all ages 0-25)      2,547      2,918
  New plans issued within 20 weeks
    (excluding exceptions)           41%        34%
  Requests refused                   18%        14%
  Budget line: see note.
"""


def test_a_header_over_the_figures_only_gets_bars_and_reads_over_its_rows() -> None:
    piped = pipe_aligned_tables(SHORT_HEADER)
    lines = piped.splitlines()
    assert lines[2] == "                                     Jan 2024 | Jan 2025"
    assert (
        lines[3] == "  Children and young people with an EHC plan (all ages 0-25) | 2,547 | 2,918"
    )
    assert lines[4] == "  New plans issued within 20 weeks (excluding exceptions) | 41% | 34%"
    # The line after the table is left as it was.
    assert lines[6] == "  Budget line: see note."
    start = piped.index("Children and")
    assert table_header(piped, start).strip() == "Jan 2024 | Jan 2025"


RULED_PAIR = """5.1 At 31 March 2024 the council supported:

    Arrangement                                        Children
    -------------------------------------------------  --------
    Looked after, placed with connected persons         214
    Special guardianship order, receiving allowance     389
    Total                                               664

  You said                             What happened
  -----------------------------------  ---------------------------------------
  "We don't know who our EHC           From 1 March 2025 every family gets the
   co-ordinator is"                    name and direct email of their EHC
"""


def test_a_two_column_table_under_a_ruled_header_gets_bars_but_prose_side_by_side_not() -> None:
    lines = pipe_aligned_tables(RULED_PAIR).splitlines()
    assert lines[2] == "    Arrangement | Children"
    assert lines[5] == "    Special guardianship order, receiving allowance | 389"
    assert lines[6] == "    Total | 664"
    # Two columns of prose wrap line by line; bars would not make rows of them.
    assert lines[8] == "  You said                             What happened"
    assert "|" not in "".join(lines[8:])


def test_a_tables_neighbouring_rows_are_other_records_but_a_sentence_is_context() -> None:
    assert other_records("September | 4", "August | 6")
    assert not other_records("September | 4", "Monthly returns to the Commissioner:")
    assert not other_records("In September there were 4.", "In August there were 6.")
