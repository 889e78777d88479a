"""Request and response models of the HTTP API (the public contract)."""

from __future__ import annotations

import re
import sys
import unicodedata
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

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


def _json_number(value: object) -> object:
    # Numeric fields are strict: lax parsing reads "5" as 5, true as 1 and false as 0.0,
    # but in JSON neither a string nor a boolean is a number. Said here, before the
    # strict check, so the message says what was sent.
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    if isinstance(value, str):
        raise ValueError("must be a number, not a string")
    return value


def _json_integer(value: object) -> object:
    # 3.0 is the integer 3, as JSON Schema has it (a strict int alone would refuse it).
    value = _json_number(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _visible(text: str) -> str:
    """`text` without invisible format characters (Unicode category Cf): zero-width
    spaces and joiners, word joiner, byte-order mark, bidi marks, soft hyphen, ..."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _not_blank(value: str) -> str:
    # A zero-width space is as empty as a space: nothing to search for or answer.
    if not _visible(value).strip():
        raise ValueError(
            "must contain non-whitespace text (invisible characters such as U+200B do not count)"
        )
    return value


def _regex_class(chars: str) -> str:
    """`chars` as the inside of a regex character class, consecutive ones as ranges.

    A \\uXXXX escape reads the same in Python's and ECMA-262's regexes; a character beyond
    the BMP is written as itself (ECMA-262's \\u{...} needs the u flag, Python lacks it).
    """
    codes = sorted(map(ord, chars))
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])

    def char(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)

    return "".join(char(a) if a == b else f"{char(a)}-{char(b)}" for a, b in runs)


_FORMAT_CHARS = "".join(
    c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) == "Cf"
)
# What `_not_blank` checks, for the schema (and the schema fuzzer): some character that is
# neither whitespace as Python counts it nor a format character. JSON Schema's regex
# dialect has \ufeff in \s (a Cf anyway) but lacks \x1c-\x1f and \x85.
NOT_BLANK_PATTERN = rf"[^\s\x1c-\x1f\x85{_regex_class(_FORMAT_CHARS)}]"


class _DocumentedNotBlank:
    # The schema says the text must not be blank; the validator says so in words a
    # person can read (a 160-character pattern would not).
    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema: dict[str, Any] = handler(core_schema)
        schema["pattern"] = NOT_BLANK_PATTERN
        return schema


# Text that is not blank once whitespace and format characters are set aside: questions,
# queries, history turns (body or query string alike).
NotBlankStr = Annotated[str, AfterValidator(_not_blank), _DocumentedNotBlank()]


def kind_key(kind: str) -> str:
    """A document kind as filters compare it: case, spacing and format characters aside.

    Kinds come from the manifest, uploads or a guess, in whatever case they were given,
    so "Inspection Letter" and "inspection letter" are the same kind.
    """
    return " ".join(_visible(kind).casefold().split())


Kind = Annotated[NotBlankStr, AfterValidator(kind_key)]


class Filters(_Strict):
    doc_ids: list[DocId] | None = Field(
        None, max_length=100, description="Only these documents (ids of 16 hex digits)."
    )
    kinds: list[Kind] | None = Field(
        None, max_length=20, description='e.g. ["inspection letter"]; case does not matter.'
    )
    date_from: IsoDate | None = Field(None, description="Publication date on or after (inclusive).")
    date_to: IsoDate | None = Field(
        None, description="Publication date on or before (inclusive); not before date_from."
    )

    @model_validator(mode="after")
    def _range_in_order(self) -> Filters:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        return self

    def allows_kind(self, kind: str) -> bool:
        """Whether a document of `kind` passes; `kinds` hold `kind_key`s."""
        return self.kinds is None or kind_key(kind) in self.kinds


class Fusion(_Strict):
    """Per-request reciprocal rank fusion parameters; unset fields take the settings."""

    k: int | None = Field(
        None, strict=True, ge=1, le=10000, description="RRF constant (default 60)."
    )
    dense_weight: float | None = Field(
        None,
        strict=True,
        ge=0,
        le=100,
        allow_inf_nan=False,
        description="Weight of the dense list.",
    )
    lexical_weight: float | None = Field(
        None, strict=True, ge=0, le=100, allow_inf_nan=False, description="Weight of the BM25 list."
    )

    _k_is_an_integer = field_validator("k", mode="before")(_json_integer)
    _weights_are_numbers = field_validator("dense_weight", "lexical_weight", mode="before")(
        _json_number
    )


class Turn(_Strict):
    role: Literal["user", "assistant"]
    content: NotBlankStr = Field(..., max_length=4000)


class AskRequest(_Strict):
    question: NotBlankStr = Field(..., min_length=1, max_length=2000)
    top_k: int | None = Field(
        None, strict=True, ge=1, le=50, description="Citations to return (default 5)."
    )
    filters: Filters | None = None
    history: list[Turn] = Field(default_factory=list, max_length=20)
    mode: SearchMode | None = Field(None, description="hybrid (default), dense or lexical.")
    fusion: Fusion | None = Field(None, description="RRF k and list weights for hybrid mode.")
    prefer_recent: StrictBool | None = Field(
        None,
        description="Prefer the most recent evidence; default: detected from the question "
        '("current", "latest", "now", ...).',
    )

    _top_k_is_an_integer = field_validator("top_k", mode="before")(_json_integer)


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


_VIEW_URL = (
    "The page showing the document with this passage marked (a path on this service); "
    "with API keys on it is signed, so a browser can open it without a key for a day."
)


class AlsoIn(BaseModel):
    doc_id: str
    title: str
    start: int
    end: int
    view_url: str | None = Field(None, description=_VIEW_URL)


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
    score: float = Field(
        description="The passage's retrieval score relative to the best one (as /search's "
        "score_normalised) plus phrase_weight x the share of the question's consecutive "
        "content-word pairs it holds ('director of practice').",
    )
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
    view_url: str | None = Field(None, description=_VIEW_URL)


class EntityCheck(BaseModel):
    text: str = Field(..., description="The name as the question wrote it.")
    known: bool = Field(..., description="Whether any indexed document mentions it.")
    satisfied: bool | None = Field(
        None,
        description="Whether the passage the answer comes from, or its document's title or "
        "source, mentions it.",
    )


class TimeCheck(BaseModel):
    text: str = Field(..., description='The period as written ("after the November 2017").')
    relation: Literal["in", "before", "after", "between"]
    start: str = Field(..., description="First day of the period (YYYY-MM-DD).")
    end: str = Field(..., description="Last day of the period.")
    parts: list[tuple[str, str]] = Field(
        default_factory=list,
        description='For periods listed apart ("in 2015 or 2017"), each one\'s first and '
        "last day: only these count, not the time between them.",
    )
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
    document_role: Literal["writer", "addressee"] | None = Field(
        None,
        description="Whose name a question about a document asks for: who wrote or signed "
        'it ("writer"), or whom it was addressed to ("addressee").',
    )
    document_role_found: bool | None = Field(
        None, description="Whether the answer names that person of its own document."
    )
    unmet: list[str] = Field(
        default_factory=list,
        description='Why no answer could be given, for a person to read ("No document '
        'mentions Sheffield").',
    )
    subject: str | None = Field(
        None,
        description="The council or organisation the answer's document is mainly about "
        "(null when no single name stands out, or in a corpus about one council).",
    )
    also_answered_for: list[str] = Field(
        default_factory=list,
        description="The question names no council or organisation, and reports about these "
        "others answer it differently (each well enough to be answered on its own); the "
        "answer is unchanged. Ask again naming the one meant.",
    )


class AskResponse(BaseModel):
    question: str
    answer: str | None
    answered: bool
    confidence: float = Field(..., ge=0, le=1)
    tentative: bool = Field(
        False,
        description="An answer to show as a possible one, to check against its sources: its "
        "confidence is below the level at which, held out, at most 5% of answerable "
        "questions were answered wrongly.",
    )
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
    score: float = Field(
        description="On the mode's scale, comparable within one response only. hybrid: RRF, sum "
        "of weight / (rrf_k + rank) over the dense and BM25 lists, at most 2/61 = 0.0328 by "
        "default; lexical: BM25 (k1 1.5, b 0.75), above 0, unbounded; dense: cosine, -1 to 1; "
        "prefer_recent, any mode: score / best + recency_weight * recency (0-1), up to 1.15.",
    )
    score_normalised: float = Field(
        ge=0,
        le=1,
        description="score / the score of rank 1 (on every page), clipped to [0, 1]: one scale "
        "for every mode, how close a hit comes to the best one (not how relevant that is). "
        "A best score of 0 or below (dense only) gives 1.0 to the hits tying with it, else 0.",
    )
    also_in: list[AlsoIn] = Field(default_factory=list)
    page: int | None = None
    evidence_date: str | None = None
    evidence_date_inferred: bool = False
    view_url: str | None = Field(None, description=_VIEW_URL)


class SearchResponse(BaseModel):
    query: str
    mode: SearchMode
    hits: list[SearchHit]
    offset: int = Field(0, ge=0, description="Hits of the ranking skipped (as requested).")
    has_more: bool = Field(False, description="Whether offset + k would return more hits.")
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
