"""Cleaning: repair broken text and remove web boilerplate, recording every removal.

A document moves through the corpus stage as a list of `Block`s (paragraphs, split
at blank lines). Repairs change characters but never words; boilerplate removal
drops whole lines, each recorded with its rule and reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import ftfy

from corpus.config import CorpusConfig
from corpus.report import Removal
from corpus.tables import pipe_aligned_tables

_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
# Non-breaking and other typographic spaces: they only split words for search.
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
# What is left of a cp1252-decoded curly quote when its lead bytes ("â€") were lost:
# "'˜inadequate'" was "‘inadequate’". ftfy cannot undo a partial sequence.
_MOJIBAKE_REMNANT = re.compile(
    r"(?<=['\"\u2018\u201c])[\u02dc\u2122]|[\u02dc\u2122](?=['\"\u2019\u201d])"
)
# "in Autumn 2021.Riana Nelson": a sentence end glued to the next sentence.
_GLUED_SENTENCE = re.compile(
    r"(?<=[a-z0-9%)\]'\"\u2019\u201d][.!?])(['\"\u2019\u201d]?)(?=[A-Z][a-z])"
)
_SPACES = re.compile(r"[ \t]{2,}")
_SENTENCE_END = re.compile(r"[.!?:;]['\"\u2019\u201d)\]]*$")
_PAGE_CONTINUATION = re.compile(r"^[a-z]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalise_text(raw: str) -> str:
    """Normalise line endings, Unicode form and blank-line runs.

    The result is the canonical text that citations point into, so it must be a
    pure function of the raw input.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\ufeff", "")
    text = _TRAILING_SPACE.sub("\n", text)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()


def norm_key(text: str) -> str:
    """Comparison key: case, quote style and spacing do not make text different."""
    return " ".join(text.translate(_QUOTES).casefold().split())


def word_count(text: str) -> int:
    return len(text.split())


def repair(text: str, config: CorpusConfig, counts: Counter[str] | None = None) -> str:
    """Repair encoding damage and typography without changing any word.

    ftfy fixes mojibake, HTML entities and (optionally) curly quotes; the regexes
    here handle what it cannot: odd spaces, orphaned mojibake bytes and sentences
    glued together without a space.
    """
    counts = counts if counts is not None else Counter()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fixed = ftfy.fix_text(text, uncurl_quotes=config.uncurl_quotes)
    if fixed != text:
        counts["encoding/quotes (ftfy)"] += 1
    text = fixed
    for name, pattern, replacement in (
        ("odd spaces", _ODD_SPACES, " "),
        ("zero-width characters", _ZERO_WIDTH, ""),
        ("mojibake remnants", _MOJIBAKE_REMNANT, ""),
        ("glued sentences", _GLUED_SENTENCE, r"\1 "),
    ):
        text, n = pattern.subn(replacement, text)
        counts[name] += n
    text = pipe_aligned_tables(text, counts)  # before the runs of spaces that align them go
    text = _SPACES.sub(" ", text)
    return text


@dataclass
class Block:
    """A paragraph of a document: lines without blank lines between them.

    Attributes:
        text: lines joined by "\\n", each stripped.
        page: 1-based page the block starts on.
        page_breaks: (offset in text, page) where a later page continues the block.
    """

    text: str
    page: int = 1
    page_breaks: list[tuple[int, int]] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def split_blocks(pages: Iterable[str]) -> list[Block]:
    """Cut page texts into paragraphs at blank lines; lines are stripped of indentation."""
    blocks: list[Block] = []
    for number, page in enumerate(pages, start=1):
        for part in re.split(r"\n[ \t]*\n", page):
            lines = [line.strip() for line in part.split("\n")]
            text = "\n".join(line for line in lines if line)
            if text:
                blocks.append(Block(text, page=number))
    return blocks


@lru_cache(maxsize=32)
def _compile(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]


def is_short(line: str, config: CorpusConfig) -> bool:
    return word_count(line) <= config.boilerplate_max_words


# A breadcrumb trail of three or more steps is navigation however long it runs ("Home >
# Children, families and education > SEND Local Offer > Short breaks").
_BREADCRUMB = re.compile(r"^home\s*[>›»][^>›»]+[>›»]\s*\S", re.IGNORECASE)


def _is_boilerplate_line(line: str, config: CorpusConfig) -> str | None:
    """The pattern a short navigation/advertising line matches, else None."""
    if _BREADCRUMB.search(line):
        return _BREADCRUMB.pattern
    if not is_short(line, config):
        return None
    for pattern in _compile(config.all_boilerplate_patterns()):
        if pattern.search(line):
            return pattern.pattern
    return None


def _is_box_line(line: str) -> bool:
    """A line of a product box: short, and not a sentence."""
    return word_count(line) <= 8 and not _SENTENCE_END.search(line)


