"""Text normalisation that keeps a document's canonical text stable and readable."""

from __future__ import annotations

import re
import unicodedata

_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


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
