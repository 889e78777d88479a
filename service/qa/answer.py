"""Extractive answers: pick the sentence of the top passages that best answers the question.

A candidate sentence is described by these features, each in [0, 1]:
  - semantic: similarity to the question (cosine of the embeddings),
  - overlap: the share of the question's content stems found in the sentence,
    each weighted by its inverse document frequency in the index (a rare name such
    as "Norfolk" matters more than "services"); context: the same over the sentence
    with its neighbours (a sentence continuing the previous one's subject);
    coverage: the same over its whole passage,
  - rank: 1 / the passage's rank (earlier passages are more trustworthy),
  - typed: the sentence holds the kind of fact the question asks for (a date for
    "when", a number for "how many", a name for "who", a rating for "how was it rated"),
  - entity: the share of the names the question gives that the sentence or its
    neighbours mention (`service.qa.constraints`),
  - time_match: a date in the sentence (1) or its passage (0.5) fits the period the
    question asks about; time_conflict: the sentence is dated, and no date fits,
  - near: how close the asked-for fact sits to a word of the question,
  - recency: newer evidence, for questions about the latest state,
  - short: a line of under five words (headings, bylines, datelines),
  - novel: the share of the sentence's content words the question does not use
    (an answer says something the question does not),
  - overlap_z: the overlap standardised over the question's candidates (how far this
    sentence stands out from the others; cross-validated top-1 0.707 -> 0.730).
Its score is a weighted sum. The weights are fitted on the gold set by
`reportqa eval fit-answer` (a softmax over each question's candidates, checked by
cross-validation) and shipped in `service/qa/answer_weights.json`.

Confidence measures evidence strength, not the ranking: how close the best sentence
is in meaning, how many of the question's terms it and its passage contain, whether
it holds the kind of fact asked for and meets the names and time the question gives.
A question whose constraints no document can meet (a council or year the reports do
not cover) is not answered at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace

import numpy as np

from corpus.sentences import wrapped_sentence
from corpus.table_rows import other_records
from index.embedders.base import Embedder
from service.qa.admissible import admissible
from service.qa.analysis import QuestionAnalysis
from service.qa.answer_model import (
    AnswerModel,
    confidence_features,
    confidence_from,
    load_model,
    score,
)
from service.qa.candidate_sentences import evidence_of, sentences_of
from service.qa.completion import completed
from service.qa.constraints import SentenceEvidence
from service.qa.dates import evidence_date, evidence_day, recency
from service.qa.document_lines import (
    answers_nothing,
    dates_no_event,
    gives_document_fact,
    is_dateline,
)
from service.qa.entities import EntityLexicon
from service.qa.labels import names_field_asked
from service.qa.retrieve import Passage
from service.qa.shortfalls import HOLDS_KIND, best_falls_short
from service.qa.subjects import other_subjects
from service.qa.text import TermStatistics, content_stems, idf_weights

SHORT_LINE_WORDS = 5  # a line this short is a heading, byline or dateline
# The confidence reported when the question's constraints cannot be met.
UNMET_CONFIDENCE = 0.01


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    start: int  # offsets inside the document
    end: int
    text: str
    score: float
    semantic: float
    overlap: float  # idf-weighted share of the question's content stems in the sentence
    coverage: float = 0.0  # the same share in the sentence's whole passage
    has_type: bool = False  # holds the kind of fact the question asks for
    features: Mapping[str, float] = field(default_factory=dict)  # by name, see FEATURES
    evidence: SentenceEvidence | None = None  # how it meets the question's constraints
    # The line of its document a question about the document asks for: its dateline
    # ("when was it published"), or the name of its writer or addressee.
    gives_document_fact: bool = False
    dateline: bool = False  # its document's dateline, for a question it cannot date
    # The piece of it that was scored, when the sentence shown runs on across wrapped
    # lines past it (`completion.completed`); its figures and names come first.
    scored: tuple[int, int] | None = None


@dataclass(frozen=True)
class Answer:
    best: Candidate | None
    confidence: float
    answered: bool
    # Constraints of the question that no evidence can meet (why it was not answered).
    unmet: tuple[str, ...] = ()
    tentative: bool = False  # answered, but to be shown as a possible answer to check
    # The question names no council: what the answer's report is about, and the other
    # subjects whose reports answer it differently (`service.qa.subjects`).
    subject: str | None = None
    also_answered_for: tuple[str, ...] = ()


# How far a passage is read past its cut to finish the paragraph it cuts.
PARAGRAPH_REACH = 400


def whole_paragraphs(passage: Passage) -> Passage:
    """`passage` run on to the ends of the paragraphs it cuts, within PARAGRAPH_REACH
    characters each way: a chunk ending "... survey of 118 parents whose children had
    been subject to child protection plans." leaves "64% said they understood why a
    social worker was involved" to the next chunk, which may not be retrieved."""
    text, chunk = passage.document.text, passage.chunk
    before = text.rfind("\n\n", max(0, chunk.start - PARAGRAPH_REACH), chunk.start)
    start = before + 2 if before >= 0 else chunk.start
    after = text.find("\n\n", chunk.end, chunk.end + PARAGRAPH_REACH)
    end = after if after >= 0 else chunk.end
    if (start, end) == (chunk.start, chunk.end):
        return passage
    return replace(passage, chunk=replace(chunk, start=start, end=end, text=text[start:end]))


