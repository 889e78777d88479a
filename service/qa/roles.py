"""Who wrote, signed or received a document: the names its metadata gives (the byline's
author, a letter's signatories and addressees), and the passage that names them.

A question about a document itself ("Who signed Hollinsford's February 2024 response?")
is answered from its own lines. The signature of a long letter sits at its end, far in
words from the question, so retrieval may not bring it; the passage naming the role
holder then joins the ones the answerer reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from corpus.models import Document
from service.qa.analysis import QuestionAnalysis
from service.qa.document_questions import DocumentRole, kind_matches
from service.qa.retrieve import Passage

_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Cllr|Councillor)\.?\s+")


def role_holders(document: Document, role: DocumentRole) -> list[str]:
    """The names that hold `role` for `document`, as its metadata gives them (the
    byline's author and the letter's signatories wrote it; its addressees received it),
    without titles or the role after a comma ("Graham Reiter, Her Majesty's Inspector")."""
    extra = document.extra
    if role == "writer":
        names = [_as_list(extra.get("author")), _as_list(extra.get("signatories"))]
        found = [n for group in names for n in group if isinstance(n, str)]
    else:
        addressees = _as_list(extra.get("addressees"))
        found = [a["name"] for a in addressees if isinstance(a, dict) and "name" in a]
    bare = (_HONORIFIC.sub("", n.split(",")[0]).strip() for n in found)
    return list(dict.fromkeys(name for name in bare if name))


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _names(name: str, text: str) -> bool:
    return bool(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text))


def names_role_holder(analysis: QuestionAnalysis, document: Document, sentence: str) -> bool | None:
    """Whether `sentence` names whoever holds the document role the question asks about
    (None when it asks about none)."""
    if analysis.asks_role is None:
        return None
    return any(_names(name, sentence) for name in role_holders(document, analysis.asks_role))


def with_role_holder(
    passages: list[Passage],
    analysis: QuestionAnalysis,
    read: int,
    find: Callable[[str, str], Passage | None],
) -> list[Passage]:
    """`passages`, with the passage of the top document naming the role holder the
    question asks about in the last of the `read` places the answerer reads, when none
    of those names them.

    Args:
        passages: retrieved passages, best first.
        analysis: the analysed question (`asks_role`).
        read: how many of the passages the answerer reads.
        find: the passage of a document (id) best matching a text (a name), or None.
    """
    role = analysis.asks_role
    if role is None or not passages:
        return passages
    # The first document read of the kind the question names ("the letter", not the
    # article about it) that says who holds the role.
    holders = (
        (p.document, role_holders(p.document, role))
        for p in passages[:read]
        if kind_matches(analysis.role_document, p.document.kind)
    )
    document, names = next(((d, names) for d, names in holders if names), (None, []))
    if document is None or any(_names(n, p.chunk.text) for p in passages[:read] for n in names):
        return passages
    found = find(names[0], document.doc_id)
    if found is None:
        return passages
    kept = [p for p in passages if p.chunk.chunk_id != found.chunk.chunk_id]
    at = min(read, len(kept) + 1) - 1
    # It takes the place, and the score, of the passage it displaces.
    score = kept[at].score if at < len(kept) else kept[-1].score if kept else found.score
    joined = [*kept[:at], replace(found, score=score), *kept[at:]]
    return [replace(p, rank=i) for i, p in enumerate(joined, start=1)]
