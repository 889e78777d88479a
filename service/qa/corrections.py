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
# A question about the error: "What figure was wrongly given?", "What did the original
# version say?"
_ASKS_ERROR = re.compile(
    r"\b(?:wrong(?:ly)?|incorrect(?:ly)?|mistak\w*|errors?|erroneous(?:ly)?|correct(?:ion|ed)s?|"
    r"original(?:ly)?|earlier\s+version|first\s+published|misreport\w*)\b",
    re.IGNORECASE,
)


def takes_back(sentence: str, question: str) -> bool:
    """Whether `sentence` gives what a correction withdraws, for a `question` not about
    the error."""
    withdrawn = _TAKEN_BACK.search(sentence)
    return (
        withdrawn is not None
        and not _PUT_RIGHT.search(sentence, withdrawn.end())
        and not _ASKS_ERROR.search(question)
    )
