"""Sentence spans with exact offsets, for answer extraction and deduplication."""

from __future__ import annotations

import re
from functools import lru_cache

from corpus.metadata import UK_POSTCODE
from corpus.table_rows import is_table_row, line_around, same_table_row

_CLOSERS = "\"'\u2019\u201d)]"
# A sentence ends after . ! or ? (and any closing quotes/brackets) when whitespace
# and then a capital, digit, opening quote or bullet follows. A line break always
# ends one: headings, bylines and list items carry no full stop. Leader dots between
# a label and its figure end none ("Posts filled by agency social workers   ...  24%").
_BOUNDARY = re.compile(
    r"(?<=[.!?])(?<!\s\.\.\.)(?<!\.\.\.\.)["
    + re.escape(_CLOSERS)
    + r"]*[ \t]+(?=[\"'\u2018\u201c(\[]?[A-Z0-9\u2022-])"
    r"|\s*\n\s*"
)
# A full stop after these does not end a sentence ("Mr Allen" is written without one
# in British style, but "Dr." and "e.g." still occur).
# Nor does an initial after a title, another initial, a comma, a colon, a bracket or
# "and", or opening a line: "Councillor L. Pritchard", "Dr J. R. Smith", "P. Ashdown, L.
# Pritchard and S. Yardley", "Report author: K. Obi" (but "... adopted Plan B. Members
# agreed" ends one).
_ABBREVIATION_END = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Sir|St|No|Cllr|Rev|Prof|e\.g|i\.e|etc)\.$"
    r"|(?:\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Cllrs?|Councillors?|Prof|and)\s+"
    r"|\b[A-Z]\.\s+|[,:]\s+|\(|(?m:^))[A-Z]\.$"
)
# How far back from a full stop the abbreviation it ends is looked for.
_ABBREVIATION_REACH = 20


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Return the (start, end) span of each sentence of `text`, shifted by `offset`.

    Spans carry no surrounding whitespace, so `text[start:end]` is the sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        is_line_break = "\n" in match.group(0)
        if not is_line_break and _ABBREVIATION_END.search(
            text, max(start, match.start() - _ABBREVIATION_REACH), match.start()
        ):
            continue
        end = match.start()
        while end < len(text) and text[end] in _CLOSERS:
            end += 1
        _append(spans, text, start, end, offset)
        start = match.end()
    _append(spans, text, start, len(text), offset)
    return spans


def _append(spans: list[tuple[int, int]], text: str, start: int, end: int, offset: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start + offset, end + offset))


# A line this short with no closing full stop is part of an address, a letterhead or a
# list of names, not a sentence.
_BLOCK_LINE_WORDS = 5


