"""Metadata a document carries in its own text: title, date, kind, letterhead.

Used where the corpus manifest is silent. Dates are parsed by dateparser
("Friday, January 19, 2018", "Thursday, 30th June 2016, 11:39 am", "22 March 2017"),
never by hand-written regexes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from corpus.clean import Block, word_count

_TITLES = r"Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Dame|Lord|Lady|Professor|Prof|Cllr|Councillor|Rev|Reverend"
_ADDRESSEE_FIRST = re.compile(rf"^(?:{_TITLES})\.?\s+[A-Z][\w'\u2019-]+")
UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_SALUTATION = re.compile(r"^Dear\s+\S.{0,80}$")
_VALEDICTION = re.compile(r"^Yours\s+(sincerely|faithfully|truly)\b", re.IGNORECASE)
_DATE_PREFIX = re.compile(r"^(published|updated|posted|date|dated|issued)[:\s]+", re.IGNORECASE)
_DATE_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "past",
}
_HEAD_LINES = 15


@lru_cache(maxsize=4096)
def parse_date(line: str) -> str | None:
    """ISO date of a line that is (or starts with a label and then is) a full date."""
    candidate = _DATE_PREFIX.sub("", line.strip())
    if not candidate or word_count(candidate) > 8 or not re.search(r"\d", candidate):
        return None
    import dateparser

    parsed = dateparser.parse(candidate, languages=["en"], settings=_DATE_SETTINGS)
    return parsed.date().isoformat() if parsed else None


def is_addressee_block(block: Block) -> bool:
    """A letter's inside address: "Mr Damien Allen" then organisation and address lines."""
    lines = block.lines
    if not 2 <= len(lines) <= 9 or not _ADDRESSEE_FIRST.match(lines[0]):
        return False
    if any(word_count(line) > 10 or line.endswith(".") for line in lines):
        return False
    return len(lines) >= 3 or any(UK_POSTCODE.search(line) for line in lines)


def is_salutation(block: Block) -> bool:
    return len(block.lines) == 1 and bool(_SALUTATION.match(block.text))


def is_letterhead(block: Block) -> bool:
    """Addressee or salutation: the parts that differ between copies of one letter."""
    return is_addressee_block(block) or is_salutation(block)


def letterhead_flags(blocks: list[Block]) -> list[bool]:
    """Which blocks belong to a letterhead: addressee, salutation, and a date line
    directly above an addressee (copies of one letter may be dated differently)."""
    flags = [is_letterhead(b) for b in blocks]
    for i in range(len(blocks) - 1):
        if (
            is_addressee_block(blocks[i + 1])
            and len(blocks[i].lines) == 1
            and parse_date(blocks[i].text)
        ):
            flags[i] = True
    return flags


@dataclass
class Letterhead:
    addressees: list[dict[str, str]] = field(default_factory=list)
    signatories: list[str] = field(default_factory=list)


def extract_letterhead(blocks: list[Block]) -> Letterhead:
    """Every addressee (with salutation, address and date) and signatory of a letter.

    Run on the document before deduplication, so that a letter held twice (once per
    recipient) yields both addressees.
    """
    found = Letterhead()
    for i, block in enumerate(blocks):
        if is_addressee_block(block):
            lines = block.lines
            entry = {"name": lines[0]}
            if len(lines) > 1:
                entry["organisation"] = lines[1]
            if len(lines) > 2:
                entry["address"] = ", ".join(lines[2:])
            for before in blocks[max(0, i - 2) : i]:
                date = parse_date(before.text) if len(before.lines) == 1 else None
                if date:
                    entry["date"] = date
                    entry["date_as_written"] = before.text
            for after in blocks[i + 1 : i + 3]:
                if is_salutation(after):
                    entry["salutation"] = after.text
                    break
            if entry not in found.addressees:
                found.addressees.append(entry)
        elif _VALEDICTION.match(block.text):
            rest = block.lines[1:] or (blocks[i + 1].lines if i + 1 < len(blocks) else [])
            if rest and all(word_count(line) <= 8 for line in rest):
                signatory = ", ".join(rest)
                if signatory not in found.signatories:
                    found.signatories.append(signatory)
    return found


def extract_date(blocks: list[Block]) -> str | None:
    """The first full date among the document's opening lines."""
    for line in _head_lines(blocks):
        date = parse_date(line)
        if date:
            return date
    return None


def extract_title(blocks: list[Block]) -> str:
    """The first heading-like line: short, and neither a date nor part of a letterhead."""
    for block in blocks[:20]:
        line = block.lines[0]
        if is_letterhead(block) or parse_date(line) or word_count(line) > 25:
            continue
        return line
    return blocks[0].lines[0] if blocks else "Untitled"


def guess_kind(blocks: list[Block], letterhead: Letterhead) -> str:
    """ "inspection letter", "news article" or "report", from the text's shape."""
    text = " ".join(line for line in _head_lines(blocks))
    if letterhead.addressees or any(is_salutation(b) for b in blocks[:20]):
        return "inspection letter" if re.search(r"inspect|monitoring", text, re.I) else "letter"
    has_dateline = any(parse_date(line) for line in _head_lines(blocks))
    has_quotes = sum(b.text.count(" said") for b in blocks) >= 2
    if has_dateline and has_quotes:
        return "news article"
    return "report"


def _head_lines(blocks: list[Block]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        lines.extend(block.lines)
        if len(lines) >= _HEAD_LINES:
            break
    return lines[:_HEAD_LINES]
