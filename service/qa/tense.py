"""Whether a "when" question asks when something happened, and whether a sentence
dates only what was still to come when its document was written.

"When did the inspection that found a deterioration take place?" is not answered by
"The next monitoring visit is expected to take place in spring 2023" in a report of
April 2022: that date was a plan when written, not the event asked about.
"""

from __future__ import annotations

import re
from datetime import date

from service.qa.facts import find_facts

# "When did / was / were / had", "what date / which month ... did": the question asks
# about something that happened (not "When will ...", "When is it due?").
_ASKS_PAST = re.compile(
    r"\b(?:when|(?:what|which)\s+(?:date|day|month|year))\s+(?:did|was|were|had)\b",
    re.IGNORECASE,
)


# A question about a plan or a promise asks for a date that was ahead when set ("By
# when did the trust aim to be good?", "When did he say they would improve?").
_ABOUT_A_PLAN = re.compile(
    r"\bby\s+when\b|\b(?:aim|plan|expect|target|intend|hope|promis|pledg|commit|due|"
    r"schedul|say|said|tell|told|predict|forecast|set\s+out)\w*",
    re.IGNORECASE,
)


def asks_past(question: str) -> bool:
    """Whether `question` asks when something happened (not what was planned)."""
    return bool(_ASKS_PAST.search(question)) and not _ABOUT_A_PLAN.search(question)


def dates_ahead(sentence: str, written: date | None) -> bool:
    """Whether every date `sentence` gives falls after its document was `written` (a
    plan or an expectation); False for a sentence giving none."""
    if written is None:
        return False
    periods = [f.period for f in find_facts(sentence, written) if f.period is not None]
    return bool(periods) and all(p.start > written for p in periods)
