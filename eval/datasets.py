"""Evaluation data: the gold question format, its resolution against an index, and BEIR.

Gold files name documents by file name and evidence by a verbatim quote, because
document ids and offsets change whenever the cleaning changes. At load time each
quote is found again in the cleaned text with a forgiving match (case, whitespace,
curly quotes, dashes, NBSP) that maps back to exact offsets, so
`document.text[start:end]` is always the evidence as it appears in the index.

Outside the project's own files a question needs only `question` and its answers:
`read_gold` takes any format `eval.importers` reads and fills in the rest (id from
the line, answerable from whether there is an answer); metrics that need documents
or evidence then skip the questions without them.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

# GoldFormatError is re-exported: callers know it as eval.datasets.GoldFormatError.
from eval.importers import GoldFormatError as GoldFormatError
from eval.importers import read_records

QuestionType = Literal[
    "fact", "number", "date", "person", "organisation", "place", "rating", "list",
    "paraphrase", "multi_doc", "temporal", "unanswerable", "untyped",
]  # fmt: skip
UNTYPED = "untyped"  # an answerable question whose file gives no type


class GoldEvidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_path: str = Field(..., description="File name inside the corpus documents folder.")
    quote: str = Field(..., min_length=1, description="Verbatim text from that document.")


class GoldTurn(BaseModel):
    """An earlier turn of the conversation a follow-up question depends on."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(..., min_length=1)


class GoldQuestion(BaseModel):
    """One line of a gold JSONL file (see eval/gold/README.md)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    question: str = Field(..., min_length=1)
    type: QuestionType
    answerable: bool
    answers: list[str] = Field(default_factory=list)
    doc_paths: list[str] = Field(default_factory=list)
    evidence: list[GoldEvidence] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    history: list[GoldTurn] = Field(
        default_factory=list, description="Earlier turns, oldest first (follow-up questions)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> GoldQuestion:
        if self.answerable != (self.type != "unanswerable"):
            raise ValueError("answerable must be false exactly when type is 'unanswerable'")
        # Evidence is optional: without it the span metrics skip the question.
        if self.answerable and not self.answers:
            raise ValueError("an answerable question needs answers")
        if not self.answerable and (self.answers or self.evidence):
            raise ValueError("an unanswerable question has no answers or evidence")
        missing = {e.doc_path for e in self.evidence} - set(self.doc_paths)
        if missing:
            raise ValueError(f"evidence names documents not in doc_paths: {sorted(missing)}")
        return self


def read_gold(path: Path) -> list[GoldQuestion]:
    """Parse and validate a question file in any format `eval.importers` reads.

    Raises:
        GoldFormatError: one line naming the file, the line (or JSON path) and the fault.
    """
    questions: list[GoldQuestion] = []
    seen: dict[str, str] = {}
    for record in read_records(path):
        try:
            question = gold_question(record.fields, record.default_id)
        except ValueError as exc:
            raise GoldFormatError(f"{record.where}: {_explain(exc)}") from exc
        if question.id in seen:
            raise GoldFormatError(
                f"{record.where}: duplicate id {question.id!r} (first at {seen[question.id]})"
            )
        seen[question.id] = record.where
        questions.append(question)
    if not questions:
        raise GoldFormatError(f"{path}: no questions in the file")
    return questions


def gold_question(record: Mapping[str, object], default_id: str) -> GoldQuestion:
    """A gold record with only `question` and `answers` or `answer` completed.

    `answerable` follows from whether there is an answer (an empty list, null or ""
    marks an unanswerable question), `type` from `answerable`, `doc_paths` from the
    evidence; fields the record gives are kept and checked, unknown ones rejected.
    """
    fields = dict(record)
    question = fields.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError(
            "missing 'question'" if question is None else "'question' must be a non-empty string"
        )
    answers = _answers(fields)
    if answers is None and fields.get("answerable") is not False:
        raise ValueError(
            "needs 'answers' (a list) or 'answer'; an empty list marks it unanswerable"
        )
    fields["answers"] = answers or []
    fields.setdefault("answerable", bool(answers))
    fields.setdefault("type", "unanswerable" if fields["answerable"] is False else UNTYPED)
    if isinstance(fields.get("id"), int) and not isinstance(fields["id"], bool):
        fields["id"] = str(fields["id"])  # SQuAD-like files sometimes number questions
    fields.setdefault("id", default_id)
    evidence = fields.get("evidence")
    if "doc_paths" not in fields and isinstance(evidence, list):
        paths = [e.get("doc_path") for e in evidence if isinstance(e, dict)]
        fields["doc_paths"] = list(dict.fromkeys(p for p in paths if isinstance(p, str)))
    return GoldQuestion.model_validate(fields)


def _answers(fields: dict[str, object]) -> list[str] | None:
    """The answers under `answers` or `answer` (string, number, list or null); None if absent."""
    if "answers" in fields and "answer" in fields:
        raise ValueError("give 'answers' or 'answer', not both")
    key = "answers" if "answers" in fields else "answer"
    if key not in fields:
        return None
    value = fields.pop(key)
    items = value if isinstance(value, list) else [value]
    answers = []
    for item in items:
        if item is None or (isinstance(item, str) and not item.strip()):
            continue  # blank answers mean "no answer"
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise ValueError(f"{key!r} must be a string, a list of strings or null")
        answers.append(item if isinstance(item, str) else str(item))
    return answers


def _explain(exc: ValueError) -> str:
    """A validation error as one short line (pydantic's own text spans several)."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    return "; ".join(_explain_one(error) for error in exc.errors())


def _explain_one(error: ErrorDetails) -> str:
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown field {where!r}"
    if error["type"] == "missing":
        return f"missing {where!r}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


# --- forgiving match that maps back to exact offsets --------------------------------

_CHAR_MAP = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2012": "-",
    "\u2212": "-",
}
_DROP = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"}


