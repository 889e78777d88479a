"""What a question asks of a document itself: its date, who wrote it or whom it was
sent to. The answer is then in the document's own parts (dateline, byline, signature,
addressee), which the loader keeps in its metadata (`service.qa.roles`)."""

from __future__ import annotations

import re
from typing import Literal

# Whose name a question about a document itself asks for: who wrote or signed it, or
# whom it was addressed to (the loader keeps both in the document's metadata).
DocumentRole = Literal["writer", "addressee"]

# "When was the article published?", "What date was the letter sent?": the date of
# the document itself, which its dateline gives.
ASKS_PUBLICATION = re.compile(
    r"\b(?P<document>article|story|report|letter|press release|piece|statement)\b.*"
    r"\b(?:published|written|dated|issued|posted|released|sent|out)\b"
    r"|\bpublication date\b"
    # A record of a meeting is dated by the meeting: "When was the debate held?" (not "When
    # will the next meeting take place?", nor "When did the council agree X at the meeting
    # held in May?").
    r"|\bwhen\s+(?:was|did)\s+the\s+(?:(?!next\b)[\w'’-]+\s+){0,3}?"
    r"(?P<meeting>debate|meeting|hearing|evidence session)\b.*\b(?:held|take\s+place)\b",
    re.IGNORECASE,
)
# Who wrote / signed / received a document: its byline, signature or addressee gives
# the answer. The document must be what the role's verb is about ("who received the
# letter", "the article's author", "the letter sent to"; not "who received funding,
# says the report"). The role named first decides ("Who signed the letter sent to X?").
_DOCUMENT = (
    r"(?:letters?|article|story|piece|report|correspondence|email|memo|press release|"
    r"statement|column|blog|response|reply|briefing|note|newsletter|notice|paper|bulletin|"
    r"assessment|submission|reprimand|warning|decision notice)"
)
# "the letter", or a possessive: "Hollinsford's February 2024 response".
_DETERMINER = r"(?:the|this|that|its|their|a|an|[\w-]+(?:'s|’s))"
# "the CYP Now piece", "the 2017 monitoring letter": one noun phrase, so no determiner
# inside it ("the improvement plan the report mentions" is about the plan).
# No article or preposition inside the phrase: "the improvement plan in response to" is
# about the plan ("of" stays: "freedom of information response").
_INSIDE = r"(?:the|this|that|its|their|a|an|in|on|to|for|about|from|with|by|at|after)\b"
_DOCUMENT_PHRASE = rf"{_DETERMINER}\s+(?:(?!{_INSIDE})[\w'’-]+\s+){{0,6}}?{_DOCUMENT}\b"


def _role_patterns(phrase: str, word: str) -> tuple[tuple[DocumentRole, re.Pattern[str]], ...]:
    """The role questions about a document written as `phrase` ("the 2017 letter") after
    a verb, or as `word` ("letter") before one."""
    writer = (
        rf"\b(?:wrote|write|authored|signed|sign)\s+{phrase}"
        rf"|\b(?:author|writer|signator(?:y|ies)|reporter|journalist)s?\s+of\s+{phrase}"
        rf"|\b{word}(?:'s|’s)\s+(?:author|writer|signator(?:y|ies))"
        rf"|\b{word}\b[^?]{{0,60}}?\b(?:written|signed|authored)\s+by\b"
    )
    addressee = (
        rf"\b(?:received?|receives|got|get)\s+{phrase}"
        rf"|\b(?:recipients?|addressees?)\s+of\s+{phrase}"
        rf"|\b{word}\b[^?]{{0,60}}?\b(?:addressed|sent|written)\s+to\b"
        r"|\bto\s+whom\b[^?]*\b(?:addressed|sent|written)\b"
    )
    return (
        ("writer", re.compile(writer, re.IGNORECASE)),
        ("addressee", re.compile(addressee, re.IGNORECASE)),
    )


_DOCUMENT_ROLES = _role_patterns(_DOCUMENT_PHRASE, _DOCUMENT)
# In a conversation about a document, "it" is that document: "Who signed it?"
_PRONOUN = r"(?:it|this|that)\b"
_PRONOUN_ROLES = _role_patterns(
    rf"(?:{_DOCUMENT_PHRASE}|{_PRONOUN})", rf"(?:{_DOCUMENT}|{_PRONOUN})"
)
NAMES_DOCUMENT = re.compile(rf"\b{_DOCUMENT}\b", re.IGNORECASE)
# A follow-up about the topic itself: "When was it published?", "When did that happen?"
ABOUT_TOPIC = re.compile(rf"\b{_PRONOUN}|{NAMES_DOCUMENT.pattern}", re.IGNORECASE)


def asks_role(question: str, is_followup: bool) -> DocumentRole | None:
    """The document role a "who" question (self-contained) asks to be named, the one it
    mentions first; in a follow-up about a document, "it" may be that document."""
    about_document = is_followup and NAMES_DOCUMENT.search(question)
    roles = _PRONOUN_ROLES if about_document else _DOCUMENT_ROLES
    found = [(m.start(), role) for role, p in roles if (m := p.search(question))]
    return min(found)[1] if found else None


# The words a document's kind is written with, for the document a question names.
_ARTICLE = ("article", "news", "feature", "story", "blog")
_RELEASE = ("press release", "statement")
_KIND_WORDS = {
    "article": _ARTICLE,
    "story": _ARTICLE,
    "piece": _ARTICLE,
    "report": ("report", "letter", "summary"),  # a monitoring letter reports a visit
    "letter": ("letter",),
    "reprimand": ("reprimand",),  # a regulator's, sent as a letter
    "warning": ("warning",),
    "decision notice": ("decision notice",),
    "press release": _RELEASE,
    "statement": _RELEASE,
    "debate": ("debate", "minutes", "evidence"),
    "meeting": ("minutes", "debate", "evidence"),
    "hearing": ("minutes", "debate", "evidence"),
    "evidence session": ("evidence", "minutes"),
}


def kind_matches(asked: str | None, kind: str) -> bool:
    """Whether a document of `kind` ("news article") can be the `asked` one ("report");
    true when either is unknown."""
    words = _KIND_WORDS.get((asked or "").lower())
    return not words or not kind or any(word in kind.lower() for word in words)
