"""Request and response models of the HTTP API (the public contract)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

from service.settings import SearchMode


class _Strict(BaseModel):
    # Unknown fields are a client mistake worth reporting, not silently ignoring.
    model_config = ConfigDict(extra="forbid")


def _iso_date_text(value: object) -> object:
    # Lax parsing would read 0 or "1700000000" as a Unix time; the contract is YYYY-MM-DD.
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    if isinstance(value, date):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
# Document ids are 16 hex digits (a hash of the cleaned text); a malformed one in a
# filter is a client mistake worth a 422, not a filter that silently matches nothing.
DocId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]


def _not_a_bool(value: object) -> object:
    # Lax parsing reads true as 1 and false as 0.0; in JSON a boolean is not a number
    # (while 3.0 is the integer 3, as JSON Schema has it).
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


class Filters(_Strict):
    doc_ids: list[DocId] | None = Field(
        None, max_length=100, description="Only these documents (ids of 16 hex digits)."
    )
    kinds: list[str] | None = Field(None, max_length=20, description='e.g. ["inspection letter"]')
    date_from: IsoDate | None = Field(None, description="Publication date on or after (inclusive).")
    date_to: IsoDate | None = Field(
        None, description="Publication date on or before (inclusive); not before date_from."
    )

    @model_validator(mode="after")
    def _range_in_order(self) -> Filters:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        return self


class Fusion(_Strict):
    """Per-request reciprocal rank fusion parameters; unset fields take the settings."""

    k: int | None = Field(None, ge=1, le=10000, description="RRF constant (default 60).")
    dense_weight: float | None = Field(None, ge=0, le=100, description="Weight of the dense list.")
    lexical_weight: float | None = Field(None, ge=0, le=100, description="Weight of the BM25 list.")

    _numbers_not_bools = field_validator("k", "dense_weight", "lexical_weight", mode="before")(
        _not_a_bool
    )


class Turn(_Strict):
    role: Literal["user", "assistant"]
    content: str = Field(..., max_length=4000)


# Blank: only whitespace, as Python counts it, or the byte-order mark. The schema says the
# same in JSON Schema's regex dialect, whose \s lacks \x1c-\x1f and \x85 and has \ufeff.
_BLANK = re.compile(r"[\s\ufeff]*")
NOT_BLANK_PATTERN = r"[^\s\x1c-\x1f\x85]"


def _not_blank(value: str) -> str:
    if _BLANK.fullmatch(value):
        raise ValueError("must contain non-whitespace text")
    return value


class AskRequest(_Strict):
    # The pattern only documents what `_not_blank` checks (with a clearer message).
    question: str = Field(
        ..., min_length=1, max_length=2000, json_schema_extra={"pattern": NOT_BLANK_PATTERN}
    )
    top_k: int | None = Field(None, ge=1, le=50, description="Citations to return (default 5).")
    filters: Filters | None = None
    history: list[Turn] = Field(default_factory=list, max_length=20)
    mode: SearchMode | None = Field(None, description="hybrid (default), dense or lexical.")
    fusion: Fusion | None = Field(None, description="RRF k and list weights for hybrid mode.")
    prefer_recent: StrictBool | None = Field(
        None,
        description="Prefer the most recent evidence; default: detected from the question "
        '("current", "latest", "now", ...).',
    )

    _question_not_blank = field_validator("question")(_not_blank)
    _top_k_not_bool = field_validator("top_k", mode="before")(_not_a_bool)


class Highlight(BaseModel):
    start: int = Field(..., description="Offset of the answer inside the citation text.")
    end: int


class ShortAnswer(BaseModel):
    """The date, number or name inside the answer sentence that a "when / how many / who"
    question asks for; a verbatim span of the cited passage that holds the answer."""

    text: str
    citation: int = Field(..., description="`n` of the citation holding it.")
    start: int = Field(..., description="Offset inside that citation's text, as `highlight`.")
    end: int


class AlsoIn(BaseModel):
    doc_id: str
    title: str
    start: int
    end: int


class Citation(BaseModel):
    n: int = Field(..., description="1-based citation number.")
    doc_id: str
    title: str
    date: str | None
    kind: str
    chunk_id: str
    text: str = Field(..., description="Exactly document.text[start:end].")
    start: int
    end: int
    highlight: Highlight | None
    score: float
    also_in: list[AlsoIn] = Field(
        default_factory=list, description="Other documents holding the same passage."
    )
    page: int | None = Field(None, description="Page of a paged source (PDF) where it starts.")
    evidence_date: str | None = Field(
        None,
        description="The document's date, or for an undated document the latest month it "
        "mentions (then evidence_date_inferred is true).",
    )
    evidence_date_inferred: bool = False


class EntityCheck(BaseModel):
    text: str = Field(..., description="The name as the question wrote it.")
    known: bool = Field(..., description="Whether any indexed document mentions it.")
    satisfied: bool | None = Field(
        None, description="Whether the passage the answer comes from mentions it."
    )


class TimeCheck(BaseModel):
    text: str = Field(..., description='The period as written ("after the November 2017").')
    relation: Literal["in", "before", "after", "between"]
    start: str = Field(..., description="First day of the period (YYYY-MM-DD).")
    end: str = Field(..., description="Last day of the period.")
    satisfied: bool | None = Field(
        None,
        description="true: a date in the answer's sentence or passage fits; false: the "
        "answer's sentence is dated otherwise; null: nothing says.",
    )


class Constraints(BaseModel):
    """What the question names and asks for, and whether the answer meets it."""

    entities: list[EntityCheck] = Field(default_factory=list)
    time: TimeCheck | None = None
    answer_kind: Literal["date", "number", "person", "organisation", "place", "rating"] | None = (
        Field(None, description="The kind of fact the question asks for.")
    )
    answer_kind_found: bool | None = Field(
        None, description="Whether the answer holds a fact of that kind."
    )
    unmet: list[str] = Field(
        default_factory=list,
        description='Why no answer could be given, for a person to read ("No document '
        'mentions Sheffield").',
    )


class AskResponse(BaseModel):
    question: str
    answer: str | None
    answered: bool
    confidence: float = Field(..., ge=0, le=1)
    short_answer: ShortAnswer | None = Field(
        None,
        description="For when / how many / who questions: the date, number or name inside "
        "`answer` (null when abstaining or when the sentence holds none).",
    )
    citations: list[Citation]
    index_version: str
    timing_ms: dict[str, float]
    as_of: str | None = Field(
        None, description="Date of the evidence the answer rests on (see evidence_date)."
    )
    prefer_recent: bool = Field(
        False, description="Whether the most recent evidence was preferred."
    )
    retrieval_query: str | None = Field(
        None, description="The text searched: the question, resolved against history if needed."
    )
    generated_answer: str | None = Field(
        None,
        description="Optional answer composed by a language model (REPORTQA_LLM_URL) with [n] "
        "markers; only sentences supported by the cited passage are kept.",
    )
    constraints: Constraints | None = Field(
        None,
        description="The names, period and kind of answer the question gives, and whether "
        "the answer meets them.",
    )


class SearchHit(BaseModel):
    rank: int
    doc_id: str
    title: str
    date: str | None
    kind: str
    chunk_id: str
    text: str
    start: int
    end: int
    score: float
    also_in: list[AlsoIn] = Field(default_factory=list)
    page: int | None = None
    evidence_date: str | None = None
    evidence_date_inferred: bool = False


class SearchResponse(BaseModel):
    query: str
    mode: SearchMode
    hits: list[SearchHit]
    index_version: str
    timing_ms: dict[str, float]


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    date: str | None
    kind: str
    source: str
    path: str
    chars: int
    extra: dict[str, str | list[str] | list[dict[str, str]]] = Field(
        default_factory=dict,
        description="Further metadata, e.g. author, addressees (a letter held once per "
        "recipient lists each), signatories, people, organisations, pages.",
    )


class DocumentResponse(DocumentSummary):
    text: str = Field(..., description="Cleaned canonical text; citation offsets index into it.")


class HealthResponse(BaseModel):
    status: Literal["ok"]
    index_version: str | None
    documents: int
    chunks: int
    model: str | None