def remove_boilerplate(
    blocks: list[Block], path: str, config: CorpusConfig, furniture: frozenset[str] = frozenset()
) -> tuple[list[Block], list[Removal]]:
    """Drop navigation/advert lines, subscription boxes, furniture shared by a source's
    documents, and lines repeated back to back.

    Args:
        blocks: the document's paragraphs.
        path: the file, for the removal records.
        config: the rules.
        furniture: `norm_key`s of lines repeated across documents of this document's
            source (see `source_furniture`).
    """
    removals: list[Removal] = []
    price = re.compile(config.price_pattern, re.IGNORECASE)

    # Subscription/product boxes: a price line and the run of short non-sentence
    # blocks directly above it ("CYP Now Digital membership", bullets, "From £15 / month").
    boxed: set[int] = set()
    for i, block in enumerate(blocks):
        if not any(price.search(line) and is_short(line, config) for line in block.lines):
            continue
        boxed.add(i)
        j = i - 1
        while j >= 0 and j not in boxed and all(_is_box_line(ln) for ln in blocks[j].lines):
            boxed.add(j)
            j -= 1
    kept: list[Block] = []
    for i, block in enumerate(blocks):
        if i in boxed:
            removals.append(
                Removal(path, "subscription-block", "subscription or price box", block.text)
            )
        else:
            kept.append(block)

    result: list[Block] = []
    previous_line: str | None = None
    edges = _furniture_candidates(kept, config)
    for index, block in enumerate(kept):
        if index in edges and edges[index] in furniture:
            reason = (
                f"line repeated at the top or foot of {config.source_repeat_min_docs}+ "
                "documents of the same source"
            )
            removals.append(Removal(path, "source-furniture", reason, block.text))
            continue
        lines: list[str] = []
        for line in block.lines:
            matched = _is_boilerplate_line(line, config)
            if matched:
                reason = f"navigation/advertising line (matches {matched!r})"
                removals.append(Removal(path, "boilerplate-line", reason, line))
                continue
            key = norm_key(line)
            if previous_line is not None and key == previous_line and is_short(line, config):
                removals.append(
                    Removal(path, "repeated-line", "same line repeated back to back", line)
                )
                continue
            lines.append(line)
            previous_line = key
        if lines:
            result.append(Block("\n".join(lines), block.page, list(block.page_breaks)))
    return result, removals


# Site furniture sits at the top or foot of a page: bylines, "All rights reserved".
_FURNITURE_EDGE = 3


def _furniture_candidates(blocks: list[Block], config: CorpusConfig) -> dict[int, str]:
    """Index -> key of the one-line blocks near either end of a document that could be
    furniture. Dates and salutations are not: letters to one person share them."""
    from corpus.metadata import parse_date  # metadata builds on this module

    edge = set(range(min(_FURNITURE_EDGE, len(blocks))))
    edge |= set(range(max(0, len(blocks) - _FURNITURE_EDGE), len(blocks)))
    candidates = {}
    for i in sorted(edge):
        line = blocks[i].text
        if (
            len(blocks[i].lines) == 1
            and config.source_repeat_min_words <= word_count(line)
            and is_short(line, config)
            and not line.startswith("Dear ")
            and not parse_date(line)
        ):
            candidates[i] = norm_key(line)
    return candidates


def source_furniture(
    documents: Iterable[tuple[str, list[Block]]], config: CorpusConfig
) -> dict[str, frozenset[str]]:
    """Per source, the one-line blocks found at the top or foot of many of its documents.

    Args:
        documents: (source, blocks) of every document.
        config: `source_repeat_min_docs` and `source_repeat_min_words`.
    """
    if config.source_repeat_min_docs <= 0:
        return {}
    counts: dict[str, Counter[str]] = {}
    for source, blocks in documents:
        keys = set(_furniture_candidates(blocks, config).values())
        counts.setdefault(source, Counter()).update(keys)
    return {
        source: frozenset(k for k, n in c.items() if n >= config.source_repeat_min_docs)
        for source, c in counts.items()
    }


def merge_page_splits(blocks: list[Block], counts: Counter[str] | None = None) -> list[Block]:
    """Join a paragraph cut mid-sentence by a page break ("programme and" / "co-hosted").

    The first block must end without sentence punctuation and the next start with a
    lower-case letter: headings, list items and addresses never do both.
    """
    merged: list[Block] = []
    for block in blocks:
        if merged:
            last = merged[-1]
            last_line = last.lines[-1]
            if (
                not _SENTENCE_END.search(last_line)
                and _PAGE_CONTINUATION.match(block.text)
                and word_count(last_line) > 3
            ):
                join_at = len(last.text) + 1
                last.text = f"{last.text} {block.text}"
                if block.page != last.page:
                    last.page_breaks.append((join_at, block.page))
                last.page_breaks.extend((join_at + o, p) for o, p in block.page_breaks)
                if counts is not None:
                    counts["paragraphs rejoined across a break"] += 1
                continue
        merged.append(Block(block.text, block.page, list(block.page_breaks)))
    return merged


def assemble(blocks: list[Block], paged: bool) -> tuple[str, tuple[int, ...]]:
    """Canonical text (paragraphs separated by a blank line) and page start offsets."""
    parts: list[str] = []
    page_starts: dict[int, int] = {}
    offset = 0
    for block in blocks:
        page_starts.setdefault(block.page, offset)
        for inner, page in block.page_breaks:
            page_starts.setdefault(page, offset + inner)
        parts.append(block.text)
        offset += len(block.text) + 2
    text = "\n\n".join(parts)
    if not paged or not page_starts:
        return text, ()
    # Pages with no text of their own start where the next page with text starts.
    last = max(page_starts)
    starts: list[int] = []
    for page in range(last, 0, -1):
        starts.append(page_starts.get(page, starts[-1] if starts else len(text)))
    starts.reverse()
    starts[0] = 0
    return text, tuple(starts)
