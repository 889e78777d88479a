"""Figures inside a sentence: amounts, counts with what they count, shares and ratios.

Read by `service.qa.facts`, which types them beside dates, names and ratings; a
figure that labels an item ("minute 28", "Quarter 2"), a clock time or a paragraph's
number is no amount.
"""

from __future__ import annotations

import re

_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
# A number in words, compounds whole: "twenty-three" is not "three".
_NUMBER_WORDS = (
    rf"(?:{_TENS}[-\s](?:one|two|three|four|five|six|seven|eight|nine)\b|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    rf"fifteen|sixteen|seventeen|eighteen|nineteen|{_TENS}|hundred|thousand|a\s+quarter|"
    r"a\s+third|half|a\s+fifth)"
)
# A figure with what makes it an amount: currency (£, or "45p"), scale, per cent.
_FIGURE = (
    # Not inside a word or code: "3" of the postcode "DN1 3BU" is no figure.
    rf"£?\b\d+(?:,\d{{3}})*(?:\.\d+)?(?:\s?(?:%|per\s?cent)|(?:\s?(?:million|billion|m|bn|k)|p)\b)?"
    r"(?![A-Za-z\d])"
    rf"|\b{_NUMBER_WORDS}\b"
)
NUMBER = re.compile(_FIGURE, re.IGNORECASE)
# A time from now answers "when" as a date does: "within three months", "in six weeks".
DUE_WITHIN = re.compile(
    rf"\b(?:within|in)\s+(?:the\s+next\s+)?(?:\d+|a|an|{_NUMBER_WORDS})\s+"
    r"(?:working\s+)?(?:days?|weeks?|months?|years?)\b(?!\s+(?:of|after|before|since))",
    re.IGNORECASE,
)
# A length of time answers "how long": "two weeks", "a week", "four years".
DURATION = re.compile(
    # Not a rate ("twice a week") nor a noun's modifier ("a day centre").
    rf"(?<!twice )(?<!once )(?<!times )(?<!per )\b(?:\d+|an?|{_NUMBER_WORDS})\s+(?:working\s+)?"
    r"(?:days?|weeks?|fortnights?|months?|years?|decades?)\b(?!-)"
    r"(?!\s+(?:centres?|centers?|care|services?|schools?|trips?|events?|olds?|nursery)\b)",
    re.IGNORECASE,
)
# What is counted, when a plain noun follows the figure: "39 children", "two weeks",
# "one working day"; a modifier (no plural) and its plural noun, "38 fostering households";
# over a threshold's "or more" ("three or more placements" counts placements).
_COUNTED = re.compile(
    r"\s+(?:more\s+|fewer\s+|new\s+|extra\s+|additional\s+|or\s+(?:more|fewer)\s+)?"
    r"(?!(?:at|in|on|of|to|and|or|per|from|by|for|the|a|an|was|were|is|are|had|have|"
    r"has|who|which|that|this|than)\b)"
    r"([a-z][a-z-]{2,}(?:\s+workers|\s+leavers|\s+visits|(?<=working)\s+(?:days?|weeks?)"
    r"|(?<!s)\s+(?:[a-z][a-z-]{2,}(?<!ss)s|people|children)(?![\w-]))?)\b"
)
# A figure joined to its measure qualifies a noun: "a six-month review", "12-week course".
FUSED_MEASURE = re.compile(r"-(?:years?|months?|weeks?|days?|hours?)\b(?:-olds?\b)?")


# A document's reference is a label, its figures none: "DPIA/CS/2025/007", "CAP/CF/0231",
# "WB/2025/04", "EY-FUND-2025-26" (capitals, then a part with a figure after a slash or a
# hyphen); so is a version ("v1.0", "version 2.0").
REFERENCE_CODE = re.compile(
    r"\b[A-Z]{2,}[A-Z0-9]*(?:[/-][A-Za-z0-9]+)*[/-]\d[A-Za-z0-9]*(?:[/-][A-Za-z0-9]+)*"
    r"|\b(?:v|[Vv]ersion\s+)\d+(?:\.\d+)+\b"
)
# A time of day is no count: "4:15 pm" in a dateline, "at 10am".
_CLOCK = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b", re.I)
_AMOUNT = re.compile(r"[%£]|per\s?cent|million|billion|\d(?:m|bn|k|p)$", re.IGNORECASE)
# "one" as a pronoun is no count: "each and every one of our staff", "no-one", "any one".
_PRONOUN_ONE = re.compile(r"\b(?:every|each|no|any|which)(?:\s+single)?[\s-]+$", re.IGNORECASE)


