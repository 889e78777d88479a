"""Which candidate sentences the question's unambiguous constraints leave standing.

The fitted ranker weighs graded evidence; these rules are for contradictions no weight
should outvote (a date outside the period asked, another council, another post, a
judgement of a part when the whole is asked). Each rule leaves the candidates as they
were when it would rule out all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from service.qa.analysis import QuestionAnalysis
from service.qa.constraints import SentenceEvidence
from service.qa.dates import evidence_day
from service.qa.names import mentions
from service.qa.shortfalls import BODY_KINDS, HOLDS_KIND, asks_strict_kind, names_no_holder

if TYPE_CHECKING:
    from service.qa.answer import Candidate


def admissible(analysis: QuestionAnalysis, candidates: list[Candidate]) -> list[Candidate]:
    """The candidates that do not contradict the question, when any remain.

    Unambiguous contradictions rule a sentence out: its own dates all fall outside the
    period the question names (and nothing around it fits, nor was its document written
    then: a 2017 letter recalling 2015 to compare still speaks of 2017), or it lacks the
    date, figure, rating or organisation asked for while other sentences have one (or,
    for "who", any person, body or role); it is about another council, states another
    judgement than the one named (or, for its date, none), gives its people other posts
    than the one asked about or names no person for "who holds it" (or names none as
    holding that post, when another sentence does), lacks the words the question quotes
    or the name it asks for, numbers its item otherwise than the question ("Level 1"
    for "Level 3") or names only other ages ("16 to 17" for "aged 11 to 15"), gives what
    a correction takes back (unless the question asks about the error), gives only the
    figure the last answer gave when a follow-up moves the period, or rates
    a part of the service when the question asks for the whole. A question about the
    document itself is answered from its own parts, when a sentence has them: its
    dateline for "when was it published", and the byline, signature or addressee for
    "who wrote / signed / received it"; the dateline answers no other "when". "Who is
    the director now?" and "What is the current rating?" are answered from the newest
    document naming the holder or stating a judgement.
    """
    kept = _without(candidates, lambda e: e.time_conflict)
    # What the question's words ask of the sentence itself: the words it quotes ("Who
    # said it was 'tremendously proud'?"), a name it does not give ("What is the plan
    # called?"), the whole service's judgement, not its leadership's ("What was it
    # rated?").
    kept = _without(kept, lambda e: not e.quotes or not e.gives_name or e.rates_a_part)
    # Nor is an item numbered otherwise than the one asked about ("Level 1" for "Level 3"),
    # nor what a correction takes back ("an earlier version gave the dates as ...").
    kept = _without(kept, lambda e: e.other_label or e.taken_back)
    # "And a year later?" asks for another figure than the one just given.
    kept = _without(kept, lambda e: e.repeats_given)
    if asks_strict_kind(analysis) or analysis.asks_named or analysis.kind == "person":
        # "Which inspectors ...?" asks for names as "when" asks for a date; a date less
        # precise than asked ("2013" for "which month") is still a date, ranked lower.
        # "Who did it?" may be answered by a body or a role (kind 0.5), never by a
        # sentence naming none ("This letter summarises the visit on 23 May 2017").
        typed = [c for c in kept if c.evidence is not None and c.evidence.kind >= HOLDS_KIND]
        kept = typed or kept
    about_home = not analysis.entities and not analysis.asks_which_council
    if (
        analysis.entities or about_home and analysis.home_names
    ) and analysis.kind not in BODY_KINDS:
        # A question naming no council, over reports about one, is about that one.
        kept = _without(kept, lambda e: e.other_council)
    # A sentence stating another judgement than the one named ("rated 'good' in 2018" for
    # "When was it rated inadequate?") is about another inspection; unless that leaves
    # only sentences no longer naming what the question names (another council's).
    kept = _ruled_out(analysis, kept, lambda e: e.other_rating)
    # Nor is the date of a judgement read from a sentence that states none ("the Trust
    # launched in October 2014" beside "rated 'inadequate' in November 2015").
    kept = _ruled_out(analysis, kept, lambda e: not e.states_rating)
    # Likewise a sentence giving its people other posts than the one asked about, or
    # giving it only to the holder the question asks the successor of, or naming no person.
    kept = _ruled_out(analysis, kept, lambda e: e.other_office or e.about_predecessor)
    # "Who was director before Helen Marchbank took over?" is not answered by whoever
    # replaced her.
    kept = _without(kept, lambda e: e.about_successor)
    if analysis.predecessor and analysis.office is None:
        # "Who replaced him?", naming no post, is answered where someone is appointed or
        # takes over (a post asked is read by the rules on posts).
        kept = _without(kept, lambda e: not e.states_succession)
    if analysis.successor:
        # Nor by a sentence naming no one but her (`kinds.kind_strength` gives it a
        # role's 0.5): "Councillor Owen Lyddiard - Cabinet Member" for "Before Owen
        # Lyddiard, who held the portfolio?".
        kept = _without(kept, lambda e: e.kind < 1)
    if analysis.office is not None:
        kept = _ruled_out(analysis, kept, names_no_holder)
        # A sentence naming a person and the post asked as held now ("Inspection team:
        # Marcus Oyelaran, lead inspector") names its holder; one without the post may not.
        kept = _without(kept, lambda e: not e.holds_office)
    about_one = bool(analysis.entities or analysis.home_names)
    if analysis.prefer_recent and analysis.time is None and about_one:
        # "Who is the director now?", "What is the current rating?": from the newest
        # document that names a holder of the post or states a judgement, among those
        # about the council asked of (another council's newer report is no news of it;
        # over several councils' reports, a question naming none has no one newest).
        named = (lambda e: e.entity == 1) if analysis.entities else (lambda e: True)
        if analysis.office is not None:
            kept = _newest(kept, lambda e: e.holds_office and named(e)) or kept
        elif analysis.kind == "rating":
            kept = _newest(kept, lambda e: e.kind == 1 and named(e)) or kept
    if analysis.asks_publication or analysis.asks_role is not None:
        kept = [c for c in kept if c.gives_document_fact] or kept
    kept = [c for c in kept if not c.dateline] or kept
    return kept or candidates


def _without(
    candidates: list[Candidate], excluded: Callable[[SentenceEvidence], bool]
) -> list[Candidate]:
    """`candidates` without those whose evidence is `excluded`, unless none would be left."""
    return [c for c in candidates if not (c.evidence and excluded(c.evidence))] or candidates


def _ruled_out(
    analysis: QuestionAnalysis,
    candidates: list[Candidate],
    contradicts: Callable[[SentenceEvidence], bool],
) -> list[Candidate]:
    """`candidates` without those whose evidence `contradicts` the question, unless
    none would be left or none left would still name what the question names."""
    same = [c for c in candidates if not (c.evidence and contradicts(c.evidence))]
    if same and _names_named(analysis, same) >= _names_named(analysis, candidates):
        return same
    return candidates


def _newest(
    candidates: Sequence[Candidate], holds: Callable[[SentenceEvidence], bool]
) -> list[Candidate]:
    """The candidates whose evidence `holds` the fact asked for, in the newest document
    holding it (an older report's director may have left, its judgement been replaced)."""
    holders = [c for c in candidates if c.evidence is not None and holds(c.evidence)]
    days = [evidence_day(c.passage.document) for c in holders]
    newest = max((d for d in days if d is not None), default=None)
    return [c for c, day in zip(holders, days, strict=True) if day == newest]


def _names_named(analysis: QuestionAnalysis, candidates: Sequence[Candidate]) -> bool:
    """Whether one of `candidates` names, in its own words, a name the question gives."""
    return any(mentions(c.text, m.key) for c in candidates for m in analysis.entities)
