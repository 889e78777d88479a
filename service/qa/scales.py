"""A report's own judgement scale: "a four-point progress scale: Strong progress, Good
progress, Some progress and Limited progress", "the Quality Assurance Unit's four-point
scale (Secure / Adequate / Fragile / Unsafe)", "one of four grades:" and a list.

Ofsted's scale and the other common ones are in `judgements`; a scale a report defines is
read off the corpus, and its values are judgements for a rating question wherever they
stand ("| 4 | Early help that works for adolescents | Limited progress |").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_COUNT = r"(?:two|three|four|five|six|seven|[2-7])"
_DEFINED = re.compile(
    rf"\b{_COUNT}[- ]point\s+(?:[a-z]+\s+){{0,2}}scale\s*[:(]\s*(?P<values>[^.()\n]{{3,160}})",
    re.IGNORECASE,
)
# "Each case was given one of four grades:" over a list of "- Secure: ..." lines.
_LISTED = re.compile(
    rf"\bone\s+of\s+{_COUNT}\s+(?:grades|ratings|judgements|levels|categories)\s*:[ \t]*\n"
    r"(?P<items>(?:[ \t]*[-*•][ \t]*[A-Z][^:\n]{0,30}:[^\n]*(?:\n|$))+)",
    re.IGNORECASE,
)
_ITEM = re.compile(r"^[ \t]*[-*•][ \t]*(?P<label>[A-Z][^:\n]{0,30}):", re.MULTILINE)
_SEPARATOR = re.compile(r"\s*(?:/|,|\band\b|\bor\b)\s*")
# A value is a word or three, the first capitalised: "Limited progress", "Unsafe".
_VALUE = re.compile(r"[A-Z][a-z]+(?:\s+[a-z]+){0,2}")


def scale_values(text: str) -> frozenset[str]:
    """The values of the scales `text` defines, in lower case."""
    values: set[str] = set()
    for match in _DEFINED.finditer(text):
        values.update(_SEPARATOR.split(match.group("values")))
    for match in _LISTED.finditer(text):
        values.update(item.group("label") for item in _ITEM.finditer(match.group("items")))
    return frozenset(v.strip().lower() for v in values if _VALUE.fullmatch(v.strip()))


def on_scale(sentence: str, values: Iterable[str], question: str = "") -> bool:
    """Whether `sentence` gives one of a scale's `values` (in any case, as whole words)
    that the lower-case `question` does not give itself."""
    lowered = sentence.lower()
    return any(
        re.search(rf"\b{re.escape(value)}\b", lowered) and value not in question for value in values
    )