@dataclass(frozen=True)
class NormalisedText:
    """A normalised string and, for each of its characters, the offset in the original."""

    text: str
    origin: list[int]


def normalise_for_match(text: str) -> NormalisedText:
    """Casefold, unify quotes/dashes, collapse every whitespace run (incl. NBSP) to one space.

    A table's bar counts as a space: the cleaning writes bars between the columns of a table
    aligned with spaces ("Notifications received | 22"), which a quote gives as laid out."""
    out: list[str] = []
    origin: list[int] = []
    pending_space = False
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        if ch.isspace() or ch == "|":  # includes NBSP and other Unicode spaces
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            origin.append(i)
            pending_space = False
        mapped = _CHAR_MAP.get(ch, ch)
        for piece in unicodedata.normalize("NFKC", mapped).casefold():
            out.append(piece)
            origin.append(i)
    return NormalisedText("".join(out), origin)


def find_all(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) in `text` whose normalised form equals the normalised `quote`."""
    hay = normalise_for_match(text)
    needle = normalise_for_match(quote).text
    if not needle:
        return []
    spans = []
    for match in re.finditer(re.escape(needle), hay.text):
        start = hay.origin[match.start()]
        end = hay.origin[match.end() - 1] + 1
        spans.append((start, end))
    return spans


# --- resolution against the documents of an index ------------------------------------


@dataclass(frozen=True)
class IndexedDocument:
    """What resolution needs from an indexed document (in-process or over HTTP)."""

    doc_id: str
    path: str
    text: str


@dataclass(frozen=True)
class EvidenceSpan:
    doc_id: str
    start: int
    end: int

    def within(self, doc_id: str, start: int, end: int) -> bool:
        """True when this span lies entirely inside [start, end) of `doc_id`."""
        return self.doc_id == doc_id and start <= self.start and self.end <= end


@dataclass(frozen=True)
class ResolvedEvidence:
    doc_path: str
    quote: str
    # Every occurrence (a document may repeat a passage); any one counts as the evidence.
    spans: tuple[EvidenceSpan, ...]


@dataclass(frozen=True)
class ResolvedGold:
    """A gold question with its documents and evidence pinned to the current index."""

    gold: GoldQuestion
    doc_ids: tuple[str, ...]
    evidence: tuple[ResolvedEvidence, ...] = field(default_factory=tuple)


class GoldResolutionError(ValueError):
    """Gold documents or quotes that the index does not contain."""


def _match_path(gold_path: str, docs_by_path: dict[str, IndexedDocument]) -> IndexedDocument | None:
    if gold_path in docs_by_path:
        return docs_by_path[gold_path]
    name = Path(gold_path).name
    candidates = [d for p, d in docs_by_path.items() if Path(p).name == name]
    return candidates[0] if len(candidates) == 1 else None


def resolve_gold(
    questions: Sequence[GoldQuestion], documents: Iterable[IndexedDocument]
) -> list[ResolvedGold]:
    """Pin every gold document and quote to ids and offsets of `documents`.

    Raises:
        GoldResolutionError: listing every document or quote that cannot be found.
    """
    docs_by_path = {d.path: d for d in documents}
    problems: list[str] = []
    resolved: list[ResolvedGold] = []
    for q in questions:
        doc_ids: list[str] = []
        for path in q.doc_paths:
            doc = _match_path(path, docs_by_path)
            if doc is None:
                problems.append(f"{q.id}: document {path!r} is not in the index")
            else:
                doc_ids.append(doc.doc_id)
        evidence: list[ResolvedEvidence] = []
        for ev in q.evidence:
            doc = _match_path(ev.doc_path, docs_by_path)
            if doc is None:
                continue
            spans = tuple(EvidenceSpan(doc.doc_id, s, e) for s, e in find_all(doc.text, ev.quote))
            if not spans:
                problems.append(f"{q.id}: quote not found in {ev.doc_path}: {ev.quote[:60]!r}")
            evidence.append(ResolvedEvidence(ev.doc_path, ev.quote, spans))
        resolved.append(ResolvedGold(q, tuple(dict.fromkeys(doc_ids)), tuple(evidence)))
    if problems:
        raise GoldResolutionError(
            f"{len(problems)} gold reference(s) do not resolve:\n  " + "\n  ".join(problems)
        )
    return resolved


def resolved_record(q: ResolvedGold) -> dict[str, object]:
    """The gold line plus resolved `doc_ids` and evidence offsets, as written by `eval resolve`."""
    record: dict[str, object] = q.gold.model_dump()
    record["doc_ids"] = list(q.doc_ids)
    record["evidence"] = [
        {
            "doc_path": ev.doc_path,
            "quote": ev.quote,
            "spans": [{"doc_id": s.doc_id, "start": s.start, "end": s.end} for s in ev.spans],
        }
        for ev in q.evidence
    ]
    return record


# --- BEIR ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BeirDocument:
    doc_id: str
    title: str
    text: str


@dataclass(frozen=True)
class BeirDataset:
    name: str
    corpus: list[BeirDocument]
    queries: dict[str, str]  # query id -> text, only those with judgements
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: relevance}


def read_beir(folder: Path, split: str = "test") -> BeirDataset:
    """Read a BEIR dataset folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv."""
    corpus = []
    with (folder / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                corpus.append(
                    BeirDocument(str(row["_id"]), row.get("title") or "", row.get("text") or "")
                )
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter="\t")
        for row in reader:
            if len(row) < 3 or row[0] == "query-id":
                continue
            qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    queries = {}
    with (folder / "queries.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                if str(row["_id"]) in qrels:
                    queries[str(row["_id"])] = row["text"]
    return BeirDataset(folder.name, corpus, queries, qrels)
