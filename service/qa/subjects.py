"""Questions that name no council or organisation, over reports about several.

"Who carried out the 2017 monitoring visit?" has one answer per council visited in
2017. When the question names none, the best sentence comes from whichever council's
report ranks first; if another council's report holds a different answer that the
service would give on its own (its best sentence, among that council's reports only,
holds the asked-for kind and passes the abstention threshold), the response names the
other councils, so the reader can ask again naming the one meant. The answer and its
confidence stay as they are.

A document's subject is the name it is mainly about (`EntityLexicon.subject_of`); in a
corpus about one council, no name tells its documents apart and nothing is flagged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from service.qa.entities import EntityLexicon, heading_of
from service.qa.names import entity_key, mentions
from service.qa.scope import unmet_constraints
from service.qa.short_answer import fact_span
from service.qa.shortfalls import missing_kind
from service.qa.text import normalised

if TYPE_CHECKING:
    from service.qa.analysis import QuestionAnalysis
    from service.qa.answer import Candidate
    from service.qa.retrieve import Passage

# How many other subjects a response names at most.
MAX_OTHER_SUBJECTS = 3


# How the note for a person opens (see `describe_other_subjects`).
NOTE_OPENINGS = ("This answer is about ", "Reports about ")


def describe_other_subjects(subject: str | None, others: Sequence[str]) -> str:
    """The note for a person: "This answer is about Eastmoor. Reports about Doncaster and
    Westfold answer this differently; name the one you mean." """
    if not others:
        return ""
    about = f"This answer is about {subject}. " if subject else ""
    names = others[0] if len(others) == 1 else f"{', '.join(others[:-1])} and {others[-1]}"
    return f"{about}Reports about {names} answer this differently; name the one you mean."


def _said(candidate: Candidate, analysis: QuestionAnalysis) -> str:
    """What a candidate answers: the asked-for fact when it has one, else its sentence."""
    span = fact_span(analysis, candidate)
    text = candidate.text if span is None else candidate.text[span.start : span.end]
    return normalised(text)


def about_named_subjects(
    analysis: QuestionAnalysis, ranked: Sequence[Candidate], lexicon: EntityLexicon | None
) -> list[Candidate]:
    """For a question naming what reports are about (a council, a trust): the candidates
    from those reports, or whose passage or document heading names one; all when none
    are. A national report's "19 of the 153 councils are rated inadequate" is not
    Thornleigh's rating, though the report names Thornleigh in another passage."""
    if lexicon is None:
        return list(ranked)
    named = {m: lexicon.subject_named(m) for m in analysis.entities}
    subjects = {s for s in named.values() if s is not None}
    if not subjects:
        return list(ranked)
    # Compared as keys: one report may write "North\nYorkshire", another "North Yorkshire".
    subject_keys = {entity_key(s) for s in subjects}
    keys = {m.key for m, s in named.items() if s} | subject_keys

    def about(passage: Passage) -> bool:
        document = passage.document
        subject = lexicon.subject_of(document.doc_id)
        if subject is not None and entity_key(subject) in subject_keys:
            return True
        text = f"{passage.chunk.text}\n{heading_of(document)}"
        return any(mentions(text, key) for key in keys)

    # Decided once per passage: its sentences are many of the candidates.
    passages = {c.passage.chunk.chunk_id: c.passage for c in ranked}
    relevant = {chunk_id for chunk_id, passage in passages.items() if about(passage)}
    return [c for c in ranked if c.passage.chunk.chunk_id in relevant] or list(ranked)


def other_subjects(
    analysis: QuestionAnalysis,
    ranked: Sequence[Candidate],
    lexicon: EntityLexicon,
    passages: Sequence[Passage],
    confident: Callable[[Sequence[Candidate], Sequence[Passage]], bool],
) -> tuple[str, ...]:
    """Subjects other than the best candidate's whose reports answer the question
    differently, each with a sentence the service would answer with from that subject's
    reports alone; empty when the question names what a
    document is about (a council, a trust). Other names ("the LGA") are no choice of
    subject: the candidates' documents all mention them.

    Args:
        analysis: the analysed question.
        ranked: its candidates, best first (non-empty).
        lexicon: the corpus's names, and what each document is about.
        passages: the passages the candidates come from.
        confident: whether the first of a ranking (a subset of `ranked`) is answered with
            confidence, given the passages it rests on.
    """
    if analysis.unknown_entities or any(lexicon.names_a_subject(m) for m in analysis.entities):
        return ()
    subject_of = lexicon.subject_of
    best = ranked[0]
    own = subject_of(best.passage.document.doc_id)
    if own is None:
        return ()
    if all(subject_of(c.passage.document.doc_id) in (own, None) for c in ranked[1:]):
        return ()
    said = _said(best, analysis)
    seen = {own}
    others: list[str] = []
    for candidate in ranked[1:]:
        subject = subject_of(candidate.passage.document.doc_id)
        if subject is None or subject in seen:
            continue
        seen.add(subject)  # its best sentence speaks for the subject
        if _said(candidate, analysis) == said:
            continue
        # As the service would rank them were the subject named: its reports only.
        own_reports = [c for c in ranked if subject_of(c.passage.document.doc_id) == subject]
        if _answers_alone(analysis, own_reports, passages, confident):
            others.append(subject)
            if len(others) == MAX_OTHER_SUBJECTS:
                break
    return tuple(others)


def _answers_alone(
    analysis: QuestionAnalysis,
    ranking: Sequence[Candidate],
    passages: Sequence[Passage],
    confident: Callable[[Sequence[Candidate], Sequence[Passage]], bool],
) -> bool:
    """Whether the first of `ranking` would be answered were its documents (and their
    passages) all there was: it holds the asked-for kind, the passages cover the period
    asked about, and it is answered with confidence."""
    best = ranking[0]
    if best.evidence is not None and missing_kind(analysis, best.evidence) is not None:
        return False
    documents = {c.passage.document.doc_id for c in ranking}
    own = [p for p in passages if p.document.doc_id in documents]
    # Nor when none of them mentions the period asked about, as for the whole question.
    return not unmet_constraints(analysis, None, own) and confident(ranking, own)