def answer_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans, with each run of short lines (an address block: "Civic Office /
    Doncaster / DN1 3BU") joined into one span, so the street, town and postcode of
    one address, or a name and its job title, are read together; and each row of a
    table one span, its cells read together ("1. The registered person must ... | 5
    January 2024": the requirement and its due date)."""
    merged: list[tuple[int, int]] = []
    open_block = False
    for start, end in sentence_spans(text):
        if merged and same_table_row(text, merged[-1][1], start):
            merged[-1] = (merged[-1][0], end)
            continue
        line = text[start:end]
        short = (
            len(line.split()) < _BLOCK_LINE_WORDS
            and not line.endswith((".", "!", "?"))
            and not is_table_row(line)  # rows of a short table are no address block
        )
        gap = text[merged[-1][1] : start] if merged else ""
        next_line = gap.count("\n") == 1 and not gap.strip()
        if next_line and open_block and (short or _signs_as(text[slice(*merged[-1])], line)):
            merged[-1] = (merged[-1][0], end)
            open_block = short  # a signature ends with its post
            continue
        merged.append((start, end))
        open_block = short
    return [(start + offset, end + offset) for start, end in merged]


# A plain-text export wraps its paragraphs at a fixed width (70-80 characters): a line
# filled to about that width, ending with no stop, runs on into the next line, whatever
# that line starts with ("... in October 2022, judged\nAmbleworth as requires ...").
# A text is wrapped when its longest prose line is at most _WRAP_MAX and several lines
# come close to it; a line is filled when it reaches within _WRAP_SLACK of that width
# (the next word did not fit).
_WRAP_MAX = 100
_WRAP_SLACK = 18
_WRAPPED_LINES = 3
_WRAP_OUTLIERS = 0.05
_LINE_END_STOP = re.compile(r"[.!?:;][" + re.escape(_CLOSERS) + r"]*\s*$")
_MID_PHRASE_END = re.compile(r"(?:\b[a-z][a-z'-]*|,)\s*$")
_DAY_END = re.compile(r"\b\d{1,2}\s*$")
_MONTH_START = re.compile(
    r"\s*(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)
# A name's last words, and the sentence running on after them in lower case or ending.
_CAPITALISED = r"[A-Z][\w'’-]*"
_RUNS_ON_TAIL = r"(?:,?\s+[a-z(]|[.;:]\s*$)"
_NAME_END = re.compile(rf"\b{_CAPITALISED}\s*$")
_NAME_RUNS_ON = re.compile(rf"\s*{_CAPITALISED}(?:\s+{_CAPITALISED})*{_RUNS_ON_TAIL}")
# A place's name after "at", "in", "from" or "near", and its address running on over
# commas ("at Cordwainer" / "House, Bellfoundry Lane, replacing separate referral routes;").
_PLACE_END = re.compile(rf"\b(?:at|in|from|near)\s+(?:{_CAPITALISED}\s+)*{_CAPITALISED}\s*$")
_ADDRESS_RUNS_ON = re.compile(rf"\s*{_CAPITALISED}(?:,?\s+{_CAPITALISED})*{_RUNS_ON_TAIL}")


# A signature: a bare name line, then the post it signs as, however long ("Kwabena
# Strathdee-Morris" / "Executive Director of Resources (Section 151 Officer), Cattenbridge
# County Council"); the two say who holds the post only read together.
_NAME_WORD = r"[A-Z][a-z][\w'’-]*"  # "Strathdee-Morris"; not a heading's "COUNCIL"
_BARE_NAME = re.compile(
    r"(?:(?:Dr|Mr|Mrs|Ms|Miss|Professor|Prof|Cllr|Councillor|Sir|Dame)\.?\s+)?"
    rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}"
)
# A post opens with its title ("Executive Director of ...", "Head of Service"), which a
# body's name under an addressee ("Doncaster Metropolitan Borough Council") does not.
_POST = re.compile(
    r"(?:[A-Z][\w-]*\s+){0,3}(?:Director|Officer|Manager|Head|Chief|Executive|Member|Chair|"
    r"Leader|Lead|Inspector|Commissioner|Secretary|Minister|Advis[eo]r|Coordinator|Clerk|"
    r"Headteacher|Principal|Solicitor|Auditor|Partner)\b"
)
_POST_LINE_WORDS = 20


def _signs_as(name: str, line: str) -> bool:
    """Whether `line` is the post the bare name line `name` above it signs as."""
    return (
        _BARE_NAME.fullmatch(name) is not None
        and _POST.match(line) is not None
        and len(line.split()) <= _POST_LINE_WORDS
        and not line.endswith((".", "!", "?"))
        and not is_table_row(line)
    )


_LEADER = "...."
# A line that starts an item of its own: a bullet, a lettered or numbered point, a
# section number, or a label ("Date: 12 March 2025", "Answer (Cllr Bhardwaj):").
_MARK = r"[-\u2022*\u2013]\s|\(?[a-z]{1,3}\)\s"  # a bullet or a lettered point
_ITEM_START = re.compile(
    rf"\s*(?:{_MARK}|\d{{1,2}}(?:\.\d{{1,2}})*[.)]?\s"
    r"|[A-Z][\w '()-]{0,40}:(?:\s|$))"
)


def _wrap_width(lines: list[str]) -> int | None:
    """The width `lines` are wrapped at, or None when they are not wrapped: a few longer
    lines (a title, a web address) may stand out of it, most lines may not."""
    prose = [len(line.rstrip()) for line in lines if line.strip() and not is_table_row(line)]
    within = sorted(n for n in prose if n <= _WRAP_MAX)
    spare = int(len(prose) * _WRAP_OUTLIERS) - (len(prose) - len(within))
    if not within or spare < 0:
        return None
    # The width is the longest line but for those few: one line typed unwrapped among
    # lines wrapped at 76 does not make the width 100.
    for width in reversed(within[-1 - spare :]):
        if sum(width - _WRAP_SLACK <= n <= width for n in within) >= _WRAPPED_LINES:
            return width
    return None


@lru_cache(maxsize=256)
def _text_wrap_width(text: str) -> int | None:
    # A document's text is one object for as long as its index serves: its hash is kept.
    return _wrap_width(text.split("\n"))


def _mid_phrase(line: str, following: str) -> bool:
    """Whether `line` breaks off mid-phrase before `following`, which opens with a capital:
    after a lower-case word or a comma, between a day and its month, or inside a name the
    next line ends and runs on from ("... by Orrinhall Research" / "Partnership, including
    a survey"; "... is Tamsin" / "Greenhalgh."), or in an address after "at" or "in" ("at
    Cordwainer" / "House, Bellfoundry Lane, replacing"), or in a bracket left open. A line
    ending in a name, a title or a figure is otherwise an entry of a list or a table
    ("..., CQC" / "Roy Blackett, His Majesty's Inspector"; "Tuition £148,900" /
    "Educational psychology £96,500")."""
    return bool(
        _MID_PHRASE_END.search(line)
        or (_DAY_END.search(line) and _MONTH_START.match(following))
        or (_NAME_END.search(line) and _NAME_RUNS_ON.match(following))
        or (_PLACE_END.search(line) and _ADDRESS_RUNS_ON.match(following))
        # A bracket left open: "(owner: Inspector" / "Fenella Darrow; by 30 September 2025).".
        or line.rfind("(") > line.rfind(")")
    )


def _runs_on(line: str, following: str, width: int) -> bool:
    """Whether the break between `line` and `following` only wraps a paragraph."""
    return (
        len(line.rstrip()) >= width - _WRAP_SLACK
        and any(ch.isalnum() for ch in following)  # not a rule ("-----") or a blank
        # A stop inside a bracket still open ends no sentence: "(September 2023:" / "21).",
        # "Year 11) in the care of the council (spring term 2024:" / "389).".
        and (not _LINE_END_STOP.search(line) or line.rfind("(") > line.rfind(")"))
        and not any(
            is_table_row(x) or is_heading(x.strip()) or is_page_furniture(x)
            for x in (line, following)
        )
        and not _ITEM_START.match(following)
        # Before a capital, a line breaks mid-phrase ("judged\nAmbleworth", "On 31\nJanuary");
        # a line ending in a name or title is an entry of a list ("..., CQC\nRoy Blackett").
        and (not following.lstrip()[:1].isupper() or _mid_phrase(line, following))
        and not any(_LEADER in x for x in (line, following))  # a contents page's entries
    )


def wrapped_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole sentence that `text[start:end]` (a sentence span of `text`) is a piece
    of, when a wrapped line break cut it: (start, end) widened across the breaks that
    only wrap a paragraph, or as they were. The width is read from all of `text`."""
    width = _text_wrap_width(text)
    if width is None:
        return start, end
    while True:  # back over breaks the sentence runs on across
        line_start, line_end = line_around(text, start)
        if line_start == 0 or text[line_start:start].strip():
            break
        previous_start, previous_end = line_around(text, line_start - 1)
        if not _runs_on(text[previous_start:previous_end], text[line_start:line_end], width):
            break
        pieces = sentence_spans(text[previous_start:previous_end], offset=previous_start)
        start = pieces[-1][0]
    while True:  # on over them
        line_start, line_end = line_around(text, max(start, end - 1))
        if line_end >= len(text) or text[end:line_end].strip():
            break
        following_start, following_end = line_around(text, line_end + 1)
        if not _runs_on(text[line_start:line_end], text[following_start:following_end], width):
            break
        pieces = sentence_spans(text[following_start:following_end], offset=following_start)
        end = pieces[0][1]
    return start, end


# A section's number standing alone where a full stop ended it ("7." of "7.
# RECOMMENDATION"): no figure.
_BARE_NUMBER = re.compile(r"\s*\d{1,2}(?:\.\d{1,2}){0,3}\.\s*")


def is_section_number(line: str) -> bool:
    """A section's number alone ("7."): it answers nothing."""
    return bool(_BARE_NUMBER.fullmatch(line))


# A page's running header or footer: "Page 1 of 3" anywhere ("Inspection report: Adopt
# Heathland, 3 to 7 June 2024 Page 1 of 1"); a bare "Page 2" alone on its line or closing
# a header in columns ("Kelmarden County Council | DCS Annual Report 2024/25   Page 2",
# "Willowbank House | Reg 44 report | March 2025 | OFFICIAL  p.4").
_PAGE_OF = re.compile(
    r"\bpage\s+\d+\s+of\s+\d+\b|^\s*page\s+\d+\s*$|\|[^|\n]*\b(?:page\s+|p\.\s?)\d+\s*$",
    re.IGNORECASE,
)
# A header closing with "Page 42" in a line that holds no sentence ("Sorrelbury City
# Council - Cabinet - 12 November 2025   Page 42"); prose writes "on page 42".
_CLOSING_PAGE = re.compile(r"^[^.!?\n]*\S\s+Page\s+\d+\s*$")
# A web page's print footer: "ludmoor.gov.uk/send-travel-assistance   Printed 02/10/2025".
_PRINTED = re.compile(r"\S\s+Printed(?:\s+on)?:?\s+\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\s*$")


def is_page_furniture(line: str) -> bool:
    """A running header or footer ("... Page 1 of 1"): its dates and names are the
    document's, it answers nothing."""
    return bool(_PAGE_OF.search(line) or _CLOSING_PAGE.match(line) or _PRINTED.search(line))


_CAPTION = re.compile(r"\s*(?:table|figure|chart|graph)\s+\d+[a-z]?\s*[:.–-]", re.IGNORECASE)


# A numbered section's title, no sentence: "Question 5 - Agencies used and amounts paid"
# (of a reply to a request for information), "Part 2: Findings".
_SECTION_TITLE = re.compile(
    r"\s*(?:question|section|part|appendix|annex|schedule)\s+[\dA-Z]{1,3}\s*[:.–-]\s+[^.!?]*$",
    re.IGNORECASE,
)


def is_caption(line: str) -> bool:
    """A table's or figure's caption ("Table 5: Concerns raised through the DRP") or a
    numbered section's title ("Question 5 - Agencies used"): it names what the lines
    below hold, it answers nothing."""
    return bool(_CAPTION.match(line) or _SECTION_TITLE.match(line))


def is_heading(line: str) -> bool:
    """A line in capitals ("8. CONTACT OFFICER"): it names a section, it answers nothing."""
    # Compared whole first (in C): most lines have a lower-case letter and stop there.
    if line != line.upper():
        return False
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and not any(ch.islower() for ch in letters)


def _leads_on(line: str) -> bool:
    """A heading, a label ("Number of CLA at 31 March:") or a question ("Question 1: How
    many ...?"): a line that says what the lines after it are about."""
    line = line.rstrip()
    return is_heading(line) or line.endswith((":", "?"))


# A list's item: a bullet, or a lettered or numbered point ("- ", "(b) ", "3. "), not a
# section number or a label as an item of its own may be (`_ITEM_START`).
_BULLET = re.compile(rf"[ \t]*(?:{_MARK}|\(?\d{{1,2}}[.)]\s)")
_LIST_REACH = 15  # lines read back over a list's earlier items


def list_lead(text: str, start: int) -> str:
    """The line introducing the list whose item's line holds `start` ("At 30 November
    2025:" above "- 497 children were in the council's care"), or '' when the line is no
    list item or its list has no such line: what it says holds for every item."""
    line_start = text.rfind("\n", 0, start) + 1
    if not _BULLET.match(text, line_start):
        return ""
    for _ in range(_LIST_REACH):
        if line_start == 0:
            return ""
        above = text.rfind("\n", 0, line_start - 1) + 1
        line = text[above : line_start - 1]
        if line.strip() and not _BULLET.match(line):
            return line.strip() if line.rstrip().endswith(":") else ""
        line_start = above
    return ""


def leads(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """For each span of `text` that states something (a sentence, or a line with a figure),
    the heading, label or question lines directly before it (a table under "Number of CLA
    at 31 March:", "Moira Stallard, Director ..." under "8. CONTACT OFFICER"), or the
    name line an address sits under, or ''. Read with the span, they say what its
    figures and names are. A bare name line or a title takes none."""
    found = []
    for i, (start, end) in enumerate(spans):
        if not states(text[start:end]):
            found.append("")  # a title line under the letterhead is no entry of a section
            continue
        j = i
        while j > 0 and i - j < _LEAD_LINES and _leads_on(text[spans[j - 1][0] : spans[j - 1][1]]):
            j -= 1
        if j == i and i > 0 and _names_the_address(text, spans[i - 1], (start, end)):
            j -= 1
        found.append("\n".join(text[s:e] for s, e in spans[j:i]))
    return found


def _names_the_address(text: str, above: tuple[int, int], line: tuple[int, int]) -> bool:
    """Whether `line` is an address (it holds a postcode) and the line directly `above`
    it a bare name ("Scarrowfield Safeguarding Children Partnership Business Unit" over
    "Floor 3, Causey House, 18 Bridlegate, Scarrowfield SC1 2HN"): whose address it is."""
    name = text[above[0] : above[1]]
    return (
        text[above[1] : line[0]].count("\n") == 1
        and bool(UK_POSTCODE.search(text, line[0], line[1]))
        and not states(name)
        and not is_heading(name)
    )


# An entry says something: a sentence, or a line with a figure ("2019: 612").
_STATES = re.compile(r"[.!?'\"’”]\s*$|\d")


def states(line: str) -> bool:
    """Whether `line` says something: it ends as a sentence does or holds a figure (not a
    title, a heading in small letters or a bare name)."""
    return bool(_STATES.search(line))


_LEAD_LINES = 2  # "Question 1: ...?" then "Number of CLA at 31 March:"
