"""Figures and dates a correction takes back: "an earlier version of this statement gave
the dates of the second focused visit as 17 and 18 September 2023", "the total was
wrongly given as £5,210,000". They answer only a question about the error itself."""

from __future__ import annotations

import re

# What the correction withdraws follows these words in its sentence.
_TAKEN_BACK = re.compile(
    r"\b(?:wrongly|incorrectly|mistakenly|erroneously)\s+(?:given|stated|shown|reported|"
    r"quoted|printed|listed|published|recorded)\s+as\b"
    r"|\b(?:earlier|previous|original)\s+version\b[^.]{0,160}?\b(?:gave|stated|said|showed|"
    r"quoted|listed|reported|recorded)\b",
    re.IGNORECASE,
)
# The right value said in the same sentence keeps it an answer ("... given as £5,210,000;
# the correct figure is £5,120,000").
_PUT_RIGHT = re.compile(r"\b(?:correct(?:ed)?|should\s+(?:have\s+)?read|actual)\b", re.IGNORECASE)
# Or what an earlier document said, which the sentence after it puts right: "the DPIA gave
# 3,068 children open at 28 February 2025." / "This was a transposition error; the correct
# figure was 3,086."
_STATED = re.compile(r"\b(?:gave|stated|said|showed|reported|recorded|published|quoted)\b", re.I)
_PUT_RIGHT_AFTER = re.compile(
    r"^\W*(?:(?:this|that|it)\s+was\s+(?:an?\s+)?(?:[\w-]+\s+)?error\b"
    r"|the\s+correct(?:ed)?\s+(?:figure|number|total|amount|count|date)\b)",
    re.IGNORECASE,
)
# A question about the error: "What figure was wrongly given?", "What did the original
# version say?" ("What is the corrected number?" asks for the figure put right.)
_ASKS_ERROR = re.compile(
    r"\b(?:wrong(?:ly)?|incorrect(?:ly)?|mistak\w*|errors?|erroneous(?:ly)?|corrections?|"
    r"original(?:ly)?|earlier\s+version|first\s+published|misreport\w*)\b",
    re.IGNORECASE,
)


def takes_back(sentence: str, question: str, following: str = "") -> bool:
    """Whether `sentence` gives what a correction withdraws, in itself or in the sentence
    `following` it, for a `question` not about the error."""
    if _ASKS_ERROR.search(question):
        return False
    withdrawn = _TAKEN_BACK.search(sentence)
    if withdrawn is not None:
        return not _PUT_RIGHT.search(sentence, withdrawn.end())
    return bool(
        _STATED.search(sentence)
        and not _PUT_RIGHT.search(sentence)
        and _PUT_RIGHT_AFTER.search(following)
    )