# A number after one of these words labels an item ("minute 28", "Rule 15", "Table 1",
# "Quarter 2", "Key Stage 4", "Item: 5", "Version 2.1", the "Unit 4" of an address, the
# subsection of "section 38(6)") or gives an age ("aged 18 to 25", "aged between 18 and
# 25"): it is no amount. Read in a short window before it.
_REFERENCE = re.compile(
    r"\b(?:minute|item|paragraph|para|section|rule|page|appendix|annex|clause|chapter|"
    r"table|figure|chart|graph|quarter|phase|stage|tier|lot|wave|step|unit|suite|room|"
    r"recommendation|regulation|version|edition|kpi|no\.?|aged|age|ages)"
    r"(?::\s*|\s+)(?:(?:between|from)\s+)?(?:\d+\s*(?:to|-|–|and)\s*|\d+[A-Za-z]?\(\s*)?$",
    re.IGNORECASE,
)
_REFERENCE_REACH = 40
# A dotted section number or a bracketed item number opening a sentence labels it: "4.1
# Private fostering sits within ...", "(2) Reduce the reoffending rate ...", '5.1 "Choose
# Orvingdale" campaign'. No amount is written that way.
_SECTION_NUMBER = re.compile(r"\s*(?:\d{1,2}(?:\.\d{1,2})+|\(\d{1,2}\))\s+(?=[\"“‘'(]?[A-Z][a-z])")
# A word and a number opening a line with a colon or a dash after them name an item of a
# list, when a title follows: "Change 2: Antenatal contact target", "Action 1 - Overdue
# reviews" (not "Total 45: see below").
_ITEM_LABEL = re.compile(r"\s*[A-Z][A-Za-z]+\s+\d{1,2}[A-Za-z]?(?=\s*(?::|[-–])\s+[\"“‘']?[A-Z])")
# A ratio is one share: "7 in 10 councils", "one in five", "12 out of 15"; not "3 in
# 2023", "30 in 12 months", "12 in 2 homes" (a share is at most the whole).
RATIO = re.compile(
    rf"\s+(?:in|out\s+of)\s+(?P<whole>\d{{1,3}}|{_NUMBER_WORDS})\b(?!\d|,\d{{3}})"
    r"(?!\s+(?:days?|weeks?|months?|years?|hours?|minutes?|decades?)\b)",
    re.IGNORECASE,
)
_UNITS = "one two three four five six seven eight nine ten eleven twelve".split()  # noqa: SIM905
_WORD_VALUES = {w: i for i, w in enumerate(_UNITS, 1)} | {"twenty": 20, "hundred": 100}


def _value(figure: str) -> float | None:
    """A figure's value when it is a plain number ("12", "1,200", "one"); else None."""
    figure = figure.lower().replace(",", "")
    return float(figure) if figure.isdigit() else _WORD_VALUES.get(figure)


def _ratio_end(sentence: str, start: int, end: int) -> int | None:
    """Where a ratio opened by the figure at `start:end` ends, if it is one."""
    ratio = RATIO.match(sentence, end)
    if ratio is None:
        return None
    part, whole = _value(sentence[start:end]), _value(ratio.group("whole"))
    if part is not None and whole is not None and part > whole:
        return None
    return ratio.end()


def figure_spans(sentence: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Each figure of `sentence` outside the `taken` spans (its dates, addresses and
    reference codes: `REFERENCE_CODE`), as (start, end, figure): the span runs on over
    what a count counts ("39 children") or over a ratio's whole ("7 in 10")."""
    found: list[tuple[int, int, str]] = []
    taken = [*taken, *(m.span() for m in _CLOCK.finditer(sentence))]
    label = _SECTION_NUMBER.match(sentence) or _ITEM_LABEL.match(sentence)
    labelled = label.end() if label else 0
    for match in NUMBER.finditer(sentence):
        start, end = match.start(), match.end()
        if any(a <= start and end <= b for a, b in taken):
            continue
        if found and found[-1][1] > start:
            continue  # the "10" of a ratio's "7 in 10"
        if match.group().lower() == "one" and _PRONOUN_ONE.search(sentence, 0, start):
            continue
        if end <= labelled:
            continue  # "4.1 Private fostering ...": the paragraph's number
        if _REFERENCE.search(sentence[max(0, start - _REFERENCE_REACH) : start]):
            continue  # "minute 28", "Rule 15", "paragraph 3": a label, not an amount
        ratio_end = _ratio_end(sentence, start, end)
        if ratio_end is not None:
            end = ratio_end
        if not _AMOUNT.search(match.group()):
            # A count keeps what it counts: "39 children", "two weeks", "six-month".
            counted = _COUNTED.match(sentence, end) or FUSED_MEASURE.match(sentence, end)
            if counted:
                end = counted.end()
        found.append((start, end, match.group()))
    return found