class Answerer:
    def __init__(
        self,
        embedder: Embedder,
        passages_considered: int = 5,
        abstain_below: float | None = None,
        term_statistics: TermStatistics | None = None,
        model: AnswerModel | None = None,
    ):
        """
        Args:
            embedder: encodes the question and candidate sentences.
            passages_considered: how many of the top passages supply candidates.
            abstain_below: confidence under which the answer is withheld; default the
                operating point stored with `model`.
            term_statistics: document frequencies for idf-weighted overlap; without
                them every term weighs the same.
            model: ranking weights and confidence model; default the fitted
                `service/qa/answer_weights.json`.
        """
        self.embedder = embedder
        self.passages_considered = passages_considered
        self.statistics = term_statistics
        self.idf = idf_weights(term_statistics)
        self.model = model if model is not None else load_model()
        self.abstain_below = (
            abstain_below if abstain_below is not None else self.model.abstain_below
        )
        self.weights = self.model.weights

    def _share(self, wanted: AbstractSet[str], found: AbstractSet[str], total: float) -> float:
        return sum(self.idf(t) for t in wanted & found) / total if total else 0.0

    def candidates(
        self, analysis: QuestionAnalysis, passages: Sequence[Passage]
    ) -> list[Candidate]:
        """Every sentence of the top passages, scored; best first.

        Args:
            analysis: the analysed question (its self-contained form is what sentences
                are compared with; its kind, names and time are checked).
            passages: retrieved passages, best first.
        """
        considered = [whole_paragraphs(p) for p in passages[: self.passages_considered]]
        spans, read_as, headings = sentences_of(considered)
        if not spans:
            return []
        target = analysis.scoring_question
        texts = [p.document.text[s:e] for p, s, e in spans]
        # A line of a paragraph wrapped at a fixed width is part of a whole sentence
        # (`corpus.sentences.wrapped_sentence`): "* Persistent disruptive behaviour remains
        # the main reason for both" / "suspensions and permanent exclusions.".
        wholes = [
            p.document.text[slice(*wrapped_sentence(p.document.text, s, e))] for p, s, e in spans
        ]
        wrapped = [
            i for i, (whole, text) in enumerate(zip(wholes, texts, strict=True)) if whole != text
        ]
        # Through the embedder, so its cache can serve sentences seen in earlier requests
        # (the whole sentences too: `warmup.corpus_sentences`).
        vectors = self.embedder.encode([target, *read_as, *(wholes[i] for i in wrapped)])
        semantic = np.clip(vectors[1 : 1 + len(read_as)] @ vectors[0], 0.0, 1.0)
        # The line is as near the question as the nearer of itself and its sentence.
        whole_semantic = np.clip(vectors[1 + len(read_as) :] @ vectors[0], 0.0, 1.0)
        semantic[wrapped] = np.maximum(semantic[wrapped], whole_semantic)
        wanted_stems = analysis.stems
        total = sum(self.idf(t) for t in wanted_stems)
        sentence_stems = [content_stems(text) for text in read_as]
        passage_stems = {p.chunk.chunk_id: content_stems(p.chunk.text) for p in considered}
        recency = _recency(considered) if analysis.prefer_recent else {}
        references = {p.chunk.chunk_id: evidence_day(p.document) for p in considered}
        undatable = dates_no_event(analysis)
        overlaps = np.array([self._share(wanted_stems, st, total) for st in sentence_stems])
        # Overlap against the other candidates of this question: which sentences hold
        # more of its words than the rest (a spread of 0.1 matters when all are close).
        overlap_z = (overlaps - overlaps.mean()) / (overlaps.std() + 1e-6)
        scored = []
        for i, ((passage, start, end), text, sim) in enumerate(
            zip(spans, texts, semantic, strict=True)
        ):
            if answers_nothing(analysis, text, wholes[i]):
                continue
            neighbours = set(sentence_stems[i])
            around = [text]
            for j in (i - 1, i + 1):
                if 0 <= j < len(spans) and spans[j][0] is passage:
                    neighbours |= sentence_stems[j]
                    if not other_records(text, texts[j]):  # a row is dated by its own cells
                        around.append(texts[j])
            overlap = float(overlaps[i])
            context = self._share(wanted_stems, neighbours, total)
            coverage = self._share(wanted_stems, passage_stems[passage.chunk.chunk_id], total)
            evidence = evidence_of(
                analysis, passage, start, text, wholes[i], around, headings[i],
                references[passage.chunk.chunk_id],
            )  # fmt: skip
            stems = sentence_stems[i]
            features = {
                "semantic": float(sim),
                "overlap": overlap,
                "context": context,
                "coverage": coverage,
                "rank": 1.0 / passage.rank,
                "typed": evidence.kind,
                "recency": recency.get(passage.chunk.chunk_id, 0.0),
                "short": 1.0 if len(text.split()) < SHORT_LINE_WORDS else 0.0,
                "novel": len(stems - wanted_stems) / len(stems) if stems else 0.0,
                "entity": evidence.entity,
                "time_match": evidence.time_match,
                "time_conflict": 1.0 if evidence.time_conflict else 0.0,
                "near": evidence.near,
                "overlap_z": float(overlap_z[i]),
                # A form's field whose label the question names, holding the kind asked
                # ("Consultation closes: 11.59pm on 5 January 2025" for "When does the
                # consultation close?").
                "field": float(
                    analysis.kind is not None
                    and evidence.kind >= HOLDS_KIND
                    and names_field_asked(text, wanted_stems)
                ),
            }
            day = references[passage.chunk.chunk_id]
            document_fact = gives_document_fact(analysis, text, passage, day)
            dateline = undatable and is_dateline(text, passage, day)
            scored.append(
                Candidate(
                    passage, start, end, text, score(features, self.weights), float(sim),
                    overlap, coverage, evidence.kind == 1.0, features, evidence, document_fact,
                    dateline,
                )
            )  # fmt: skip
        return sorted(admissible(analysis, scored), key=lambda c: -c.score)

    def choose(
        self,
        analysis: QuestionAnalysis,
        ranked: Sequence[Candidate],
        passages: Sequence[Passage],
        unmet: Sequence[str] = (),
        lexicon: EntityLexicon | None = None,
    ) -> Answer:
        """The best of the `ranked` candidates, or an abstention.

        It abstains when confidence is low, and whatever the confidence when `unmet`
        names a constraint of the question that no evidence can meet. With the corpus's
        `lexicon`, an answer to a question naming no council says which other councils'
        reports answer it differently (the answer itself is the same).
        """
        if not ranked:
            return Answer(best=None, confidence=0.0, answered=False, unmet=tuple(unmet))
        best = ranked[0]
        evidence = best.evidence
        lacking = evidence and best_falls_short(analysis, evidence)
        if lacking and not unmet:
            unmet = (lacking,)
        confidence = self.confidence(analysis, ranked, passages)
        if unmet:
            # Reported below any threshold: the evidence answers a different question.
            confidence = min(confidence, UNMET_CONFIDENCE)
        answered = confidence >= self.abstain_below and not unmet
        subject: str | None = None
        others: tuple[str, ...] = ()
        if answered and lexicon is not None:
            subject = lexicon.subject_of(best.passage.document.doc_id)
            others = other_subjects(
                analysis,
                ranked,
                lexicon,
                passages,
                lambda ranking, own: self.confidence(analysis, ranking, own) >= self.abstain_below,
            )
        return Answer(
            best=completed(best) if answered else None,
            confidence=confidence,
            answered=answered,
            unmet=tuple(unmet),
            # As reported: a confidence shown as 0.75 is not below 0.75.
            tentative=answered and round(confidence, 4) < self.model.warn_below,
            subject=subject,
            also_answered_for=others,
        )

    def confidence(
        self, analysis: QuestionAnalysis, ranked: Sequence[Candidate], passages: Sequence[Passage]
    ) -> float:
        """How likely the best of `ranked` (non-empty) answers the question, in [0, 1]."""
        if self.model.confidence is None:
            return confidence_from(ranked[0], analysis.kind, _passage_similarity(passages, self))
        features = self.confidence_inputs(analysis, ranked, passages)
        return self.model.confidence.probability(features)

    def confidence_inputs(
        self, analysis: QuestionAnalysis, ranked: Sequence[Candidate], passages: Sequence[Passage]
    ) -> dict[str, float]:
        """The confidence model's features (see CONFIDENCE_FEATURES); `ranked` non-empty."""
        return confidence_features(
            analysis,
            ranked,
            _passage_similarity(passages, self),
            self.unknown_terms(analysis.scoring_question),
        )

    def unknown_terms(self, question: str) -> float:
        """The idf-weighted share of the question's content stems absent from the index."""
        if self.statistics is None or len(self.statistics) == 0:
            return 0.0
        stems = content_stems(question)
        total = sum(self.idf(t) for t in stems)
        missing = sum(self.idf(t) for t in stems if self.statistics.document_frequency(t) == 0)
        return missing / total if total else 0.0


def _passage_similarity(passages: Sequence[Passage], answerer: Answerer) -> float:
    """The best dense similarity among the passages the answerer considers."""
    similarities = [p.dense_score for p in passages[: answerer.passages_considered]]
    return max((x for x in similarities if x is not None), default=0.0)


def _recency(passages: Sequence[Passage]) -> dict[str, float]:
    """Chunk id -> evidence date scaled to [0, 1] across `passages` (undated: 0)."""
    return recency({p.chunk.chunk_id: evidence_date(p.document) for p in passages})
